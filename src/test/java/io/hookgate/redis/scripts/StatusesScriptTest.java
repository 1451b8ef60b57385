package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code lua/statuses.lua}: the status of each record, read from its prefix. */
class StatusesScriptTest extends ScriptHarness {

    @Test
    void answersEachRecordsStatusInOrderAndFalseForOnesGone() {
        List<String> statuses = List.of("pending", "delivered", "retrying", "parked", "failed");
        for (String st : statuses) {
            put("d-" + st, TestRecord.of(st, PR, WH, "ev-1", NOW).newestTry("{\"statusCode\":500}", 2));
        }
        // A record holding its event: the payload does not get in the way.
        put("d-single", TestRecord.of("delivered", PR, WH, "ev-2", NOW)
            .holdingEvent("user-1", NOW, "req-1", "{\"status\":\"failed|pending\"}".repeat(100)));

        Object reply = run("statuses", List.of(DELIVERIES),
            List.of("d-failed", "d-gone", "d-pending", "d-delivered", "d-retrying", "d-parked", "d-single"));

        assertThat(reply).isEqualTo(Arrays.asList("failed", null, "pending", "delivered", "retrying", "parked",
            "delivered"));
    }
}
