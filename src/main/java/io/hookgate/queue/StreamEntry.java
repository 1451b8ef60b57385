package io.hookgate.queue;

import io.hookgate.model.EventRecord;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry read from a stream: its ID and fields. An events-stream entry carries its event's payload
 * bytes apart from the text fields ({@code payload}; null in entries of older versions, whose event
 * hash holds it). A {@code firstTry} entry is an event's entry standing for the first try of its only
 * delivery, started straight from the fan-out (see {@link DeliveryPump#startFirstTry}); its fields are
 * those of a deliveries-stream entry, plus {@code nm}, {@code at} (the delivery's creation time),
 * {@code us}, {@code ea} (the event's acceptance time) and {@code rq}, and its payload is the event's.
 */
public record StreamEntry(int partition, String id, Map<String, String> fields, byte[] payload, boolean firstTry) {

    public StreamEntry(int partition, String id, Map<String, String> fields) {
        this(partition, id, fields, null, false);
    }

    public String field(String name) {
        return fields.getOrDefault(name, "");
    }

    /** The event an events-stream entry carries; null for an entry without its payload (older versions). */
    public EventRecord event() {
        if (payload == null) {
            return null;
        }
        long at;
        try {
            at = Long.parseLong(field("at"));
        } catch (NumberFormatException e) {
            at = 0;
        }
        return new EventRecord(field("id"), field("pr"), field("nm"), field("us"), payload, at, field("rq"));
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
            byte[] payload = null;
            for (int i = 0; f != null && i + 1 < f.size(); i += 2) {
                String name = f.get(i).toString();
                if (name.equals("pl")) {
                    payload = f.get(i + 1).toBytes();
                } else {
                    fields.put(name, f.get(i + 1).toString());
                }
            }
            out.add(new StreamEntry(partition, e.get(0).toString(), fields, payload, false));
        }
        return out;
    }
}
