package io.hookgate.engine;

import io.hookgate.events.ExpansionCache;
import io.hookgate.events.InvalidEventException;
import io.hookgate.model.EventRecord;
import io.hookgate.redis.EventQueue;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events that tries carry, with their expansion (the {@code X-Appwrite-Webhook-Events} header):
 * from the event's stream entry at a first try, else from this replica's {@link EventCache}, else read
 * from Redis once for all the tries that miss it together. Owned by the store verticle's event loop.
 */
final class Events {
    private static final Logger LOG = LoggerFactory.getLogger(Events.class);

    private final EventQueue queue;
    private final ExpansionCache expansions;
    private final EventCache cache;
    /** Reads under way, by project and event ID. */
    private final Map<EventCache.Key, Future<EventCache.Entry>> loading = new HashMap<>();

    Events(EventQueue queue, ExpansionCache expansions, long cacheBytes) {
        this.queue = queue;
        this.expansions = expansions;
        this.cache = new EventCache(cacheBytes);
    }

    /** The strings an event name expands to; empty, and logged, when the name is no longer valid. */
    List<String> expansion(String eventId, String name) {
        try {
            return expansions.of(name).names();
        } catch (InvalidEventException e) {
            LOG.warn("event {} has a name that is no longer valid ({}); no deliveries", eventId, e.getMessage());
            return List.of();
        }
    }

    /** The event with its expansion, not kept; null when its name is no longer valid. */
    EventCache.Entry withExpansion(EventRecord ev) {
        try {
            return EventCache.entry(ev, expansions.of(ev.name()));
        } catch (InvalidEventException e) {
            return null;
        }
    }

    /** Keeps an event whose deliveries go through the deliveries stream, for their tries. */
    EventCache.Entry keep(EventRecord ev) {
        EventCache.Entry kept = cache.get(ev.projectId(), ev.id());
        if (kept != null) {
            return kept;
        }
        try {
            return cache.put(ev, expansions.of(ev.name()));
        } catch (InvalidEventException err) {
            LOG.warn("event {} has a name that is no longer valid ({})", ev.id(), err.getMessage());
            return null;
        }
    }

    /** A delivery's event: kept, else read from Redis; null when its payload is no longer stored. */
    Future<EventCache.Entry> of(int partition, String projectId, String eventId, String deliveryId) {
        EventCache.Entry e = cache.get(projectId, eventId);
        if (e != null) {
            return Future.succeededFuture(e);
        }
        // Tries of one event that miss together (a restart, a reclaim) share one read.
        EventCache.Key key = new EventCache.Key(projectId, eventId);
        Future<EventCache.Entry> under = loading.get(key);
        if (under != null) {
            return under;
        }
        Future<EventCache.Entry> load = queue.loadEvent(partition, projectId, eventId, deliveryId, null)
            .map(ev -> ev == null ? null : keep(ev))
            .eventually(() -> {
                loading.remove(key);
                return Future.succeededFuture();
            });
        if (!load.isComplete()) {
            loading.put(key, load);
        }
        return load;
    }
}
