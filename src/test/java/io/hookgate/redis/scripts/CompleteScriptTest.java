package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.model.DeliveryStatus;
import io.hookgate.redis.QueueKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code lua/complete.lua}: per deliveries-stream entry still pending, the outcome of its try (D R F P W Q
 * X) is written to the record and its indexes, and the entry is acknowledged and deleted.
 */
class CompleteScriptTest extends ScriptHarness {
    private static final String GROUP = QueueKeys.DISPATCH_GROUP;
    /** When the deliveries were created; the completion runs at NOW. */
    private static final long AT = NOW - 5_000;
    private static final long NEXT = NOW + 30_000;
    private static final String TRY = "{\"statusCode\":200,\"durationMs\":12}";

    @BeforeEach
    void group() {
        createGroup(DELIVERIES, GROUP);
    }

    private static TestRecord pendingRecord() {
        return TestRecord.of("pending", PR, WH, "ev-1", AT);
    }

    /** Stores and indexes the record and adds its deliveries-stream entry, read by the dispatcher; answers its ID. */
    private static String inFlight(String id, TestRecord r) {
        putIndexed(id, r);
        return pendingEntry(DELIVERIES, GROUP, "dl", id, "wh", r.wh(), "ev", "ev-1", "pr", r.pr(), "s", "0");
    }

    private static List<Object> args() {
        return new ArrayList<>(List.of(GROUP, NOW, TTL));
    }

    private static void outcome(List<Object> args, String entry, String id, char outcome, long nextAt, String tryJson) {
        args.addAll(List.of(entry, id, String.valueOf(outcome), nextAt, tryJson));
    }

    private static Object complete(String entry, String id, char outcome, long nextAt, String tryJson) {
        List<Object> args = args();
        outcome(args, entry, id, outcome, nextAt, tryJson);
        return run("complete", List.of(DELIVERIES, RETRIES), args);
    }

    /** The fields of a pending record of orders made at AT, with these changed. */
    private static Map<String, String> pendingFields(String... changed) {
        Map<String, String> f = new HashMap<>(Map.of("st", "pending", "ev", "ev-1", "pr", PR, "wh", WH,
            "nm", "users.create", "at", Long.toString(AT), "up", Long.toString(AT)));
        for (int i = 0; i < changed.length; i += 2) {
            f.put(changed[i], changed[i + 1]);
        }
        return f;
    }

    private static void assertAcknowledgedAndDeleted() {
        assertThat(pendingCount(DELIVERIES, GROUP)).isZero();
        assertThat(xlen(DELIVERIES)).isZero();
    }

    @Test
    void deliveredRecordsTheTryAndLeavesNoIndexOfItsOwn() {
        String entry = inFlight("d-1", pendingRecord());
        // Records written before they had no TTL keep theirs.
        redis.command("EXPIRE", record("d-1"), Long.toString(TTL));

        assertThat(complete(entry, "d-1", 'D', 0, TRY)).isEqualTo("OK");

        assertThat(fields("d-1")).isEqualTo(pendingFields("st", "delivered", "up", Long.toString(NOW), "n", "1"));
        assertThat(decoded("d-1").tryJson()).isEqualTo(TRY);
        assertThat(exists(tries("d-1"))).as("the first try lives in the record only").isFalse();
        assertThat(ttl(record("d-1"))).as("TTL kept").isBetween(TTL - 5, TTL);
        assertThat(zset(index(PR, WH))).isEqualTo(Map.of("d-1", AT));
        assertThat(exists(index(PR, WH, DeliveryStatus.DELIVERED))).isFalse();
        assertThat(exists(RETRIES)).isFalse();
        assertAcknowledgedAndDeleted();
    }

    @Test
    void deliveredWhileTheWebhookHasRetryingRecordsIsIndexedAsDelivered() {
        zadd(index(PR, WH, DeliveryStatus.RETRYING), AT - 1, "r-0");
        String entry = inFlight("d-1", pendingRecord());

        complete(entry, "d-1", 'D', 0, TRY);

        assertThat(zset(index(PR, WH, DeliveryStatus.DELIVERED))).isEqualTo(Map.of("d-1", AT));
    }

    @Test
    void retrySchedulesTheNextTryOneStepFurther() {
        String entry = inFlight("d-1", pendingRecord().with("s", 2).newestTry("{\"try\":1}", 1));

        complete(entry, "d-1", 'R', NEXT, "{\"try\":2}");

        assertThat(fields("d-1")).isEqualTo(pendingFields("st", "retrying", "up", Long.toString(NOW),
            "nx", Long.toString(NEXT), "s", "3", "n", "2"));
        assertThat(zset(RETRIES)).isEqualTo(Map.of("d-1", NEXT));
        assertThat(zset(index(PR, WH, DeliveryStatus.RETRYING))).isEqualTo(Map.of("d-1", AT));
        assertThat(isMember(OPEN, PR + ":" + WH)).isTrue();
        assertAcknowledgedAndDeleted();
    }

    @Test
    void failedIsIndexedAsFailedAndDoesNotOpenTheWebhook() {
        String entry = inFlight("d-1", pendingRecord());

        complete(entry, "d-1", 'F', 0, TRY);

        assertThat(fields("d-1")).isEqualTo(pendingFields("st", "failed", "up", Long.toString(NOW), "n", "1"));
        assertThat(zset(index(PR, WH, DeliveryStatus.FAILED))).isEqualTo(Map.of("d-1", AT));
        assertThat(exists(OPEN)).isFalse();
        assertThat(exists(RETRIES)).isFalse();
        assertAcknowledgedAndDeleted();
    }

    @Test
    void parkedWaitsInTheWebhooksParkedSetByCreationTime() {
        String entry = inFlight("d-1", pendingRecord().with("nx", NOW - 1));

        complete(entry, "d-1", 'P', 0, "");

        assertThat(fields("d-1")).isEqualTo(pendingFields("st", "parked", "up", Long.toString(NOW)));
        assertThat(zset(parked(PR, WH))).isEqualTo(Map.of("d-1", AT));
        assertThat(zset(index(PR, WH, DeliveryStatus.PARKED))).isEqualTo(Map.of("d-1", AT));
        assertThat(isMember(OPEN, PR + ":" + WH)).isTrue();
        assertThat(exists(RETRIES)).isFalse();
        assertAcknowledgedAndDeleted();
    }

    @Test
    void waitWithoutATryOnlySchedulesTheRecordAgain() {
        String entry = inFlight("d-1", pendingRecord().with("s", 1));
        String before = raw("d-1");

        complete(entry, "d-1", 'W', NEXT, "");

        assertThat(raw("d-1")).isEqualTo(before);
        assertThat(zset(RETRIES)).isEqualTo(Map.of("d-1", NEXT));
        assertAcknowledgedAndDeleted();
    }

    @Test
    void waitForARecordThatIsGoneSchedulesNothing() {
        String entry = pendingEntry(DELIVERIES, GROUP, "dl", "d-gone", "wh", WH, "ev", "ev-1", "pr", PR, "s", "0");

        complete(entry, "d-gone", 'W', NEXT, "");

        assertThat(exists(RETRIES)).isFalse();
        assertThat(exists(record("d-gone"))).isFalse();
        assertAcknowledgedAndDeleted();
    }

    @Test
    void requeueAddsANewEntryWithTheRecordsStepAndDeletesTheOldOne() {
        String entry = inFlight("d-1", pendingRecord().with("s", 2));
        String before = raw("d-1");

        complete(entry, "d-1", 'Q', 0, "");

        assertThat(raw("d-1")).isEqualTo(before);
        List<Entry> entries = entries(DELIVERIES);
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).id()).isNotEqualTo(entry);
        assertThat(entries.get(0).fields()).isEqualTo(Map.of("dl", "d-1", "wh", WH, "ev", "ev-1", "pr", PR, "s", "2"));
        assertThat(pendingCount(DELIVERIES, GROUP)).as("the new entry is for any dispatcher to read").isZero();
    }

    @Test
    void dropRemovesTheRecordItsTriesItsIndexEntriesAndItsEventReference() {
        redis.command("HSET", eventHash(PR, "ev-1"), "pr", PR, "pl", "{}", "refs", "2");
        String first = inFlight("d-1", pendingRecord().newestTry("{\"try\":2}", 2));
        redis.command("RPUSH", tries("d-1"), "{\"try\":1}");
        zadd(RETRIES, NEXT, "d-1");
        String second = inFlight("d-2", pendingRecord());

        complete(first, "d-1", 'X', 0, "");

        assertThat(exists(record("d-1"))).isFalse();
        assertThat(exists(tries("d-1"))).isFalse();
        assertThat(zset(index(PR, WH))).containsOnlyKeys("d-2");
        assertThat(exists(RETRIES)).isFalse();
        assertThat(hash(eventHash(PR, "ev-1"))).containsEntry("refs", "1");

        complete(second, "d-2", 'X', 0, "");

        assertThat(exists(eventHash(PR, "ev-1"))).as("its last record took the event with it").isFalse();
        assertThat(redis.keys("*")).containsExactly(DELIVERIES);
    }

    @Test
    void theNewestTryLivesInTheRecordAndOlderOnesInTheListNewestFirst() {
        String first = inFlight("d-1", pendingRecord().newestTry("{\"try\":1}", 1));
        String second = pendingEntry(DELIVERIES, GROUP, "dl", "d-1", "wh", WH, "ev", "ev-1", "pr", PR, "s", "1");
        List<Object> args = args();
        outcome(args, first, "d-1", 'R', NEXT, "{\"try\":2}");
        outcome(args, second, "d-1", 'D', 0, "{\"try\":3}");

        run("complete", List.of(DELIVERIES, RETRIES), args);

        assertThat(decoded("d-1").tryJson()).isEqualTo("{\"try\":3}");
        assertThat(fields("d-1")).containsEntry("n", "3").containsEntry("st", "delivered");
        assertThat(list(tries("d-1"))).containsExactly("{\"try\":2}", "{\"try\":1}");
        assertThat(ttl(tries("d-1"))).isBetween(TTL - 5, TTL);
        assertAcknowledgedAndDeleted();
    }

    @Test
    void theListKeepsAtMost49OlderTries() {
        String entry = inFlight("d-1", pendingRecord().newestTry("{\"try\":50}", 50));
        for (int i = 49; i >= 1; i--) {
            redis.command("RPUSH", tries("d-1"), "{\"try\":" + i + "}");
        }

        complete(entry, "d-1", 'F', 0, "{\"try\":51}");

        assertThat(decoded("d-1").tryJson()).isEqualTo("{\"try\":51}");
        assertThat(fields("d-1")).containsEntry("n", "51");
        assertThat(list(tries("d-1"))).isEqualTo(IntStream.iterate(50, i -> i >= 2, i -> i - 1)
            .mapToObj(i -> "{\"try\":" + i + "}").toList());
    }

    @Test
    void anEntryAlreadyAcknowledgedChangesNothingAndIsLeftToItsOwner() {
        String done = inFlight("d-1", pendingRecord());
        String before = raw("d-1");
        redis.command("XACK", DELIVERIES, GROUP, done);
        String next = inFlight("d-2", pendingRecord());
        List<Object> args = args();
        outcome(args, done, "d-1", 'F', 0, TRY);
        outcome(args, next, "d-2", 'F', 0, TRY);

        run("complete", List.of(DELIVERIES, RETRIES), args);

        assertThat(raw("d-1")).isEqualTo(before);
        assertThat(fields("d-2")).containsEntry("st", "failed");
        assertThat(zset(index(PR, WH, DeliveryStatus.FAILED))).containsOnlyKeys("d-2");
        assertThat(entries(DELIVERIES)).extracting(Entry::id).containsExactly(done);
    }

    @Test
    void anEntryWhoseRecordIsGoneIsOnlyAcknowledged() {
        String entry = pendingEntry(DELIVERIES, GROUP, "dl", "d-gone", "wh", WH, "ev", "ev-1", "pr", PR, "s", "0");

        complete(entry, "d-gone", 'R', NEXT, TRY);

        assertThat(redis.keys("*")).containsExactly(DELIVERIES);
        assertAcknowledgedAndDeleted();
    }
}
