package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.model.DeliveryStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code lua/unpark.lua}: a re-enabled webhook's parked records are queued again, oldest first, from step 0. */
class UnparkScriptTest extends ScriptHarness {
    private static final long AT = NOW - 60_000;

    private static long unpark(int limit) {
        return (Long) run("unpark", List.of(DELIVERIES), List.of(PR, WH, NOW, limit));
    }

    private static void parkedRecord(String id, String wh, long at) {
        putIndexed(id, TestRecord.of("parked", PR, wh, "ev-" + id, at).with("s", 3)
            .newestTry("{\"statusCode\":500}", 4));
        zadd(index(PR, wh, DeliveryStatus.PARKED), at, id);
        zadd(parked(PR, wh), at, id);
    }

    private static Map<String, String> entry(String id) {
        return Map.of("dl", id, "wh", WH, "ev", "ev-" + id, "pr", PR, "s", "0");
    }

    @Test
    void queuesTheOldestParkedRecordsWithAFreshSchedule() {
        parkedRecord("p-3", WH, AT + 2);
        parkedRecord("p-1", WH, AT);
        parkedRecord("p-2", WH, AT + 1);
        parkedRecord("b-1", OTHER_WH, AT);

        assertThat(unpark(2)).isEqualTo(2);

        assertThat(entryFields(DELIVERIES)).containsExactly(entry("p-1"), entry("p-2"));
        assertThat(fields("p-1")).isEqualTo(Map.of("st", "pending", "ev", "ev-p-1", "pr", PR, "wh", WH,
            "nm", "users.create", "at", Long.toString(AT), "up", Long.toString(NOW), "n", "4"));
        assertThat(zset(parked(PR, WH))).containsOnlyKeys("p-3");
        assertThat(zset(index(PR, WH, DeliveryStatus.PARKED))).containsOnlyKeys("p-3");
        assertThat(fields("p-3")).containsEntry("st", "parked");

        assertThat(unpark(2)).as("the rest").isEqualTo(1);
        assertThat(unpark(2)).isZero();
        assertThat(entryFields(DELIVERIES)).containsExactly(entry("p-1"), entry("p-2"), entry("p-3"));
        assertThat(zset(parked(PR, OTHER_WH))).containsOnlyKeys("b-1");
        assertThat(fields("b-1")).containsEntry("st", "parked");
    }
}
