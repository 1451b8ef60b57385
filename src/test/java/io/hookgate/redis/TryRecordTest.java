package io.hookgate.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.bus.DeliveryOutcome;
import io.hookgate.model.Timestamps;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A try is stored compactly and shown by the API as the JSON Jackson wrote for it before (and as earlier
 * versions stored it), whatever the receiver answered.
 */
class TryRecordTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What TryRecord wrote with Jackson before it wrote by hand. */
    private static String jackson(DeliveryOutcome outcome, long at) {
        ObjectNode n = JSON.createObjectNode();
        n.put("$createdAt", Timestamps.format(at));
        n.put("durationMs", outcome.durationMs());
        n.put("statusCode", outcome.status());
        n.put("error", outcome instanceof DeliveryOutcome.Failed f && f.status() == 0 ? f.error() : "");
        ObjectNode headers = n.putObject("responseHeaders");
        outcome.headers().forEach(headers::put);
        n.put("responseBody", outcome.body());
        return n.toString();
    }

    @Test
    void shownAsJacksonWroteItForPlainAndHostileAnswers() throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "text/plain; charset=\"utf-8\"");
        headers.put("x-odd", "tab\there, back\\slash, bell\u0007, é€😀");
        long at = 1_795_822_158_430L;
        DeliveryOutcome[] outcomes = {
            new DeliveryOutcome.Delivered(200, 28, Map.of("content-length", "0"), ""),
            new DeliveryOutcome.Delivered(204, 3, headers, "line one\nline two \"quoted\" </script>"),
            new DeliveryOutcome.Failed(500, "", "logs", 41, headers, "{\"error\": \"boom\"}", -1),
            new DeliveryOutcome.Failed(0, "connect timed out: \"10.0.0.1\"\r\n", "logs", 15_000, Map.of(), null, -1),
        };
        for (DeliveryOutcome o : outcomes) {
            String stored = TryRecord.of(o, at);
            String theirs = jackson(o, at);
            assertThat(JSON.readTree(TryRecord.toApi(stored))).as("%s", o).isEqualTo(JSON.readTree(theirs));
            assertThat(stored.length()).as("stored compactly: %s", stored).isLessThan(theirs.length() - 40);
            JsonNode parsed = JSON.readTree(TryRecord.toApi(stored));
            assertThat(parsed.get("statusCode").asInt()).isEqualTo(o.status());
        }
        // The commonest try of all, a 200 with an empty body.
        assertThat(TryRecord.of(outcomes[0], at)).isEqualTo("{\"a\":" + at + ",\"d\":28,\"c\":200,\"h\":{\"content-length\":\"0\"}}");
    }

    @Test
    void aTryNotMadeIsShownAsTheJsonJacksonWrote() throws Exception {
        long at = 1_795_822_158_430L;
        // What notMade wrote with Jackson before it shared the hand-written writer.
        ObjectNode n = JSON.createObjectNode();
        n.put("$createdAt", Timestamps.format(at));
        n.put("durationMs", 0);
        n.put("statusCode", 0);
        n.put("error", "the event's payload is no longer stored \"here\"");
        n.putObject("responseHeaders");
        n.put("responseBody", "");

        String stored = TryRecord.notMade("the event's payload is no longer stored \"here\"", at);
        assertThat(JSON.readTree(TryRecord.toApi(stored))).isEqualTo(JSON.readTree(n.toString()));
    }

    @Test
    void aTryStoredByAnEarlierVersionIsShownAsItIs() {
        String old = "{\"$createdAt\":\"2026-11-27T10:00:00.000+00:00\",\"durationMs\":3,\"statusCode\":200,"
            + "\"error\":\"\",\"responseHeaders\":{},\"responseBody\":\"\"}";

        assertThat(TryRecord.toApi(old)).isSameAs(old);
    }
}
