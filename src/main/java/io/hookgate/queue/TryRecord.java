package io.hookgate.queue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.bus.DeliveryOutcome;
import io.hookgate.model.Timestamps;
import java.util.Map;

/**
 * The JSON kept for each try of a delivery: when, how long, the status code or the transport
 * error, the response headers and the first bytes of the response body.
 */
final class TryRecord {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TryRecord() {
    }

    static String of(DeliveryOutcome outcome, long startedAtMs) {
        // Written by hand (the same JSON Jackson would write): this runs once per try.
        StringBuilder b = new StringBuilder(160);
        b.append("{\"$createdAt\":");
        JsonText.quoted(b, Timestamps.format(startedAtMs));
        b.append(",\"durationMs\":").append(outcome.durationMs());
        b.append(",\"statusCode\":").append(outcome.status());
        b.append(",\"error\":");
        JsonText.quoted(b, outcome instanceof DeliveryOutcome.Failed f && f.status() == 0 ? f.error() : "");
        b.append(",\"responseHeaders\":{");
        boolean first = true;
        for (Map.Entry<String, String> h : outcome.headers().entrySet()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            JsonText.quoted(b, h.getKey()).append(':');
            JsonText.quoted(b, h.getValue());
        }
        b.append("},\"responseBody\":");
        JsonText.quoted(b, outcome.body());
        return b.append('}').toString();
    }

    /** A try that was not made: the event's payload had expired, say. */
    static String notMade(String reason, long atMs) {
        ObjectNode n = JSON.createObjectNode();
        n.put("$createdAt", Timestamps.format(atMs));
        n.put("durationMs", 0);
        n.put("statusCode", 0);
        n.put("error", reason);
        n.putObject("responseHeaders");
        n.put("responseBody", "");
        return n.toString();
    }
}
