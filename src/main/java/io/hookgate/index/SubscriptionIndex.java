package io.hookgate.index;

import io.hookgate.events.MatchIndex;
import io.hookgate.model.ApiKey;
import io.hookgate.model.Webhook;
import io.hookgate.model.WebhookQuery;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * This replica's in-memory copy of every project's webhooks and keys, kept current through the
 * change feed. Matching an event costs one {@link MatchIndex} lookup per expanded string, however many
 * webhooks a project has. Owned by the store verticle's event loop: not thread-safe.
 */
public final class SubscriptionIndex {
    private final Map<String, ProjectEntry> projects = new HashMap<>();
    private final Map<String, ApiKey> keysByHash = new HashMap<>();
    /** The enabled webhooks whose circuit is open, by "PID/WID": the few that the probe timer visits. */
    private final Map<String, Webhook> openCircuits = new HashMap<>();

    private static final class ProjectEntry {
        /** The project's ID, one instance for all its webhooks. */
        final String id;
        final MatchIndex match = new MatchIndex();
        final Map<String, Webhook> webhooks = new HashMap<>();
        /** Its webhooks, and its operational webhooks, in creation order: listing pages (see WebhookListing). */
        final NavigableSet<Webhook> listed = new TreeSet<>(WebhookListing.CREATION);
        final NavigableSet<Webhook> listedOperational = new TreeSet<>(WebhookListing.CREATION);
        final List<ApiKey> keys = new ArrayList<>();
        /** The project's webhook version this index has applied (at least). */
        long version;

        ProjectEntry(String id) {
            this.id = id;
        }
    }

    /** Replaces everything known about one project (its keys and webhooks). */
    public void putProject(String projectId, Collection<ApiKey> keys, Collection<Webhook> webhooks) {
        removeProject(projectId);
        ProjectEntry e = new ProjectEntry(projectId);
        projects.put(projectId, e);
        replaceKeys(projectId, keys);
        webhooks.forEach(this::putWebhook);
    }

    /** The version this index has applied for the project; -1 when the project is unknown. */
    public long version(String projectId) {
        ProjectEntry e = projects.get(projectId);
        return e == null ? -1 : e.version;
    }

    /** Records that the index reflects the project at least as of {@code version}. */
    public void applied(String projectId, long version) {
        ProjectEntry e = projects.get(projectId);
        if (e != null && version > e.version) {
            e.version = version;
        }
    }

    public void removeProject(String projectId) {
        ProjectEntry e = projects.remove(projectId);
        if (e != null) {
            e.keys.forEach(k -> keysByHash.remove(k.secretHash()));
            e.webhooks.keySet().forEach(id -> openCircuits.remove(projectId + "/" + id));
        }
    }

    public boolean hasProject(String projectId) {
        return projects.containsKey(projectId);
    }

    public Set<String> projectIds() {
        return Set.copyOf(projects.keySet());
    }

    public void replaceKeys(String projectId, Collection<ApiKey> keys) {
        ProjectEntry e = projects.get(projectId);
        if (e == null) {
            return;
        }
        e.keys.forEach(k -> keysByHash.remove(k.secretHash()));
        e.keys.clear();
        e.keys.addAll(keys);
        keys.forEach(k -> keysByHash.put(k.secretHash(), k));
    }

    public void addKey(ApiKey key) {
        ProjectEntry e = projects.get(key.projectId());
        if (e != null) {
            e.keys.removeIf(k -> k.id().equals(key.id()));
            e.keys.add(key);
            keysByHash.put(key.secretHash(), key);
        }
    }

    /** The key whose secret hashes to {@code hash}, or null. */
    public ApiKey keyByHash(String hash) {
        return keysByHash.get(hash);
    }

    public void putWebhook(Webhook w) {
        ProjectEntry e = projects.get(w.projectId());
        if (e == null) {
            return;
        }
        // Held with one instance of its project's ID, of its own ID (a replaced webhook's) and of each
        // subscription string (the match index's): 100 000 webhooks kept some 700 000 copies of those.
        Webhook old = e.webhooks.get(w.id());
        String id = old != null ? old.id() : w.id();
        Webhook kept = w.sharing(id, e.id, e.match.put(id, w.events()));
        e.webhooks.put(id, kept);
        if (old != null) {
            listing(e, old).remove(old);
        }
        listing(e, kept).add(kept);
        if (kept.enabled() && kept.health().circuitOpen()) {
            openCircuits.put(e.id + "/" + id, kept);
        } else {
            openCircuits.remove(e.id + "/" + id);
        }
    }

    public void removeWebhook(String projectId, String webhookId) {
        ProjectEntry e = projects.get(projectId);
        if (e != null) {
            Webhook old = e.webhooks.remove(webhookId);
            if (old != null) {
                listing(e, old).remove(old);
            }
            e.match.remove(webhookId);
            openCircuits.remove(projectId + "/" + webhookId);
        }
    }

    public Webhook webhook(String projectId, String webhookId) {
        ProjectEntry e = projects.get(projectId);
        return e == null ? null : e.webhooks.get(webhookId);
    }

    private static NavigableSet<Webhook> listing(ProjectEntry e, Webhook w) {
        return w.operational() ? e.listedOperational : e.listed;
    }

    /**
     * A page of the project's webhooks (or operational webhooks) as {@code query} asks; empty when its
     * cursor names no webhook of that kind in the project.
     */
    public Optional<WebhookQuery.Page> list(String projectId, boolean operational, WebhookQuery query) {
        ProjectEntry e = projects.get(projectId);
        if (e == null) {
            return query.cursor() == null ? Optional.of(new WebhookQuery.Page(0, List.of())) : Optional.empty();
        }
        Webhook cursor = null;
        if (query.cursor() != null) {
            cursor = e.webhooks.get(query.cursor());
            if (cursor == null || cursor.operational() != operational) {
                return Optional.empty();
            }
        }
        return Optional.of(WebhookListing.page(operational ? e.listedOperational : e.listed, query, cursor));
    }

    /** The webhooks of the project (enabled or not) that subscribed to any string of the expansion. */
    public List<Webhook> match(String projectId, List<String> expansion) {
        ProjectEntry e = projects.get(projectId);
        if (e == null) {
            return List.of();
        }
        List<Webhook> out = new ArrayList<>();
        for (String id : e.match.match(expansion)) {
            Webhook w = e.webhooks.get(id);
            if (w != null) {
                out.add(w);
            }
        }
        return out;
    }

    /** The enabled webhooks whose circuit is open. */
    public List<Webhook> openCircuits() {
        return List.copyOf(openCircuits.values());
    }

    /** Every webhook as {@code projectId:webhookId}, operational ones included. */
    public List<String> webhookNames() {
        List<String> out = new ArrayList<>();
        for (ProjectEntry p : projects.values()) {
            for (String id : p.webhooks.keySet()) {
                out.add(p.id + ":" + id);
            }
        }
        return out;
    }

    public int webhookCount() {
        return projects.values().stream().mapToInt(p -> p.webhooks.size()).sum();
    }
}
