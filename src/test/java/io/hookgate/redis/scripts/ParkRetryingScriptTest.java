package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.model.DeliveryStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code lua/park_retrying.lua}: a disabled webhook's retrying records leave the retries for its parked set. */
class ParkRetryingScriptTest extends ScriptHarness {
    private static final long AT = NOW - 60_000;

    private static long park(String wh) {
        return (Long) run("park_retrying", List.of(RETRIES), List.of(PR, wh, NOW));
    }

    private static void retrying(String id, String wh, long at) {
        putIndexed(id, TestRecord.of("retrying", PR, wh, "ev-" + id, at).with("s", 1).with("nx", NOW + 5_000)
            .newestTry("{\"statusCode\":503}", 1));
        zadd(index(PR, wh, DeliveryStatus.RETRYING), at, id);
        zadd(RETRIES, NOW + 5_000, id);
    }

    @Test
    void parksEveryRetryingRecordOfTheWebhookByCreationTime() {
        retrying("r-1", WH, AT);
        retrying("r-2", WH, AT + 1);
        retrying("b-1", OTHER_WH, AT);
        String other = raw("b-1");

        assertThat(park(WH)).isEqualTo(2);

        assertThat(fields("r-1")).isEqualTo(Map.of("st", "parked", "ev", "ev-r-1", "pr", PR, "wh", WH,
            "nm", "users.create", "at", Long.toString(AT), "up", Long.toString(NOW), "s", "1", "n", "1"));
        assertThat(fields("r-2")).containsEntry("st", "parked").doesNotContainKey("nx");
        assertThat(zset(RETRIES)).containsOnlyKeys("b-1");
        assertThat(exists(index(PR, WH, DeliveryStatus.RETRYING))).isFalse();
        assertThat(zset(index(PR, WH, DeliveryStatus.PARKED))).isEqualTo(Map.of("r-1", AT, "r-2", AT + 1));
        assertThat(zset(parked(PR, WH))).isEqualTo(Map.of("r-1", AT, "r-2", AT + 1));
        assertThat(isMember(OPEN, PR + ":" + WH)).isTrue();
        assertThat(raw("b-1")).isEqualTo(other);
        assertThat(zset(index(PR, OTHER_WH, DeliveryStatus.RETRYING))).containsOnlyKeys("b-1");
    }

    @Test
    void aWebhookWithoutRetryingRecordsParksNone() {
        // A deferred try (outcome W) waits in the retries, but its record is pending, not retrying.
        put("w-1", TestRecord.of("pending", PR, WH, "ev-w-1", AT));
        zadd(RETRIES, NOW + 5_000, "w-1");
        String before = raw("w-1");

        assertThat(park(WH)).isZero();

        assertThat(raw("w-1")).isEqualTo(before);
        assertThat(zset(RETRIES)).containsOnlyKeys("w-1");
        assertThat(exists(parked(PR, WH))).isFalse();
    }
}
