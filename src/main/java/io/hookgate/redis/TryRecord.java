package io.hookgate.redis;

import io.hookgate.bus.DeliveryOutcome;
import io.hookgate.model.JsonText;
import io.hookgate.model.Timestamps;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * A try of a delivery: when, how long, the status code, the transport error or refusal (an answer over
 * the size limit has both), the response headers and the first bytes of the response body.
 *
 * <p>Stored compactly, because every delivery record holds its newest try and Redis writes each one to
 * its AOF and keeps it in memory: {@code {"a":<start, epoch ms>,"d":<ms>,"c":<status>}}, then
 * {@code "e"} (error), {@code "h"} (headers) and {@code "b"} (body: null when nothing answered) only
 * when not empty. {@link #toApi}
 * turns it into the API's attempt ({@code $createdAt}, {@code durationMs}, {@code statusCode},
 * {@code error}, {@code responseHeaders}, {@code responseBody}), which is also how tries stored by
 * earlier versions look: those are answered as they are.
 */
public final class TryRecord {
    private TryRecord() {
    }

    public static String of(DeliveryOutcome outcome, long startedAtMs) {
        String error = outcome instanceof DeliveryOutcome.Failed f ? f.error()
            : outcome instanceof DeliveryOutcome.Refused r ? r.error() : "";
        return json(startedAtMs, outcome.durationMs(), outcome.status(), error, outcome.headers(), outcome.body());
    }

    /** A try that was not made: the event's payload had expired, say. */
    public static String notMade(String reason, long atMs) {
        return json(atMs, 0, 0, reason, Map.of(), "");
    }

    /** Written by hand: this runs once per try. */
    private static String json(long atMs, long durationMs, int status, String error, Map<String, String> headers,
                               String body) {
        StringBuilder b = new StringBuilder(64);
        b.append("{\"a\":").append(atMs).append(",\"d\":").append(durationMs).append(",\"c\":").append(status);
        if (error != null && !error.isEmpty()) {
            b.append(",\"e\":");
            JsonText.quoted(b, error);
        }
        if (!headers.isEmpty()) {
            b.append(",\"h\":{");
            boolean first = true;
            for (Map.Entry<String, String> h : headers.entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                JsonText.quoted(b, h.getKey()).append(':');
                JsonText.quoted(b, h.getValue());
            }
            b.append('}');
        }
        if (body == null) {
            // No answer at all (the API shows null), not an empty one.
            b.append(",\"b\":null");
        } else if (!body.isEmpty()) {
            b.append(",\"b\":");
            JsonText.quoted(b, body);
        }
        return b.append('}').toString();
    }

    /** A stored try as the API shows it (see the class comment); a try stored by an earlier version as it is. */
    public static String toApi(String stored) {
        if (!stored.startsWith("{\"a\":")) {
            return stored;
        }
        try {
            JsonObject t = new JsonObject(stored);
            JsonObject headers = t.getJsonObject("h");
            return new JsonObject()
                .put("$createdAt", Timestamps.format(t.getLong("a", 0L)))
                .put("durationMs", t.getLong("d", 0L))
                .put("statusCode", t.getInteger("c", 0))
                .put("error", t.getString("e", ""))
                .put("responseHeaders", headers == null ? new JsonObject() : headers)
                .put("responseBody", t.containsKey("b") ? t.getString("b") : "")
                .encode();
        } catch (DecodeException | ClassCastException e) {
            return stored;
        }
    }
}
