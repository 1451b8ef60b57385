package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.model.DeliveryStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code lua/unhold.lua}: a webhook whose circuit closed gets its held records queued again, oldest
 * first, keeping their retry step; one held record can go out as the circuit's probe, its entry
 * carrying the probe's token.
 */
class UnholdScriptTest extends ScriptHarness {
    private static final long AT = NOW - 60_000;

    private static long unhold(int limit, String token) {
        return (Long) run("unhold", List.of(DELIVERIES), List.of(PR, WH, NOW, limit, token));
    }

    private static void heldRecord(String id, String wh, long at) {
        putIndexed(id, TestRecord.of("held", PR, wh, "ev-" + id, at));
        zadd(index(PR, wh, DeliveryStatus.HELD), at, id);
    }

    @Test
    void queuesTheOldestHeldRecordsInOrder() {
        heldRecord("h-3", WH, AT + 2);
        heldRecord("h-1", WH, AT);
        heldRecord("h-2", WH, AT + 1);
        heldRecord("b-1", OTHER_WH, AT);

        assertThat(unhold(2, "")).isEqualTo(2);

        assertThat(entryFields(DELIVERIES)).containsExactly(
            Map.of("dl", "h-1", "wh", WH, "ev", "ev-h-1", "pr", PR, "s", "0"),
            Map.of("dl", "h-2", "wh", WH, "ev", "ev-h-2", "pr", PR, "s", "0"));
        assertThat(fields("h-1")).containsEntry("st", "pending").containsEntry("up", Long.toString(NOW));
        assertThat(zset(index(PR, WH, DeliveryStatus.HELD))).containsOnlyKeys("h-3");
        assertThat(fields("h-3")).containsEntry("st", "held");

        assertThat(unhold(2, "")).as("the rest").isEqualTo(1);
        assertThat(unhold(2, "")).isZero();
        assertThat(zset(index(PR, OTHER_WH, DeliveryStatus.HELD))).containsOnlyKeys("b-1");
    }

    @Test
    void theProbeIsTheOldestHeldRecordAndCarriesTheToken() {
        heldRecord("h-2", WH, AT + 1);
        heldRecord("h-1", WH, AT);

        assertThat(unhold(1, "replica-a:probe:7")).isEqualTo(1);

        assertThat(entryFields(DELIVERIES)).containsExactly(
            Map.of("dl", "h-1", "wh", WH, "ev", "ev-h-1", "pr", PR, "s", "0", "pb", "replica-a:probe:7"));
        assertThat(zset(index(PR, WH, DeliveryStatus.HELD))).containsOnlyKeys("h-2");
    }

    @Test
    void aHeldIdWhoseRecordIsGoneLeavesTheIndex() {
        zadd(index(PR, WH, DeliveryStatus.HELD), AT, "gone");

        assertThat(unhold(5, "")).isEqualTo(1);

        assertThat(zset(index(PR, WH, DeliveryStatus.HELD))).isEmpty();
        assertThat(entryFields(DELIVERIES)).isEmpty();
    }
}
