package io.hookgate.redis;

import io.hookgate.model.EventRecord;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One entry read from a stream: its ID and fields. An events-stream entry carries its event
 * ({@code event}: the fields, packed in one or each its own (lua/ingest.lua), and the payload bytes, kept
 * apart from the text fields; null for an entry
 * deleted while pending, which has no fields). A {@code firstTry} entry is an
 * event's entry standing for the first try of its only delivery, started straight from the fan-out (see
 * the engine's DeliveryPump); its fields are those of a deliveries-stream entry, plus {@code nm}
 * and {@code at} (the delivery's creation time), and it carries the event.
 */
public record StreamEntry(int partition, String id, Map<String, String> fields, EventRecord event, boolean firstTry) {

    public StreamEntry(int partition, String id, Map<String, String> fields) {
        this(partition, id, fields, null, false);
    }

    public String field(String name) {
        return fields.getOrDefault(name, "");
    }

    /** A deliveries-stream entry's retry step ({@code s}): its failed tries so far; 0 when absent. */
    public int step() {
        try {
            String s = field("s");
            return s.isEmpty() ? 0 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
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
            EntryFields fields = new EntryFields();
            byte[] payload = null;
            for (int i = 0; f != null && i + 1 < f.size(); i += 2) {
                String name = f.get(i).toString();
                if (name.equals("pl")) {
                    payload = f.get(i + 1).toBytes();
                } else if (name.equals("e")) {
                    unpack(f.get(i + 1).toString(), fields);
                } else {
                    fields.put(name, f.get(i + 1).toString());
                }
            }
            out.add(new StreamEntry(partition, e.get(0).toString(), fields, payload == null ? null : event(fields, payload),
                false));
        }
        return out;
    }

    /** The names of an events-stream entry's packed field {@code e}, in its order (lua/ingest.lua). */
    private static final String[] PACKED = {"id", "pr", "nm", "at", "us", "rq"};

    /**
     * An event's fields packed as the events stream's field {@code e} holds them (id|pr|nm|at|us|rq): built
     * here rather than in lua/ingest.lua, where each argument is a string Lua makes and the join another.
     */
    static String pack(String id, String projectId, String name, long acceptedAt, String userId, String requestId) {
        return new StringBuilder(id.length() + projectId.length() + name.length() + userId.length()
            + requestId.length() + 20).append(id).append('|').append(projectId).append('|').append(name).append('|')
            .append(acceptedAt).append('|').append(userId).append('|').append(requestId).toString();
    }

    /** Puts the fields packed in {@code e} (separated by '|', the last one taking the rest) into fields. */
    static void unpack(String e, EntryFields fields) {
        int from = 0;
        for (int k = 0; k < PACKED.length; k++) {
            int bar = k == PACKED.length - 1 ? -1 : e.indexOf('|', from);
            fields.put(PACKED[k], bar < 0 ? e.substring(from) : e.substring(from, bar));
            if (bar < 0) {
                return;
            }
            from = bar + 1;
        }
    }

    /** The event of an events-stream entry: its fields (as INGEST writes them) and payload. */
    private static EventRecord event(Map<String, String> fields, byte[] payload) {
        long at;
        try {
            at = Long.parseLong(fields.getOrDefault("at", ""));
        } catch (NumberFormatException e) {
            at = 0;
        }
        return new EventRecord(fields.getOrDefault("id", ""), fields.getOrDefault("pr", ""),
            fields.getOrDefault("nm", ""), fields.getOrDefault("us", ""), payload, at, fields.getOrDefault("rq", ""));
    }
}
