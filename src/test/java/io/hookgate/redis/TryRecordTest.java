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

/** The try JSON written by hand is the JSON Jackson writes, whatever the receiver answered. */
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
    void sameJsonAsJacksonForPlainAndHostileAnswers() throws Exception {
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
            String mine = TryRecord.of(o, at);
            String theirs = jackson(o, at);
            assertThat(mine).as("%s", o).isEqualTo(theirs);
            JsonNode parsed = JSON.readTree(mine);
            assertThat(parsed.get("statusCode").asInt()).isEqualTo(o.status());
        }
    }

    @Test
    void aTryNotMadeIsTheJsonJacksonWrote() {
        long at = 1_795_822_158_430L;
        // What notMade wrote with Jackson before it shared the hand-written writer.
        ObjectNode n = JSON.createObjectNode();
        n.put("$createdAt", Timestamps.format(at));
        n.put("durationMs", 0);
        n.put("statusCode", 0);
        n.put("error", "the event's payload is no longer stored \"here\"");
        n.putObject("responseHeaders");
        n.put("responseBody", "");

        assertThat(TryRecord.notMade("the event's payload is no longer stored \"here\"", at)).isEqualTo(n.toString());
    }
}
