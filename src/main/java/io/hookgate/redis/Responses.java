package io.hookgate.redis;

import io.vertx.redis.client.Response;
import java.util.HashMap;
import java.util.Map;

/** Reading Redis replies that arrive as RESP3 maps or as RESP2 flat field/value arrays. */
public final class Responses {
    private Responses() {
    }

    /** A hash reply as a map of strings; empty for a nil or empty reply. */
    public static Map<String, String> toMap(Response r) {
        Map<String, String> out = new HashMap<>();
        if (r == null) {
            return out;
        }
        if (r.isMap()) {
            for (String k : r.getKeys()) {
                Response v = r.get(k);
                out.put(k, v == null ? null : v.toString());
            }
            return out;
        }
        for (int i = 0; i + 1 < r.size(); i += 2) {
            Response v = r.get(i + 1);
            out.put(r.get(i).toString(), v == null ? null : v.toString());
        }
        return out;
    }

    /** A hash reply's byte values (payloads) by field name. */
    public static Map<String, byte[]> toByteMap(Response r) {
        Map<String, byte[]> out = new HashMap<>();
        if (r == null) {
            return out;
        }
        if (r.isMap()) {
            for (String k : r.getKeys()) {
                Response v = r.get(k);
                out.put(k, v == null ? null : v.toBytes());
            }
            return out;
        }
        for (int i = 0; i + 1 < r.size(); i += 2) {
            Response v = r.get(i + 1);
            out.put(r.get(i).toString(), v == null ? null : v.toBytes());
        }
        return out;
    }
}
