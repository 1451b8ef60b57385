package io.hookgate.queue;

import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry read from a stream: its ID and fields. A {@code firstTry} entry is an event's entry
 * (events stream) standing for the first try of its only delivery, started straight from the fan-out
 * (see {@link DeliveryPump#startFirstTry}); its fields are those of a deliveries-stream entry, plus
 * {@code nm} and {@code at} (the delivery's creation time).
 */
public record StreamEntry(int partition, String id, Map<String, String> fields, boolean firstTry) {

    public StreamEntry(int partition, String id, Map<String, String> fields) {
        this(partition, id, fields, false);
    }

    public String field(String name) {
        return fields.getOrDefault(name, "");
    }

    /**
     * Parses an XREADGROUP reply for one stream: a RESP3 map {stream: entries} or a RESP2 array
     * [[stream, entries]]; nil (the BLOCK timed out) is an empty list. An entry deleted while pending
     * comes with nil fields: it is kept with no fields, so the caller still acknowledges it.
     */
    static List<StreamEntry> parse(int partition, Response reply) {
        List<StreamEntry> out = new ArrayList<>();
        if (reply == null) {
            return out;
        }
        Response entries = null;
        if (reply.isMap()) {
            for (String k : reply.getKeys()) {
                entries = reply.get(k);
            }
        } else if (reply.size() > 0) {
            entries = reply.get(0).get(1);
        }
        return parseEntries(partition, entries);
    }

    /** Parses a list of stream entries [[id, [field, value, ...]], ...] (nil: empty). */
    static List<StreamEntry> parseEntries(int partition, Response entries) {
        List<StreamEntry> out = new ArrayList<>();
        if (entries == null) {
            return out;
        }
        for (Response e : entries) {
            if (e == null) {
                continue;
            }
            Response f = e.get(1);
            Map<String, String> fields = new HashMap<>();
            for (int i = 0; f != null && i + 1 < f.size(); i += 2) {
                fields.put(f.get(i).toString(), f.get(i + 1).toString());
            }
            out.add(new StreamEntry(partition, e.get(0).toString(), fields));
        }
        return out;
    }
}
