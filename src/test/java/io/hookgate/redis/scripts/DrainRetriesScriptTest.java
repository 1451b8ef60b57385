package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.model.DeliveryStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code lua/drain_retries.lua}: due retries go into the deliveries stream, their records pending again. */
class DrainRetriesScriptTest extends ScriptHarness {
    private static final long AT = NOW - 60_000;

    private static long drain(int limit) {
        return (Long) run("drain_retries", List.of(RETRIES, DELIVERIES), List.of(NOW, limit));
    }

    private static TestRecord retrying(String id, long due) {
        TestRecord r = TestRecord.of("retrying", PR, WH, "ev-" + id, AT).with("s", 2).with("nx", due)
            .newestTry("{\"statusCode\":500}", 2);
        putIndexed(id, r);
        zadd(index(PR, WH, DeliveryStatus.RETRYING), AT, id);
        zadd(RETRIES, due, id);
        return r;
    }

    private static Map<String, String> entry(String id, String step) {
        return Map.of("dl", id, "wh", WH, "ev", "ev-" + id, "pr", PR, "s", step);
    }

    @Test
    void dueRetriesAreQueuedWithTheirStepAndThePendingStatus() {
        retrying("r-1", NOW - 10);
        retrying("r-2", NOW + 1_000);
        String notDue = raw("r-2");

        assertThat(drain(100)).isEqualTo(1);

        assertThat(entryFields(DELIVERIES)).containsExactly(entry("r-1", "2"));
        assertThat(fields("r-1")).isEqualTo(Map.of("st", "pending", "ev", "ev-r-1", "pr", PR, "wh", WH,
            "nm", "users.create", "at", Long.toString(AT), "up", Long.toString(NOW), "s", "2", "n", "2"));
        assertThat(decoded("r-1").tryJson()).isEqualTo("{\"statusCode\":500}");
        assertThat(zset(RETRIES)).isEqualTo(Map.of("r-2", NOW + 1_000));
        assertThat(zset(index(PR, WH, DeliveryStatus.RETRYING))).isEqualTo(Map.of("r-2", AT));
        assertThat(raw("r-2")).isEqualTo(notDue);
    }

    @Test
    void atMostLimitGoPerCallTheEarliestDueFirst() {
        retrying("r-3", NOW - 10);
        retrying("r-1", NOW - 30);
        retrying("r-2", NOW - 20);

        assertThat(drain(2)).isEqualTo(2);

        assertThat(entryFields(DELIVERIES)).containsExactly(entry("r-1", "2"), entry("r-2", "2"));
        assertThat(zset(RETRIES)).containsOnlyKeys("r-3");
        assertThat(drain(2)).isEqualTo(1);
        assertThat(drain(2)).isZero();
    }

    @Test
    void aDeferredPendingRecordIsQueuedAsItIs() {
        // Outcome W: pending, back at its due time.
        put("w-1", TestRecord.of("pending", PR, WH, "ev-w-1", AT).with("s", 1));
        zadd(RETRIES, NOW - 5, "w-1");
        String before = raw("w-1");

        assertThat(drain(100)).isEqualTo(1);

        assertThat(raw("w-1")).isEqualTo(before);
        assertThat(entryFields(DELIVERIES)).containsExactly(entry("w-1", "1"));
        assertThat(exists(RETRIES)).isFalse();
    }

    @Test
    void aDueRetryWhoseRecordIsGoneLeavesTheRetriesAndIsCounted() {
        zadd(RETRIES, NOW - 5, "gone");

        assertThat(drain(100)).isEqualTo(1);

        assertThat(exists(RETRIES)).isFalse();
        assertThat(exists(DELIVERIES)).isFalse();
    }
}
