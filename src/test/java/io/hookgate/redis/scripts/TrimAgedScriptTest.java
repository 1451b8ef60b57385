package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.model.DeliveryStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code lua/trim_aged.lua}: retention by age, run by the maintenance loop over the webhooks that the
 * partition's aged set says may hold records past the retention.
 */
class TrimAgedScriptTest extends ScriptHarness {
    private static final long DAY = 86_400_000;
    private static final long MIN = NOW - DAY;

    /** 1: records past the retention may be left. */
    private static long trimAged(int limit) {
        return (Long) run("trim_aged", List.of(AGED), List.of(MIN, limit));
    }

    @Test
    void recordsOlderThanTheRetentionGoWhateverTheirStatus() {
        long old = NOW - 3 * DAY;
        putIndexed("o-1", TestRecord.of("retrying", PR, WH, "ev-o1", old));
        zadd(index(PR, WH, DeliveryStatus.RETRYING), old, "o-1");
        zadd(RETRIES, NOW + 1000, "o-1");
        putIndexed("o-2", TestRecord.of("parked", PR, WH, "ev-o2", old + 1));
        zadd(index(PR, WH, DeliveryStatus.PARKED), old + 1, "o-2");
        zadd(parked(PR, WH), old + 1, "o-2");
        putIndexed("o-3", TestRecord.of("delivered", PR, WH, "ev-shared", old + 2));
        redis.command("HSET", eventHash(PR, "ev-shared"), "pr", PR, "pl", "{}", "refs", "1");
        putIndexed("o-4", TestRecord.of("pending", PR, WH, "ev-o4", old + 3));
        putIndexed("young", TestRecord.of("delivered", PR, WH, "ev-y", NOW - 1000));
        zadd(AGED, old, PR + ":" + WH);

        assertThat(trimAged(1000)).isZero();

        assertThat(zset(index(PR, WH))).containsOnlyKeys("young");
        for (String id : List.of("o-1", "o-2", "o-3", "o-4")) {
            assertThat(exists(record(id))).as(id).isFalse();
        }
        assertThat(exists(eventHash(PR, "ev-shared"))).isFalse();
        assertThat(exists(RETRIES)).isFalse();
        assertThat(exists(parked(PR, WH))).isFalse();
        assertThat(exists(index(PR, WH, DeliveryStatus.RETRYING))).isFalse();
        assertThat(exists(index(PR, WH, DeliveryStatus.PARKED))).isFalse();
        assertThat(exists(record("young"))).isTrue();
        assertThat(zset(AGED)).as("scored by the new head").containsExactly(Map.entry(PR + ":" + WH, NOW - 1000));
        assertThat(trimAged(1000)).as("nothing due any more").isZero();
    }

    @Test
    void onlyWebhooksDueAreVisitedAndAnEmptyIndexLeavesTheSet() {
        long old = NOW - 2 * DAY;
        putIndexed("a-1", TestRecord.of("failed", PR, WH, "ev-a1", old));
        zadd(index(PR, WH, DeliveryStatus.FAILED), old, "a-1");
        zadd(AGED, old, PR + ":" + WH);
        // A score that is a lower bound only (its head was trimmed by count since): visited, nothing goes.
        putIndexed("b-1", TestRecord.of("delivered", PR, OTHER_WH, "ev-b1", NOW - 500));
        zadd(AGED, old + 5, PR + ":" + OTHER_WH);
        // Not due: not visited, even though its (inconsistent) index holds an old record.
        putIndexed("c-1", TestRecord.of("delivered", OTHER_PR, WH, "ev-c1", old));
        zadd(AGED, NOW - 10, OTHER_PR + ":" + WH);

        assertThat(trimAged(1000)).isZero();

        assertThat(exists(record("a-1"))).isFalse();
        assertThat(exists(index(PR, WH))).isFalse();
        assertThat(exists(index(PR, WH, DeliveryStatus.FAILED))).isFalse();
        assertThat(exists(record("b-1"))).isTrue();
        assertThat(exists(record("c-1"))).isTrue();
        assertThat(zset(AGED)).containsOnly(Map.entry(PR + ":" + OTHER_WH, NOW - 500),
            Map.entry(OTHER_PR + ":" + WH, NOW - 10));
    }

    @Test
    void atMostTheLimitOfRecordsACallOverAllWebhooks() {
        long old = NOW - 2 * DAY;
        for (int i = 0; i < 5; i++) {
            putIndexed("o-" + i, TestRecord.of("delivered", PR, WH, "ev-o" + i, old + i));
        }
        zadd(AGED, old, PR + ":" + WH);
        putIndexed("b-1", TestRecord.of("delivered", PR, OTHER_WH, "ev-b1", old + 100));
        zadd(AGED, old + 100, PR + ":" + OTHER_WH);

        assertThat(trimAged(3)).as("the limit reached: call again").isEqualTo(1);
        assertThat(zset(index(PR, WH))).containsOnlyKeys("o-3", "o-4");
        assertThat(zset(AGED)).as("still due, at its new head").containsEntry(PR + ":" + WH, old + 3);
        assertThat(exists(record("b-1"))).isTrue();

        assertThat(trimAged(3)).isEqualTo(1);
        assertThat(exists(index(PR, WH))).isFalse();
        assertThat(exists(record("b-1"))).as("the third record of the call").isFalse();
        assertThat(trimAged(3)).isZero();
        assertThat(redis.keys("*")).isEmpty();
    }

    @Test
    void archivedRecordsOlderThanTheRetentionGoAndTheScoreIsTheOldestLeftOfBothParts() {
        long old = NOW - 3 * DAY;
        for (int i = 0; i < 3; i++) {
            putArchived("a-" + i, TestRecord.of("delivered", PR, WH, "ev-a" + i, old + i));
        }
        putArchived("a-young", TestRecord.of("delivered", PR, WH, "ev-ay", NOW - 500));
        putIndexed("o-1", TestRecord.of("failed", PR, WH, "ev-o1", old));
        putIndexed("young", TestRecord.of("delivered", PR, WH, "ev-y", NOW - 1000));
        zadd(AGED, old, PR + ":" + WH);

        assertThat(trimAged(1000)).isZero();

        assertThat(archiveItems(PR, WH)).containsExactly((NOW - 500) + ":a-young");
        assertThat(archivedIds(PR, WH)).containsOnly("a-young");
        assertThat(zset(index(PR, WH))).containsOnlyKeys("young");
        assertThat(zset(AGED)).containsExactly(Map.entry(PR + ":" + WH, NOW - 1000));
    }

    @Test
    void aWebhookWithOnlyAnArchiveLeavesTheSetOnceItIsEmptyAndTheLimitCountsItsRecords() {
        long old = NOW - 3 * DAY;
        for (int i = 0; i < 5; i++) {
            putArchived("a-" + i, TestRecord.of("delivered", PR, WH, "ev-a" + i, old + i));
        }
        zadd(AGED, old, PR + ":" + WH);

        assertThat(trimAged(3)).as("the limit reached: call again").isEqualTo(1);
        assertThat(archiveItems(PR, WH)).containsExactly((old + 3) + ":a-3", (old + 4) + ":a-4");
        assertThat(zset(AGED)).containsExactly(Map.entry(PR + ":" + WH, old + 3));

        assertThat(trimAged(3)).isZero();
        assertThat(exists(archiveOrder(PR, WH))).isFalse();
        assertThat(exists(AGED)).isFalse();
    }
}
