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

    /**
     * FAILS (script header vs code): the header says KEYS[1] may be "any key of the partition (for its
     * tag)", but the script takes the tag by cutting the last 10 characters, the length of "deliveries":
     * any other key of the partition (here the retries) gives a wrong tag, and every record reads as gone.
     * The gateway passes the deliveries stream (EventQueue.withStatus), so only the header's promise is broken.
     */
    @Test
    void anyKeyOfThePartitionNamesItsTagAsTheHeaderSays() {
        put("d-1", TestRecord.of("failed", PR, WH, "ev-1", NOW));

        assertThat(run("statuses", List.of(RETRIES), List.of("d-1"))).isEqualTo(List.of("failed"));
    }
}
