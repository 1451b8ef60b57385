package io.hookgate.redis.scripts;

import io.hookgate.redis.RecordFormat;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A delivery record to set up, encoded by {@link RecordFormat#encode} as the gateway writes it. Starts
 * as a record of an event of several deliveries (no {@code so}, no event fields), created and updated
 * at {@code at}, no tries.
 */
final class TestRecord {
    /** The order of {@link RecordFormat#encode}'s header values. */
    private static final String[] HEAD = {"id", "nm", "at", "up", "nx", "n", "s", "us", "ea", "rq"};

    private String st;
    private String so;
    private final String ev;
    private final String pr;
    private final String wh;
    private final Map<String, String> head = new HashMap<>();
    private String tryJson;
    private String payload;

    private TestRecord(String st, String pr, String wh, String ev, long at) {
        this.st = st;
        this.pr = pr;
        this.wh = wh;
        this.ev = ev;
        head.put("nm", "users.create");
        head.put("at", Long.toString(at));
        head.put("up", Long.toString(at));
    }

    static TestRecord of(String st, String pr, String wh, String ev, long at) {
        return new TestRecord(st, pr, wh, ev, at);
    }

    /** A header field (nm, at, up, nx, n, s, us, ea, rq). */
    TestRecord with(String field, Object value) {
        head.put(field, String.valueOf(value));
        return this;
    }

    TestRecord status(String status) {
        st = status;
        return this;
    }

    /** The record of its event's only delivery: it holds the event (so = 1). */
    TestRecord holdingEvent(String user, long acceptedAt, String requestId, String eventPayload) {
        so = "1";
        head.put("us", user);
        head.put("ea", Long.toString(acceptedAt));
        head.put("rq", requestId);
        payload = eventPayload;
        return this;
    }

    /** The newest try; {@code n} tries made in all. */
    TestRecord newestTry(String json, int n) {
        tryJson = json;
        head.put("n", Integer.toString(n));
        return this;
    }

    String pr() {
        return pr;
    }

    String wh() {
        return wh;
    }

    long at() {
        return Long.parseLong(head.get("at"));
    }

    byte[] encode() {
        return encode(2);
    }

    /** Encoded in a {@code recordLayout}: 4 gives a delivered record holding its event as an archive's item holds it. */
    byte[] encode(int layout) {
        String[] values = new String[HEAD.length];
        for (int i = 0; i < HEAD.length; i++) {
            values[i] = head.get(HEAD[i]);
        }
        return RecordFormat.encode(layout, st, so, ev, pr, wh, values, tryJson,
            payload == null ? null : payload.getBytes(StandardCharsets.UTF_8));
    }

    String text() {
        return new String(encode(), StandardCharsets.UTF_8);
    }

    String text(int layout) {
        return new String(encode(layout), StandardCharsets.UTF_8);
    }
}
