package io.hookgate.index;

import io.hookgate.model.ApiKey;
import io.hookgate.model.Project;
import io.hookgate.model.Webhook;
import io.hookgate.model.WebhookQuery;
import io.hookgate.redis.ChangeFeed;
import io.hookgate.redis.KeyRepository;
import io.hookgate.redis.ProjectRepository;
import io.hookgate.redis.RedisStore;
import io.hookgate.redis.WebhookRepository;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's view of every project's keys and webhooks: loaded from Redis at start, kept current by
 * the change feed (what any replica wrote), and brought up to date on demand before a fan-out
 * ({@link #freshen}). Writes made through this replica are applied at once as well; the feed brings
 * them again, which changes nothing. Owned by the store verticle's event loop: not thread-safe.
 */
public final class Subscriptions {
    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);

    private final ProjectRepository projects;
    private final KeyRepository keys;
    private final WebhookRepository webhooks;
    private final ChangeFeed feed;
    private final SubscriptionIndex index = new SubscriptionIndex();
    private final InOrder changesInOrder = new InOrder();
    /** Per project with reloads under way, one set each: the webhooks changed here since its reads were sent. */
    private final Map<String, List<Set<String>>> reloading = new HashMap<>();
    private boolean loaded;

    public Subscriptions(RedisStore store, ProjectRepository projects, KeyRepository keys, WebhookRepository webhooks) {
        this.projects = projects;
        this.keys = keys;
        this.webhooks = webhooks;
        this.feed = store.changeFeed(this::reloadAfterReconnect, this::apply);
    }

    /** Follows the change feed and loads every project; completes once loaded. */
    public Future<Void> start() {
        return feed.start().compose(x -> reloadAll());
    }

    public Future<Void> stop() {
        return feed.stop();
    }

    // ---- loading ------------------------------------------------------------------------------

    private void reloadAfterReconnect() {
        if (loaded) {
            reloadAll().onFailure(err -> LOG.warn("index reload failed: {}", err.getMessage()));
        }
    }

    /** Loads every project's keys and webhooks, dropping projects that are gone. */
    private Future<Void> reloadAll() {
        return projects.ids().compose(ids -> {
            for (String known : index.projectIds()) {
                if (!ids.contains(known)) {
                    index.removeProject(known);
                }
            }
            // One project after the other: bounded work in flight however many there are.
            Future<Void> chain = Future.succeededFuture();
            for (String id : ids) {
                chain = chain.compose(x -> reloadProject(id));
            }
            return chain;
        }).map(x -> {
            loaded = true;
            LOG.info("index loaded: {} projects, {} webhooks", index.projectIds().size(), index.webhookCount());
            return null;
        });
    }

    /**
     * Loads one project afresh (or forgets it when it is gone). A webhook this index changes while the reads
     * are under way (a write through this replica, a change message) may be newer than what they read: its
     * state in the index is kept over theirs, or the reads would put back an older state, or none, and a later
     * change message would raise the version over the hole (lists and fan-out would no longer reload).
     */
    public Future<Void> reloadProject(String projectId) {
        // The version is read first: what is loaded after it is at least that recent.
        return webhooks.version(projectId).compose(version -> {
            Set<String> changed = new HashSet<>();
            reloading.computeIfAbsent(projectId, k -> new ArrayList<>()).add(changed);
            Future<Optional<Project>> project = projects.get(projectId);
            Future<List<ApiKey>> projectKeys = keys.list(projectId);
            Future<List<Webhook>> hooks = webhooks.all(projectId);
            return Future.all(project, projectKeys, hooks).transform(ar -> {
                List<Set<String>> under = reloading.get(projectId);
                under.removeIf(c -> c == changed);
                if (under.isEmpty()) {
                    reloading.remove(projectId);
                }
                if (ar.failed()) {
                    return Future.failedFuture(ar.cause());
                }
                if (project.result().isEmpty()) {
                    index.removeProject(projectId);
                } else {
                    Map<String, Webhook> kept = new HashMap<>();
                    if (index.hasProject(projectId)) {
                        changed.forEach(id -> kept.put(id, index.webhook(projectId, id)));
                    }
                    index.putProject(projectId, projectKeys.result(), hooks.result());
                    kept.forEach((id, w) -> {
                        if (w == null) {
                            index.removeWebhook(projectId, id);
                        } else {
                            index.putWebhook(w);
                        }
                    });
                    index.applied(projectId, version);
                }
                return Future.succeededFuture();
            });
        });
    }

    /** A webhook of a project this index holds was put or removed: reloads under way keep that (see reloadProject). */
    private void changed(String projectId, String webhookId) {
        List<Set<String>> under = reloading.get(projectId);
        if (under != null && index.hasProject(projectId)) {
            under.forEach(c -> c.add(webhookId));
        }
    }

    /**
     * Reads the project's keys from Redis again: a key this index does not know may have been created a
     * moment ago (through another replica, or while a project reload that had read the keys before it was
     * still under way).
     */
    public Future<Void> reloadKeys(String projectId) {
        return keys.list(projectId).map(list -> {
            index.replaceKeys(projectId, list);
            return null;
        });
    }

    /**
     * Before a batch is fanned out: every project in it must be known at least at the version Redis
     * holds now, so a webhook created (through any replica) before an event was accepted always gets
     * it. A project whose change message has not arrived yet is reloaded.
     */
    public Future<Void> freshen(Set<String> projectIds) {
        List<Future<?>> all = new ArrayList<>();
        for (String pid : projectIds) {
            if (pid.isEmpty()) {
                continue;
            }
            all.add(webhooks.version(pid).compose(v -> v > index.version(pid) ? reloadProject(pid)
                : Future.succeededFuture()));
        }
        return Future.all(all).mapEmpty();
    }

    private void apply(ChangeFeed.Change change) {
        Future<?> done;
        if (change instanceof ChangeFeed.ProjectChanged c) {
            done = reloadProject(c.projectId());
        } else if (change instanceof ChangeFeed.KeysChanged c) {
            done = keys.list(c.projectId()).map(list -> {
                index.replaceKeys(c.projectId(), list);
                return null;
            });
        } else {
            ChangeFeed.WebhookChanged c = (ChangeFeed.WebhookChanged) change;
            // One webhook's changes are read back one after the other (see InOrder).
            done = changesInOrder.run(c.projectId() + "/" + c.webhookId(), () -> webhooks.get(c.projectId(),
                c.webhookId())).map(w -> {
                    if (w.isPresent()) {
                        index.putWebhook(w.get());
                    } else {
                        index.removeWebhook(c.projectId(), c.webhookId());
                    }
                    changed(c.projectId(), c.webhookId());
                    index.applied(c.projectId(), c.version());
                    return null;
                });
        }
        done.onFailure(err -> LOG.warn("applying change {} failed: {}", change, err.getMessage()));
    }

    // ---- reads --------------------------------------------------------------------------------

    /** Every webhook known, as {@code projectId:webhookId}. */
    public List<String> webhookNames() {
        return index.webhookNames();
    }

    public boolean hasProject(String projectId) {
        return index.hasProject(projectId);
    }

    /** The key whose secret hashes to {@code hash}, or null. */
    public ApiKey keyByHash(String hash) {
        return index.keyByHash(hash);
    }

    /** The webhook as this replica knows it; null when unknown here. */
    public Webhook webhook(String projectId, String webhookId) {
        return index.webhook(projectId, webhookId);
    }

    /** The webhook from this replica's index, else from Redis; null when it no longer exists. */
    public Future<Webhook> webhookOrLoad(String projectId, String webhookId) {
        Webhook w = index.webhook(projectId, webhookId);
        return w != null ? Future.succeededFuture(w) : webhooks.get(projectId, webhookId).map(o -> o.orElse(null));
    }

    /** The webhooks of the project (enabled or not) that subscribed to any string of the expansion. */
    public List<Webhook> match(String projectId, List<String> expansion) {
        return index.match(projectId, expansion);
    }

    /**
     * A page of the project's webhooks (or operational ones) from this index, brought up to date first as
     * for a fan-out ({@link #freshen}): a webhook created or changed through another replica is in it.
     * Empty when the query's cursor names no such webhook.
     */
    public Future<Optional<WebhookQuery.Page>> list(String projectId, boolean operational, WebhookQuery query) {
        return freshen(Set.of(projectId)).map(x -> index.list(projectId, operational, query));
    }

    /** The enabled webhooks whose circuit is open, as this replica knows them. */
    public List<Webhook> openCircuits() {
        return index.openCircuits();
    }

    // ---- writes made through this replica ---------------------------------------------------

    public void projectCreated(String projectId) {
        index.putProject(projectId, List.of(), List.of());
    }

    public void projectDeleted(String projectId) {
        index.removeProject(projectId);
    }

    public void keyAdded(ApiKey key) {
        index.addKey(key);
    }

    public void keysReplaced(String projectId, List<ApiKey> list) {
        index.replaceKeys(projectId, list);
    }

    public void webhookChanged(Webhook w) {
        index.putWebhook(w);
        changed(w.projectId(), w.id());
    }

    public void webhookDeleted(String projectId, String webhookId) {
        index.removeWebhook(projectId, webhookId);
        changed(projectId, webhookId);
    }

    /** A try's bookkeeping on a webhook this replica knows: its failure state as Redis now has it. */
    public void bookkeeping(String projectId, String webhookId, boolean enabled, String logs, int attempts,
                            Webhook.Health health) {
        Webhook current = index.webhook(projectId, webhookId);
        if (current != null) {
            index.putWebhook(current.withBookkeeping(enabled, logs, attempts, health));
            changed(projectId, webhookId);
        }
    }
}
