package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.model.DeliveryStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code lua/purge_webhook.lua}: a deleted webhook's records created up to its deletion go with their
 * index entries and event references; those of a webhook made again under the same ID stay.
 */
class PurgeWebhookScriptTest extends ScriptHarness {
    private static final long DELETED = NOW;

    private static long purge(int limit) {
        return (Long) run("purge_webhook", List.of(DELIVERIES), List.of(PR, WH, limit, DELETED));
    }

    @Test
    void removesTheRecordsCreatedUpToTheDeletionWithTheirIndexEntries() {
        redis.command("HSET", eventHash(PR, "ev-shared"), "pr", PR, "pl", "{}", "refs", "2");
        putIndexed("o-1", TestRecord.of("delivered", PR, WH, "ev-shared", NOW - 400));
        putIndexed("b-1", TestRecord.of("delivered", PR, OTHER_WH, "ev-shared", NOW - 400));
        putIndexed("o-2", TestRecord.of("retrying", PR, WH, "ev-o2", NOW - 300));
        zadd(index(PR, WH, DeliveryStatus.RETRYING), NOW - 300, "o-2");
        zadd(RETRIES, NOW + 5_000, "o-2");
        putIndexed("o-3", TestRecord.of("parked", PR, WH, "ev-o3", NOW - 200));
        zadd(index(PR, WH, DeliveryStatus.PARKED), NOW - 200, "o-3");
        zadd(parked(PR, WH), NOW - 200, "o-3");
        putIndexed("o-4", TestRecord.of("failed", PR, WH, "ev-o4", NOW - 100).newestTry("{\"try\":2}", 2));
        redis.command("RPUSH", tries("o-4"), "{\"try\":1}");
        zadd(index(PR, WH, DeliveryStatus.FAILED), NOW - 100, "o-4");
        putIndexed("o-5", TestRecord.of("pending", PR, WH, "ev-o5", DELETED));
        // The webhook made again after the deletion, under the same ID.
        putIndexed("n-1", TestRecord.of("failed", PR, WH, "ev-n1", DELETED + 10));
        zadd(index(PR, WH, DeliveryStatus.FAILED), DELETED + 10, "n-1");
        zadd(AGED, NOW - 400, PR + ":" + WH);

        assertThat(purge(500)).isEqualTo(5);

        for (String id : List.of("o-1", "o-2", "o-3", "o-4", "o-5")) {
            assertThat(exists(record(id))).as(id).isFalse();
        }
        assertThat(exists(tries("o-4"))).isFalse();
        assertThat(zset(index(PR, WH))).containsOnlyKeys("n-1");
        assertThat(zset(index(PR, WH, DeliveryStatus.FAILED))).containsOnlyKeys("n-1");
        assertThat(exists(index(PR, WH, DeliveryStatus.RETRYING))).isFalse();
        assertThat(exists(index(PR, WH, DeliveryStatus.PARKED))).isFalse();
        assertThat(exists(parked(PR, WH))).isFalse();
        assertThat(exists(RETRIES)).isFalse();
        assertThat(hash(eventHash(PR, "ev-shared"))).containsEntry("refs", "1");
        assertThat(fields("n-1")).containsEntry("st", "failed");
        assertThat(zset(index(PR, OTHER_WH))).containsOnlyKeys("b-1");
        assertThat(exists(record("b-1"))).isTrue();

        assertThat(purge(500)).isZero();
        assertThat(zset(AGED)).as("n-1 is left: the webhook stays in aged").containsOnlyKeys(PR + ":" + WH);
    }

    @Test
    void goesInChunksOfTheLimit() {
        for (int i = 1; i <= 3; i++) {
            putIndexed("o-" + i, TestRecord.of("delivered", PR, WH, "ev-" + i, NOW - 100 + i));
        }
        zadd(AGED, NOW - 99, PR + ":" + WH);
        zadd(AGED, NOW - 99, PR + ":" + OTHER_WH);

        assertThat(purge(2)).isEqualTo(2);
        assertThat(zset(index(PR, WH))).containsOnlyKeys("o-3");
        assertThat(zset(AGED)).as("registered at an earlier score: kept").containsEntry(PR + ":" + WH, NOW - 99);
        assertThat(purge(2)).isEqualTo(1);
        assertThat(zset(AGED)).as("the webhook's index is empty: it leaves aged").containsOnlyKeys(PR + ":" + OTHER_WH);
        assertThat(purge(2)).isZero();
        redis.command("DEL", AGED);
        assertThat(redis.keys("*")).isEmpty();
    }

    @Test
    void aPurgeCutShortLeavesWhatIsLeftToRetentionByAge() {
        for (int i = 1; i <= 3; i++) {
            putIndexed("o-" + i, TestRecord.of("delivered", PR, WH, "ev-" + i, NOW - 100 + i));
        }

        assertThat(purge(1)).isEqualTo(1);

        // The index started before the aged set (not in it); the purge's next calls never come.
        assertThat(zset(AGED)).isEqualTo(Map.of(PR + ":" + WH, NOW - 99));
    }

    @Test
    void indexEntriesOfRecordsThatExpiredGoToo() {
        zadd(index(PR, WH), NOW - 100, "x-1");
        zadd(index(PR, WH, DeliveryStatus.FAILED), NOW - 100, "x-1");
        zadd(parked(PR, WH), NOW - 50, "x-2");

        assertThat(purge(500)).isEqualTo(2);

        assertThat(redis.keys("*")).isEmpty();
    }

    @Test
    void archivedRecordsCreatedUpToTheDeletionGoAndLaterOnesStay() {
        putArchived("a-1", TestRecord.of("delivered", PR, WH, "ev-a1", NOW - 300));
        putArchived("a-2", TestRecord.of("delivered", PR, WH, "ev-a2", DELETED));
        putArchived("n-1", TestRecord.of("delivered", PR, WH, "ev-n1", DELETED + 5));
        putArchived("b-1", TestRecord.of("delivered", PR, OTHER_WH, "ev-b1", NOW - 300));
        zadd(AGED, NOW - 300, PR + ":" + WH);

        assertThat(purge(100)).isEqualTo(2);

        assertThat(archiveItems(PR, WH)).containsExactly((DELETED + 5) + ":n-1");
        assertThat(archivedIds(PR, WH)).containsOnly("n-1");
        assertThat(list(archiveOrder(PR, OTHER_WH))).hasSize(1);
        assertThat(zset(AGED)).as("records left: it stays").containsOnlyKeys(PR + ":" + WH);
        assertThat(purge(100)).isZero();
    }

    @Test
    void aWebhookWhoseArchiveIsPurgedLeavesAged() {
        putArchived("a-1", TestRecord.of("delivered", PR, WH, "ev-a1", NOW - 300));
        zadd(AGED, NOW - 300, PR + ":" + WH);

        assertThat(purge(100)).isEqualTo(1);

        assertThat(exists(archiveOrder(PR, WH))).isFalse();
        assertThat(exists(AGED)).isFalse();
    }
}
