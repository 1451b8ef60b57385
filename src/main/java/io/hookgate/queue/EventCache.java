package io.hookgate.queue;

import io.hookgate.model.EventRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recently accepted events with their expansion, so the replica that ingested an event delivers it
 * without reading the payload back from Redis. Bounded by total payload bytes, oldest first out
 * (insertion order: an event is read once or twice, at fan-out and at its first try, so keeping
 * access order only cost a relinking write per read). Owned by one event loop: not thread-safe.
 */
public final class EventCache {
    /** An event, its expansion, and the expansion joined for {@code X-Appwrite-Webhook-Events}. */
    public record Entry(EventRecord event, List<String> expansion, String eventsHeader) {
    }

    private final long maxBytes;
    private long bytes;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(1024, 0.75f, false);

    public EventCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public Entry get(String eventId) {
        return entries.get(eventId);
    }

    public Entry put(EventRecord event, List<String> expansion) {
        Entry e = new Entry(event, expansion, String.join(",", expansion));
        Entry old = entries.put(event.id(), e);
        if (old != null) {
            bytes -= weight(old);
        }
        bytes += weight(e);
        var it = entries.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            Map.Entry<String, Entry> eldest = it.next();
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
