package io.hookgate.redis;

import io.hookgate.bus.DeliveryOutcome;
import io.hookgate.model.Timestamps;
import java.util.Map;

/**
 * The JSON kept for each try of a delivery: when, how long, the status code, the transport error or
 * refusal (an answer over the size limit has both), the response headers and the first bytes of the
 * response body.
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

    /** Written by hand (the same JSON Jackson would write): this runs once per try. */
    private static String json(long atMs, long durationMs, int status, String error, Map<String, String> headers,
                               String body) {
        StringBuilder b = new StringBuilder(160);
        b.append("{\"$createdAt\":");
        JsonText.quoted(b, Timestamps.format(atMs));
        b.append(",\"durationMs\":").append(durationMs);
        b.append(",\"statusCode\":").append(status);
        b.append(",\"error\":");
        JsonText.quoted(b, error);
        b.append(",\"responseHeaders\":{");
        boolean first = true;
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            JsonText.quoted(b, h.getKey()).append(':');
            JsonText.quoted(b, h.getValue());
        }
        b.append("},\"responseBody\":");
        JsonText.quoted(b, body);
        return b.append('}').toString();
    }
}
