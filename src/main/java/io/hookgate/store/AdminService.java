package io.hookgate.store;

import io.hookgate.bus.ErrorCode;
import io.hookgate.bus.Replies;
import io.hookgate.bus.RequestFailure;
import io.hookgate.bus.StoreRequest;
import io.hookgate.config.HookgateConfig;
import io.hookgate.index.Subscriptions;
import io.hookgate.model.ApiKey;
import io.hookgate.model.Ids;
import io.hookgate.model.Project;
import io.hookgate.model.RetiredSecret;
import io.hookgate.model.Scope;
import io.hookgate.model.Webhook;
import io.hookgate.redis.DeliveryLog;
import io.hookgate.redis.KeyRepository;
import io.hookgate.redis.ProjectRepository;
import io.hookgate.redis.WebhookRepository;
import io.hookgate.signing.Hashing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may call, and what they manage: authentication of API keys and the admin key, projects, keys,
 * webhooks (create, update, secret rotation, delete) and the consequences of a change on recorded
 * deliveries (a disabled webhook's retrying deliveries are parked, an enabled one's parked and held ones
 * requeued, a deleted one's removed). Redis holds the truth ({@code redis} repositories); this replica's
 * {@link Subscriptions} follow each change at once.
 */
final class AdminService {
    private static final Logger LOG = LoggerFactory.getLogger(AdminService.class);
    /** A deleted webhook's deliveries are purged again this long after the delivery timeout. */
    private static final long PURGE_AGAIN_AFTER_MS = 5_000;
    /** Secrets valid at once during rotations' grace periods: the current one and retired ones. */
    private static final int MAX_VALID_SECRETS = 5;
    private static final String UNAUTHORIZED = "The current user is not authorized to perform the requested action.";

    private final Vertx vertx;
    private final ProjectRepository projects;
    private final KeyRepository keys;
    private final WebhookRepository webhooks;
    private final DeliveryLog log;
    private final Subscriptions subscriptions;
    private final String adminKeyHash;
    private final HookgateConfig.StoreConfig config;

    AdminService(Vertx vertx, ProjectRepository projects, KeyRepository keys, WebhookRepository webhooks, DeliveryLog log,
                 Subscriptions subscriptions, String adminKeyHash, HookgateConfig.StoreConfig config) {
        this.vertx = vertx;
        this.projects = projects;
        this.keys = keys;
        this.webhooks = webhooks;
        this.log = log;
        this.subscriptions = subscriptions;
        this.adminKeyHash = adminKeyHash;
        this.config = config;
    }

    // ---- authentication -------------------------------------------------------------------------

    /**
     * Who calls, in Appwrite's order (app/controllers/shared/api.php at 1.9.5): the project first, then
     * the key. A project that does not exist is 404 {@code project_not_found} whatever the key, as in
     * Appwrite; that answer tells a caller without a valid key that the project is not there (no more
     * than Appwrite tells), so it counts against the caller's address like a wrong key, except for the
     * admin key. Without a key the caller is Appwrite's guest, with no scope. The admin key acts on any
     * existing project; a project key only on its own. A project or key this replica's index does not
     * know yet (created a moment ago through another replica) is looked up once more in Redis first.
     */
    Future<Replies.Authentication> authenticate(StoreRequest.Authenticate r) {
        String projectId = r.projectId();
        if (r.key().isEmpty()) {
            return projectExists(projectId).map(exists -> exists
                ? new Replies.Principal(false, projectId, Set.of()) : notFound(true));
        }
        String hash = Hashing.sha256Hex(r.key());
        if (Hashing.sameHash(hash, adminKeyHash)) {
            Replies.Principal admin = new Replies.Principal(true, projectId, EnumSet.allOf(Scope.class));
            if (projectId.isEmpty()) {
                return Future.succeededFuture(admin);
            }
            return projectExists(projectId).map(exists -> exists ? admin : notFound(false));
        }
        ApiKey known = subscriptions.keyByHash(hash);
        if (projectId.isEmpty() || known != null && known.projectId().equals(projectId)) {
            return Future.succeededFuture(projectPrincipal(known, projectId));
        }
        // Unknown here, or another project's key: is the project there, and is the key one of its keys in Redis?
        return projectExists(projectId).compose(exists -> exists
            ? subscriptions.reloadKeys(projectId).map(x -> projectPrincipal(subscriptions.keyByHash(hash), projectId))
            : Future.succeededFuture(notFound(true)));
    }

    /** Whether the project exists: this replica's index, else Redis (which also brings it into the index). */
    private Future<Boolean> projectExists(String projectId) {
        if (subscriptions.hasProject(projectId)) {
            return Future.succeededFuture(true);
        }
        return subscriptions.reloadProject(projectId).map(x -> subscriptions.hasProject(projectId));
    }

    private static Replies.Refusal notFound(boolean failedKey) {
        RequestFailure f = RequestFailure.projectNotFound();
        return new Replies.Refusal(f.code(), f.getMessage(), failedKey);
    }

    private static Replies.Authentication projectPrincipal(ApiKey key, String projectId) {
        if (key == null || projectId.isEmpty() || !key.projectId().equals(projectId)) {
            return new Replies.Refusal(ErrorCode.UNAUTHORIZED, UNAUTHORIZED, true);
        }
        if (key.expiredAt(System.currentTimeMillis())) {
            // Appwrite's type and message (app/config/errors.php, PROJECT_KEY_EXPIRED).
            return new Replies.Refusal(ErrorCode.KEY_EXPIRED,
                "The project key has expired. Please generate a new key using the Appwrite console.", false);
        }
        return new Replies.Principal(false, key.projectId(), key.scopes());
    }

    // ---- projects and keys ------------------------------------------------------------------------

    Future<Project> createProject(StoreRequest.CreateProject r) {
        long now = System.currentTimeMillis();
        Project p = new Project(r.projectId(), r.name(), now, now);
        return projects.create(p).map(created -> {
            if (!created) {
                throw new RequestFailure(ErrorCode.PROJECT_ALREADY_EXISTS, "A project with the requested ID already exists.");
            }
            subscriptions.projectCreated(p.id());
            return p;
        });
    }

    Future<Replies.ProjectList> listProjects() {
        return projects.list().map(Replies.ProjectList::new);
    }

    Future<Project> requireProject(String projectId) {
        return projects.get(projectId).map(p -> p.orElseThrow(RequestFailure::projectNotFound));
    }

    /** Deletes a project with its keys and webhooks, then removes its webhooks' deliveries in the background. */
    Future<Replies.Done> deleteProject(StoreRequest.DeleteProject r) {
        return webhooks.ids(r.projectId()).compose(ids -> projects.delete(r.projectId()).map(existed -> {
            if (!existed) {
                throw RequestFailure.projectNotFound();
            }
            subscriptions.projectDeleted(r.projectId());
            purgeDeliveries(r.projectId(), ids);
            return Replies.Done.INSTANCE;
        }));
    }

    /** A new key; its secret is answered once and stored only as a hash. */
    Future<Replies.CreatedKey> createKey(StoreRequest.CreateKey r) {
        String secret = "standard_" + Ids.randomHex(128);
        long now = System.currentTimeMillis();
        ApiKey key = new ApiKey(Ids.unique(), r.projectId(), r.name(), r.scopes(), Hashing.sha256Hex(secret), now, now,
            r.expireAt());
        return keys.create(key).map(result -> {
            if (!"OK".equals(result)) {
                throw RequestFailure.projectNotFound();
            }
            subscriptions.keyAdded(key);
            return new Replies.CreatedKey(key, secret);
        });
    }

    Future<Replies.KeyList> listKeys(StoreRequest.ListKeys r) {
        return requireProject(r.projectId()).compose(x -> keys.list(r.projectId())).map(Replies.KeyList::new);
    }

    Future<Replies.Done> deleteKey(StoreRequest.DeleteKey r) {
        return keys.delete(r.projectId(), r.keyId()).compose(existed -> {
            if (!existed) {
                throw new RequestFailure(ErrorCode.KEY_NOT_FOUND, "Key with the requested ID could not be found.");
            }
            return keys.list(r.projectId()).map(list -> {
                subscriptions.keysReplaced(r.projectId(), list);
                return Replies.Done.INSTANCE;
            });
        });
    }

    // ---- webhooks ---------------------------------------------------------------------------------

    /** Creates a webhook, within the project's quota. */
    Future<Webhook> createWebhook(StoreRequest.CreateWebhook r) {
        long now = System.currentTimeMillis();
        StoreRequest.WebhookSpec s = r.spec();
        Webhook w = new Webhook(r.webhookId(), r.projectId(), s.name(), s.url(), s.events(), s.tls(), s.authUsername(),
            s.authPassword(), r.secret() == null ? newSecret() : r.secret(), s.enabled(), "", 0, now, now, List.of())
            .operational(r.operational());
        int quota = config.quotas().maxWebhooksPerProject();
        return webhooks.create(w, quota).map(result -> {
            switch (result) {
                case WebhookRepository.OK -> {
                    subscriptions.webhookChanged(w);
                    return w;
                }
                case WebhookRepository.EXISTS -> throw new RequestFailure(ErrorCode.WEBHOOK_ALREADY_EXISTS,
                    "Webhook with the requested ID already exists. Try again with a different ID or use ID.unique()"
                        + " to generate a unique ID.");
                case WebhookRepository.LIMIT -> throw new RequestFailure(ErrorCode.WEBHOOK_LIMIT_EXCEEDED,
                    "The project has reached its limit of " + quota + " webhooks (maxWebhooksPerProject). Delete one,"
                        + " or ask the operator to raise the limit.");
                default -> throw RequestFailure.projectNotFound();
            }
        });
    }

    /**
     * A page of the project's webhooks, from this replica's index (see index.WebhookListing), once the index
     * has every change that can alter it, as fan-out makes sure of for matching. Appwrite's error for a
     * cursor that names no webhook (Webhooks/XList.php at 1.9.5).
     */
    Future<Replies.WebhookList> listWebhooks(StoreRequest.ListWebhooks r) {
        return subscriptions.list(r.projectId(), r.operational(), r.query()).map(page -> page
            .map(p -> new Replies.WebhookList(p.total(), p.webhooks()))
            .orElseThrow(() -> new RequestFailure(ErrorCode.CURSOR_NOT_FOUND,
                "Webhook '" + r.query().cursor() + "' for the 'cursor' value not found.")));
    }

    /** The webhook of either kind (the deliveries API serves both). */
    Future<Webhook> requireWebhook(String projectId, String webhookId) {
        return webhooks.get(projectId, webhookId).map(w -> w.orElseThrow(RequestFailure::webhookNotFound));
    }

    /** The webhook, when it is of the kind the route serves (operational or not); else not found. */
    Future<Webhook> requireWebhook(String projectId, String webhookId, boolean operational) {
        return requireWebhook(projectId, webhookId).map(w -> {
            if (w.operational() != operational) {
                throw RequestFailure.webhookNotFound();
            }
            return w;
        });
    }

    /** Appwrite's PUT: every editable field replaced; {@code enabled = true} also resets {@code attempts}. */
    Future<Webhook> updateWebhook(StoreRequest.UpdateWebhook r) {
        StoreRequest.WebhookSpec spec = r.spec();
        return change(r.projectId(), r.webhookId(), r.operational(), (c, now) -> new Webhook(c.id(), c.projectId(),
            spec.name(), spec.url(), spec.events(), spec.tls(), spec.authUsername(), spec.authPassword(), c.secret(),
            spec.enabled(), c.logs(), spec.enabled() ? 0 : c.attempts(), c.createdAt(), now, c.retiredSecrets()),
            spec.enabled());
    }

    /** A new secret (given, or generated), the previous one still valid for {@code graceSeconds}. */
    Future<Webhook> rotateSecret(StoreRequest.RotateSecret r) {
        String secret = r.secret() == null ? newSecret() : r.secret();
        return change(r.projectId(), r.webhookId(), r.operational(), (c, now) -> new Webhook(c.id(), c.projectId(),
            c.name(), c.url(),
            c.events(), c.tls(), c.authUsername(), c.authPassword(), secret, c.enabled(), c.logs(), c.attempts(),
            c.createdAt(), now, retire(c, r.graceSeconds(), now)), false);
    }

    /** How a change makes the next state of a webhook from its current one, at {@code now}. */
    private interface Change {
        Webhook apply(Webhook current, long now);
    }

    /**
     * Read, change, write back. Disabling a webhook parks its retrying deliveries; enabling it again
     * requeues every parked one.
     */
    private Future<Webhook> change(String projectId, String webhookId, boolean operational, Change change,
                                   boolean resetAttempts) {
        boolean[] wasEnabled = {false};
        return requireWebhook(projectId, webhookId, operational).compose(c -> {
            wasEnabled[0] = c.enabled();
            return webhooks.update(change.apply(c, Math.max(System.currentTimeMillis(), c.createdAt())), resetAttempts);
        }).compose(updated -> {
            Webhook w = updated.orElseThrow(RequestFailure::webhookNotFound);
            subscriptions.webhookChanged(w);
            if (wasEnabled[0] && !w.enabled()) {
                return log.parkRetrying(projectId, webhookId).map(w);
            }
            if (!wasEnabled[0] && w.enabled()) {
                // Enabled again: what was parked at the disabling, and held by its circuit, goes out again.
                Future<Integer> parked = log.unpark(projectId, webhookId);
                Future<Integer> held = log.unhold(projectId, webhookId);
                return Future.all(parked, held).map(x -> {
                    if (parked.result() + held.result() > 0) {
                        LOG.info("webhook {} of project {} enabled again: {} parked and {} held deliveries requeued",
                            webhookId, projectId, parked.result(), held.result());
                    }
                    return w;
                });
            }
            return Future.succeededFuture(w);
        });
    }

    /**
     * The retired secrets after a rotation: with a grace period, the secret being replaced joins
     * those still valid (newest first); without one, every grace period ends. At most
     * {@value #MAX_VALID_SECRETS} secrets are valid at once: each signs every delivery (one
     * {@code webhook-signature} entry each) and every replica holds them, so endless rotations with a
     * grace period must not grow either without bound.
     */
    private static List<RetiredSecret> retire(Webhook current, long graceSeconds, long now) {
        if (graceSeconds <= 0) {
            return List.of();
        }
        List<RetiredSecret> out = new ArrayList<>();
        out.add(new RetiredSecret(current.secret(), now + graceSeconds * 1000));
        current.retiredSecrets().stream().filter(r -> r.validUntil() > now).forEach(out::add);
        if (out.size() >= MAX_VALID_SECRETS) {
            throw new RequestFailure(ErrorCode.ARGUMENT_INVALID, "Invalid `graceSeconds` param: at most "
                + MAX_VALID_SECRETS + " secrets can be valid at once. Wait for a grace period to end, or rotate with"
                + " graceSeconds = 0 to end them all.");
        }
        return List.copyOf(out);
    }

    Future<Replies.Done> deleteWebhook(StoreRequest.DeleteWebhook r) {
        return requireWebhook(r.projectId(), r.webhookId(), r.operational())
            .compose(w -> webhooks.delete(r.projectId(), r.webhookId(), r.operational())).map(existed -> {
            if (!existed) {
                throw RequestFailure.webhookNotFound();
            }
            subscriptions.webhookDeleted(r.projectId(), r.webhookId());
            purgeDeliveries(r.projectId(), List.of(r.webhookId()));
            return Replies.Done.INSTANCE;
        });
    }

    /**
     * Removes the delivery records and indexes of deleted webhooks, in the background and one webhook after
     * the other, and once more when a try under way at the deletion has ended (it records its outcome).
     * Only records created up to the deletion go: a webhook made again under the same ID keeps its own.
     * What a failure leaves behind goes by retention by age: each purge call puts the webhook in the partition's
     * aged set (lua/purge_webhook.lua).
     */
    private void purgeDeliveries(String projectId, List<String> webhookIds) {
        long deletedAt = System.currentTimeMillis();
        purgeEach(projectId, webhookIds, deletedAt, 0);
        vertx.setTimer(config.deliveryTimeoutMs() + PURGE_AGAIN_AFTER_MS,
            t -> purgeEach(projectId, webhookIds, deletedAt, 0));
    }

    private void purgeEach(String projectId, List<String> webhookIds, long deletedAt, int from) {
        if (from >= webhookIds.size()) {
            return;
        }
        String webhookId = webhookIds.get(from);
        log.purgeWebhook(projectId, webhookId, deletedAt).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warn("could not remove the deliveries of deleted webhook {}/{}: {}", projectId, webhookId,
                    ar.cause().getMessage());
            } else if (ar.result() > 0) {
                LOG.info("removed {} delivery records of deleted webhook {}/{}", ar.result(), projectId, webhookId);
            }
            purgeEach(projectId, webhookIds, deletedAt, from + 1);
        });
    }

    /** 128 lowercase hex chars from 64 random bytes, as the contract's generated secrets. */
    private static String newSecret() {
        return Ids.randomHex(64);
    }
}
