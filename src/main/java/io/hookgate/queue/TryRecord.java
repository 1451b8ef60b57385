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
        ObjectNode n = JSON.createObjectNode();
        n.put("$createdAt", Timestamps.format(startedAtMs));
        n.put("durationMs", outcome.durationMs());
        n.put("statusCode", outcome.status());
        n.put("error", outcome instanceof DeliveryOutcome.Failed f && f.status() == 0 ? f.error() : "");
        ObjectNode headers = n.putObject("responseHeaders");
        for (Map.Entry<String, String> h : outcome.headers().entrySet()) {
            headers.put(h.getKey(), h.getValue());
        }
        n.put("responseBody", outcome.body());
        return n.toString();
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
