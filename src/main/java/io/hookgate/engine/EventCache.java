package io.hookgate.engine;

import io.hookgate.events.ExpansionCache;
import io.hookgate.model.EventRecord;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Events whose deliveries go through the deliveries stream, with the events header their deliveries carry,
 * so that their tries do not read the payload back from Redis each: kept at their fan-out, or when loaded
 * from Redis once.
 * An event whose only delivery is tried straight from the fan-out is not kept: that try takes the
 * payload from the event's stream entry. Bounded by total payload bytes, oldest first out (insertion
 * order: keeping access order would cost a relinking write per read). Owned by one event loop: not
 * thread-safe.
 *
 * <p>Keyed by project and event ID: event IDs are the platform's {@code $id}s, unique within a project
 * only, so two projects may well send the same one.
 */
public final class EventCache {
    /**
     * An event and its expansion joined for {@code X-Appwrite-Webhook-Events}. Not the expansion as a list:
     * a try needs only the header, and for events of distinct names (a document ID in the name) the list's
     * own strings were most of an entry's memory, uncounted by its weight (some 60 MB of the gateway's live
     * heap in the benchmark's matching scenario).
     */
    public record Entry(EventRecord event, String eventsHeader) {
    }

    private final long maxBytes;
    private long bytes;
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(1024, 0.75f, false);

    /** An event's identity: its project and its ID. */
    public record Key(String projectId, String eventId) {
    }

    public EventCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public Entry get(String projectId, String eventId) {
        return entries.get(new Key(projectId, eventId));
    }

    /** An event with its expansion, not kept. */
    public static Entry entry(EventRecord event, ExpansionCache.Expansion expansion) {
        return new Entry(event, expansion.header());
    }

    public Entry put(EventRecord event, ExpansionCache.Expansion expansion) {
        Entry e = entry(event, expansion);
        Entry old = entries.put(new Key(event.projectId(), event.id()), e);
        if (old != null) {
            bytes -= weight(old);
        }
        bytes += weight(e);
        var it = entries.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            Map.Entry<Key, Entry> eldest = it.next();
            bytes -= weight(eldest.getValue());
            it.remove();
        }
        return e;
    }

    public int size() {
        return entries.size();
    }

    private static long weight(Entry e) {
        return e.event().payload().length + 256L + e.eventsHeader().length() * 2L;
    }
}
