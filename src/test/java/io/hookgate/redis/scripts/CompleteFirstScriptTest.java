package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.model.DeliveryStatus;
import io.hookgate.redis.QueueKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code lua/complete_first.lua}: first tries made straight from the fan-out. Per events-stream entry still
 * pending, the record as the try left it is stored with the indexes of its status, and the entry is
 * deleted; '' keeps no record.
 */
class CompleteFirstScriptTest extends ScriptHarness {
    private static final String GROUP = QueueKeys.FANOUT_GROUP;
    private static final long CREATED = NOW - 200;
    private static final long NEXT = NOW + 30_000;

    @BeforeEach
    void groups() {
        createGroup(EVENTS, GROUP);
        createGroup(DELIVERIES, QueueKeys.DISPATCH_GROUP);
    }

    /** The record after its first try, as EventQueue.completeFirstTries encodes it. */
    private static String recordAfter(String status, String deliveryId) {
        TestRecord r = TestRecord.of(status, PR, WH, "ev-" + deliveryId, CREATED).with("up", NOW)
            .holdingEvent("user-1", CREATED - 10, "req-1", "{\"$id\":\"u1\"}");
        if (status.equals("retrying")) {
            r.with("nx", NEXT).with("s", 1);
        }
        if (!status.equals("pending")) {
            r.newestTry("{\"statusCode\":" + (status.equals("delivered") ? 200 : 500) + "}", 1);
        }
        return r.text();
    }

    private static List<Object> args(int maxCount) {
        return new ArrayList<>(List.of(NOW, TTL, maxCount, 0, 2));
    }

    /** A first try's entry of the events stream, read by the fan-out; its 9 values appended to args. */
    private static String firstTry(List<Object> args, String deliveryId, String status) {
        String entry = readEvent(EVENTS, GROUP, "id", "ev-" + deliveryId, "pr", PR);
        args.addAll(List.of(entry, "ev-" + deliveryId, PR, deliveryId, WH, CREATED, status, NEXT,
            status.isEmpty() ? "" : recordAfter(status, deliveryId)));
        return entry;
    }

    private static void completeFirst(String deliveryId, String status) {
        List<Object> args = args(1000);
        firstTry(args, deliveryId, status);
        assertThat(run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), args)).isEqualTo("OK");
    }

    private static void assertDeleted() {
        assertThat(pendingCount(EVENTS, GROUP)).isZero();
        assertThat(xlen(EVENTS)).isZero();
    }

    @Test
    void deliveredStoresTheRecordAsGivenWithOnlyTheWebhooksIndex() {
        completeFirst("d-1", "delivered");

        assertThat(raw("d-1")).isEqualTo(recordAfter("delivered", "d-1"));
        assertThat(ttl(record("d-1"))).as("no TTL: retention removes records").isEqualTo(-1);
        assertThat(zset(index(PR, WH))).isEqualTo(Map.of("d-1", CREATED));
        assertThat(redis.keys("*")).containsExactlyInAnyOrder(EVENTS, DELIVERIES, record("d-1"), index(PR, WH), AGED);
        assertThat(xlen(DELIVERIES)).isZero();
        assertDeleted();
    }

    @Test
    void deliveredForAWebhookWithRetryingRecordsIsIndexedAsDelivered() {
        redis.command("SADD", OPEN, PR + ":" + WH);
        zadd(index(PR, WH, DeliveryStatus.RETRYING), CREATED - 1, "r-0");

        completeFirst("d-1", "delivered");

        assertThat(zset(index(PR, WH, DeliveryStatus.DELIVERED))).isEqualTo(Map.of("d-1", CREATED));
    }

    @Test
    void failedIsIndexedAsFailed() {
        completeFirst("d-1", "failed");

        assertThat(raw("d-1")).isEqualTo(recordAfter("failed", "d-1"));
        assertThat(zset(index(PR, WH, DeliveryStatus.FAILED))).isEqualTo(Map.of("d-1", CREATED));
        assertThat(zset(index(PR, WH))).isEqualTo(Map.of("d-1", CREATED));
        assertThat(exists(OPEN)).isFalse();
        assertThat(exists(RETRIES)).isFalse();
        assertDeleted();
    }

    @Test
    void retryingWaitsInTheRetriesUntilItsNextTry() {
        completeFirst("d-1", "retrying");

        assertThat(raw("d-1")).isEqualTo(recordAfter("retrying", "d-1"));
        assertThat(zset(RETRIES)).isEqualTo(Map.of("d-1", NEXT));
        assertThat(zset(index(PR, WH, DeliveryStatus.RETRYING))).isEqualTo(Map.of("d-1", CREATED));
        assertThat(isMember(OPEN, PR + ":" + WH)).isTrue();
        assertThat(xlen(DELIVERIES)).isZero();
        assertDeleted();
    }

    @Test
    void parkedWaitsInTheWebhooksParkedSet() {
        completeFirst("d-1", "parked");

        assertThat(raw("d-1")).isEqualTo(recordAfter("parked", "d-1"));
        assertThat(zset(parked(PR, WH))).isEqualTo(Map.of("d-1", CREATED));
        assertThat(zset(index(PR, WH, DeliveryStatus.PARKED))).isEqualTo(Map.of("d-1", CREATED));
        assertThat(isMember(OPEN, PR + ":" + WH)).isTrue();
        assertThat(exists(RETRIES)).isFalse();
        assertDeleted();
    }

    @Test
    void pendingIsQueuedInTheDeliveriesStream() {
        completeFirst("d-1", "pending");

        assertThat(raw("d-1")).isEqualTo(recordAfter("pending", "d-1"));
        assertThat(entryFields(DELIVERIES)).containsExactly(Map.of("dl", "d-1", "wh", WH, "ev", "ev-d-1", "pr", PR,
            "s", "0"));
        assertThat(redis.keys("*")).containsExactlyInAnyOrder(EVENTS, DELIVERIES, record("d-1"), index(PR, WH), AGED);
        assertDeleted();
    }

    @Test
    void anEmptyStatusKeepsNoRecordAndAcknowledgesTheEntry() {
        completeFirst("d-1", "");

        assertThat(redis.keys("*")).containsExactlyInAnyOrder(EVENTS, DELIVERIES);
        assertThat(xlen(DELIVERIES)).isZero();
        assertDeleted();
    }

    @Test
    void anEntryAnotherReplicaRecordedIsSkipped() {
        List<Object> args = args(1000);
        String done = firstTry(args, "d-1", "failed");
        firstTry(args, "d-2", "delivered");
        String left = redis.command("XADD", EVENTS, "*", "id", "ev-x", "pr", PR);
        // The sweep put d-1's event back at the stream's end for another replica to record.
        putBackBySweep(done);

        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), args);

        assertThat(exists(record("d-1"))).isFalse();
        assertThat(exists(index(PR, WH, DeliveryStatus.FAILED))).isFalse();
        assertThat(raw("d-2")).isEqualTo(recordAfter("delivered", "d-2"));
        assertThat(entries(EVENTS)).extracting(Entry::id).containsExactly(left);
    }

    @Test
    void aCallRepeatingOneThatFailedRecordsNothingTheFirstRecorded() {
        List<Object> args = args(1000);
        firstTry(args, "d-1", "pending");
        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), args);
        List<Object> repeat = new ArrayList<>(args);
        repeat.set(3, 1);
        firstTry(repeat, "d-2", "pending");

        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), repeat);

        assertThat(entryFields(DELIVERIES)).extracting(f -> f.get("dl")).as("d-1 queued once")
            .containsExactly("d-1", "d-2");
        assertDeleted();
    }

    @Test
    void anEntryReadTwiceIsRecordedByTheFirstCallOnly() {
        // A failover set the group's position back: two replicas read the same entry, and both tried it.
        List<Object> first = args(1000);
        String entry = firstTry(first, "d-1", "delivered");
        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), first);
        String recorded = raw("d-1");
        List<Object> second = args(1000);
        second.addAll(List.of(entry, "ev-d-1", PR, "d-1", WH, CREATED, "pending", NEXT, recordAfter("pending", "d-1")));
        firstTry(second, "d-2", "delivered");

        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), second);

        assertThat(raw("d-1")).as("the first call's record stays").isEqualTo(recorded);
        assertThat(xlen(DELIVERIES)).as("nothing queued for d-1").isZero();
        assertThat(raw("d-2")).isEqualTo(recordAfter("delivered", "d-2"));
        assertDeleted();
    }

    @Test
    void anEntryGoneWithoutTheSweepIsStillRecorded() {
        List<Object> args = args(1000);
        String entry = firstTry(args, "d-1", "delivered");
        String swept = firstTry(args, "d-2", "delivered");
        // d-1's entry is gone (a wiped Redis, say), but no sweep put it back: no one else records it.
        assertThat(redis.call("XDEL", EVENTS, entry)).isEqualTo(1L);
        putBackBySweep(swept);

        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), args);

        assertThat(raw("d-1")).isEqualTo(recordAfter("delivered", "d-1"));
        assertThat(exists(record("d-2"))).isFalse();
    }

    @Test
    void theFirstTriesOfOneEventAreRecordedTogetherEachRecordWithItsCopyOfTheEvent() {
        List<Object> args = args(1000);
        String entry = readEvent(EVENTS, GROUP, "id", "ev-g", "pr", PR);
        String a = TestRecord.of("delivered", PR, WH, "ev-g", CREATED).with("up", NOW)
            .holdingEvent("user-1", CREATED - 10, "req-1", "{\"$id\":\"u1\"}").newestTry("{\"statusCode\":200}", 1).text();
        String b = TestRecord.of("failed", PR, OTHER_WH, "ev-g", CREATED).with("up", NOW)
            .holdingEvent("user-1", CREATED - 10, "req-1", "{\"$id\":\"u1\"}").newestTry("{\"statusCode\":400}", 1).text();
        args.addAll(List.of(entry, "ev-g", PR, "d-a", WH, CREATED, "delivered", 0, a));
        args.addAll(List.of(entry, "ev-g", PR, "d-b", OTHER_WH, CREATED, "failed", 0, b));
        // A group whose entry the sweep put back for another replica to record: none of it.
        String gone = readEvent(EVENTS, GROUP, "id", "ev-x", "pr", PR);
        args.addAll(List.of(gone, "ev-x", PR, "d-x1", WH, CREATED, "delivered", 0, a));
        args.addAll(List.of(gone, "ev-x", PR, "d-x2", OTHER_WH, CREATED, "delivered", 0, b));
        putBackBySweep(gone);

        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), args);

        assertThat(raw("d-a")).isEqualTo(a);
        assertThat(raw("d-b")).isEqualTo(b);
        assertThat(zset(index(PR, WH))).isEqualTo(Map.of("d-a", CREATED));
        assertThat(zset(index(PR, OTHER_WH))).isEqualTo(Map.of("d-b", CREATED));
        assertThat(zset(index(PR, OTHER_WH, DeliveryStatus.FAILED))).isEqualTo(Map.of("d-b", CREATED));
        assertThat(exists(record("d-x1"))).isFalse();
        assertThat(exists(record("d-x2"))).isFalse();
        assertThat(exists(eventHash(PR, "ev-g"))).as("no event hash: each record holds the event").isFalse();
        assertDeleted();
    }

    @Test
    void theWebhookIsTrimmedToTheRetentionCount() {
        // 16 retained: trimming starts 1 over.
        for (int i = 0; i < 16; i++) {
            putIndexed("s-" + i, TestRecord.of("delivered", PR, WH, "ev-s" + i, CREATED - 100 + i));
        }
        List<Object> args = args(16);
        firstTry(args, "d-1", "delivered");
        firstTry(args, "d-2", "failed");

        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), args);

        assertThat(zset(index(PR, WH))).hasSize(16).containsKeys("s-2", "d-1", "d-2").doesNotContainKeys("s-0", "s-1");
        assertThat(exists(record("s-0"))).isFalse();
        assertThat(exists(record("s-1"))).isFalse();
        assertThat(exists(record("s-2"))).isTrue();
    }

    // recordLayout 3 and 4: delivered first tries go to their webhook's archive (lua/lib/archive.lua); 3
    // writes the record into the archive's hash, 4 into the archive list's items.

    private static List<Object> archiving(int maxCount, int layout) {
        List<Object> args = args(maxCount);
        args.set(4, layout);
        return args;
    }

    /**
     * A delivered first try created at {@code at} (holding its event) as EventQueue gives it: for recordLayout
     * 3 without project and webhook, for 4 as the archive's whole item ('at:id:record').
     */
    private static TestRecord deliveredAt(List<Object> args, String deliveryId, long at, int layout) {
        String entry = readEvent(EVENTS, GROUP, "id", "ev-" + deliveryId, "pr", PR);
        TestRecord r = TestRecord.of("delivered", PR, WH, "ev-" + deliveryId, at).with("nm", "users.u1.create")
            .with("up", NOW).holdingEvent("user-1", at - 10, "req-1", "{\"n\":1}")
            .newestTry("{\"a\":" + at + ",\"d\":5,\"c\":200,\"h\":{\"content-length\":\"0\"}}", 1);
        args.addAll(List.of(entry, "ev-" + deliveryId, PR, deliveryId, WH, at, "delivered", 0,
            layout == 3 ? archivedForm(r.text()) : at + ":" + deliveryId + ":" + r.text(4)));
        return r;
    }

    @Test
    void deliveredFirstTriesGoToTheArchiveInCreationOrderWithoutKeysOrIndex() {
        List<Object> args = archiving(1000, 3);
        String b = deliveredAt(args, "d-b", CREATED, 3).text();
        String a = deliveredAt(args, "d-a", CREATED, 3).text();
        String c = deliveredAt(args, "d-c", CREATED - 5, 3).text();
        firstTry(args, "d-f", "failed");

        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), args);

        assertThat(hash(archive(PR, WH))).as("each without the project and webhook its key names")
            .isEqualTo(Map.of("d-a", archivedForm(a), "d-b", archivedForm(b), "d-c", archivedForm(c)));
        assertThat(archivedForm(a)).startsWith("delivered|1|ev-d-a|||[");
        assertThat(archiveItems(PR, WH)).as("by creation time, then ID")
            .containsExactly((CREATED - 5) + ":d-c", CREATED + ":d-a", CREATED + ":d-b");
        assertThat(zset(index(PR, WH))).as("only the failed one has an index entry").isEqualTo(Map.of("d-f", CREATED));
        assertThat(exists(record("d-a"))).isFalse();
        assertThat(zset(AGED)).as("aged at the archive's oldest").isEqualTo(Map.of(PR + ":" + WH, CREATED - 5));
        assertDeleted();
    }

    @Test
    void deliveredFirstTriesGoIntoTheArchivesItemsInCreationOrderWithNoHash() {
        List<Object> args = archiving(1000, 4);
        String b = deliveryId(CREATED - 10, "b");
        String a = deliveryId(CREATED - 10, "a");
        String c = deliveryId(CREATED - 15, "c");
        TestRecord rb = deliveredAt(args, b, CREATED, 4);
        TestRecord ra = deliveredAt(args, a, CREATED, 4);
        TestRecord rc = deliveredAt(args, c, CREATED - 5, 4);

        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), args);

        assertThat(list(archiveOrder(PR, WH))).as("by creation time, then ID, each holding its record").containsExactly(
            (CREATED - 5) + ":" + c + ":" + rc.text(4), CREATED + ":" + a + ":" + ra.text(4),
            CREATED + ":" + b + ":" + rb.text(4));
        assertThat(ra.text(4)).as("without status, so, project, webhook, creation time and the try's start")
            .startsWith("ev-" + a + "|[\"users.u1.create\",\"\",").contains("\n{\"d\":5,\"c\":200,");
        assertThat(exists(archive(PR, WH))).isFalse();
        assertThat(hash(TAILS)).as("the newest item without its record").isEqualTo(Map.of(PR + ":" + WH, CREATED + ":" + b));
        assertThat(zset(AGED)).as("aged at the archive's oldest").isEqualTo(Map.of(PR + ":" + WH, CREATED - 5));
        assertDeleted();
    }

    @Test
    void aRecordThatStaysOutOfTheArchiveGetsWhatItsItemWouldHaveSaid() {
        // Created over a minute after its event (archivable), and one of a webhook with a retry waiting.
        List<Object> args = archiving(1000, 4);
        String late = deliveryId(CREATED - 61_000, "late");
        TestRecord rl = deliveredAt(args, late, CREATED, 4);
        String open = deliveryId(CREATED - 10, "open");
        String entry = readEvent(EVENTS, GROUP, "id", "ev-open", "pr", PR);
        TestRecord ro = TestRecord.of("delivered", PR, OTHER_WH, "ev-open", CREATED).with("up", NOW)
            .holdingEvent("", CREATED - 10, "req-2", "{}").newestTry("{\"a\":" + (CREATED + 2) + ",\"d\":1,\"c\":204}", 1);
        args.addAll(List.of(entry, "ev-open", PR, open, OTHER_WH, CREATED, "delivered", 0,
            CREATED + ":" + open + ":" + ro.text(4)));
        redis.command("SADD", OPEN, PR + ":" + OTHER_WH);

        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), args);

        assertThat(redis.command("GET", record(late))).as("as recordLayout 2 writes it").isEqualTo(rl.text());
        assertThat(redis.command("GET", record(open))).isEqualTo(ro.text());
        assertThat(zset(index(PR, WH))).isEqualTo(Map.of(late, CREATED));
        assertThat(zset(index(PR, OTHER_WH))).isEqualTo(Map.of(open, CREATED));
        assertThat(exists(archiveOrder(PR, WH))).isFalse();
        assertThat(exists(archiveOrder(PR, OTHER_WH))).isFalse();
    }

    @Test
    void aRecordGoesAfterTheListsLastItemOrAmongItsLast16AndTailsIsNotWrittenAgain() {
        for (int n = 0; n < 5; n++) {
            putArchived(deliveryId(CREATED + 10 * n - 5, "a" + n), TestRecord.of("delivered", PR, WH, "ev-a" + n,
                CREATED + 10 * n).holdingEvent("u", CREATED + 10 * n - 5, "r", "{}"));
        }
        // What tails says no longer counts with recordLayout 4: the list's last item does.
        redis.command("HSET", TAILS, PR + ":" + WH, "1:x");
        List<Object> args = archiving(1000, 4);
        String late = deliveryId(CREATED + 20, "late");
        String later = deliveryId(CREATED + 50, "later");
        TestRecord rLate = deliveredAt(args, late, CREATED + 25, 4);
        deliveredAt(args, later, CREATED + 60, 4);

        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), args);

        assertThat(archiveItems(PR, WH)).containsExactly(CREATED + ":" + deliveryId(CREATED - 5, "a0"),
            (CREATED + 10) + ":" + deliveryId(CREATED + 5, "a1"), (CREATED + 20) + ":" + deliveryId(CREATED + 15, "a2"),
            (CREATED + 25) + ":" + late, (CREATED + 30) + ":" + deliveryId(CREATED + 25, "a3"),
            (CREATED + 40) + ":" + deliveryId(CREATED + 35, "a4"), (CREATED + 60) + ":" + later);
        assertThat(list(archiveOrder(PR, WH)).get(3)).isEqualTo((CREATED + 25) + ":" + late + ":" + rLate.text(4));
        assertThat(exists(index(PR, WH))).isFalse();
        assertThat(hash(TAILS)).as("written when an archive starts only").isEqualTo(Map.of(PR + ":" + WH, "1:x"));
    }

    @Test
    void twoRecordsOfOneCallOlderThanTheListsLastItemBothGoInOrder() {
        // Another replica's call appended newer ones meanwhile: each insertion puts the list's last item back.
        for (int n = 0; n < 5; n++) {
            putArchived(deliveryId(CREATED + 10 * n - 5, "a" + n), TestRecord.of("delivered", PR, WH, "ev-a" + n,
                CREATED + 10 * n).holdingEvent("u", CREATED + 10 * n - 5, "r", "{}"));
        }
        List<Object> args = archiving(1000, 4);
        String early = deliveryId(CREATED + 10, "early");
        String late = deliveryId(CREATED + 30, "late");
        deliveredAt(args, late, CREATED + 35, 4);
        TestRecord rEarly = deliveredAt(args, early, CREATED + 15, 4);

        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), args);

        assertThat(archiveItems(PR, WH)).containsExactly(CREATED + ":" + deliveryId(CREATED - 5, "a0"),
            (CREATED + 10) + ":" + deliveryId(CREATED + 5, "a1"), (CREATED + 15) + ":" + early,
            (CREATED + 20) + ":" + deliveryId(CREATED + 15, "a2"), (CREATED + 30) + ":" + deliveryId(CREATED + 25, "a3"),
            (CREATED + 35) + ":" + late, (CREATED + 40) + ":" + deliveryId(CREATED + 35, "a4"));
        assertThat(list(archiveOrder(PR, WH)).get(2)).isEqualTo((CREATED + 15) + ":" + early + ":" + rEarly.text(4));
        assertThat(exists(index(PR, WH))).isFalse();
    }

    // recordLayout 5: one older than the list's last item is appended behind a key of its own
    // (lib/archive.lua's ARCHIVE_SHIFT), not inserted among the last items.

    /** Five archived records a0..a4, created at CREATED, CREATED + 10, ... CREATED + 40. */
    private static void fiveArchived() {
        for (int n = 0; n < 5; n++) {
            putArchived(deliveryId(CREATED + 10 * n - 5, "a" + n), TestRecord.of("delivered", PR, WH, "ev-a" + n,
                CREATED + 10 * n).holdingEvent("u", CREATED + 10 * n - 5, "r", "{}"));
        }
    }

    /** A delivered first try of layout 5 created at {@code at} whose try started 3 ms later. */
    private static TestRecord lateAt(List<Object> args, String deliveryId, long at) {
        String entry = readEvent(EVENTS, GROUP, "id", "ev-" + deliveryId, "pr", PR);
        TestRecord r = TestRecord.of("delivered", PR, WH, "ev-" + deliveryId, at).with("nm", "users.u1.create")
            .with("up", NOW).holdingEvent("user-1", at - 10, "req-1", "{\"n\":1}")
            .newestTry("{\"a\":" + (at + 3) + ",\"d\":5,\"c\":200}", 1);
        args.addAll(List.of(entry, "ev-" + deliveryId, PR, deliveryId, WH, at, "delivered", 0,
            at + ":" + deliveryId + ":" + r.text(4)));
        return r;
    }

    @Test
    void withLayout5ARecordOlderThanTheListsLastItemIsAppendedBehindItsKey() {
        fiveArchived();
        List<String> before = list(archiveOrder(PR, WH));
        List<Object> args = archiving(1000, 5);
        String late = deliveryId(CREATED + 20, "late");
        String later = deliveryId(CREATED + 50, "later");
        TestRecord rLate = lateAt(args, late, CREATED + 25);
        lateAt(args, later, CREATED + 60);

        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), args);

        // Its ID is below the last item's (a4, accepted at CREATED + 35): its key is 1 ms past that item's time.
        List<String> items = list(archiveOrder(PR, WH));
        assertThat(items.subList(0, 5)).as("nothing inserted, nothing written again").isEqualTo(before);
        assertThat(items.get(5)).isEqualTo((CREATED + 41) + ":" + late + ":~" + (CREATED + 25) + ":" + late + ":"
            + rLate.text(4));
        assertThat(archiveItems(PR, WH).subList(5, 7)).containsExactly((CREATED + 41) + ":" + late,
            (CREATED + 60) + ":" + later);
        assertThat(run("archive_get", List.of(archiveOrder(PR, WH), archive(PR, WH)), List.of(late, PR, WH)))
            .as("found by its ID, with its own creation time and try start").isEqualTo(rLate.text());
        assertThat(exists(index(PR, WH))).isFalse();
    }

    @Test
    void withLayout5ShiftedItemsKeepTheListInOrderOfKeyThenIdAndPagesComeInCreationOrder() {
        fiveArchived();
        List<Object> args = archiving(1000, 5);
        // All three older than a4 (CREATED + 40): b's ID is above a4's (same key), c's below (1 ms more), and
        // d, created at a4's time with an ID below c's, comes after c (1 ms more again).
        String b = deliveryId(CREATED + 36, "b");
        String c = deliveryId(CREATED + 30, "c");
        String d = deliveryId(CREATED + 29, "d");
        Map<String, String> records = Map.of(b, lateAt(args, b, CREATED + 15).text(),
            c, lateAt(args, c, CREATED + 32).text(), d, lateAt(args, d, CREATED + 40).text());

        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), args);

        assertThat(archiveItems(PR, WH).subList(5, 8)).as("the list by key")
            .containsExactly((CREATED + 40) + ":" + b, (CREATED + 41) + ":" + c, (CREATED + 42) + ":" + d);
        // Pages of two from the listing's cursor: every record once, newest first by creation time, then ID.
        List<String> expected = new ArrayList<>(List.of((CREATED + 15) + ":" + b, (CREATED + 32) + ":" + c,
            (CREATED + 40) + ":" + d));
        for (int n = 0; n < 5; n++) {
            expected.add((CREATED + 10 * n) + ":" + deliveryId(CREATED + 10 * n - 5, "a" + n));
        }
        expected.sort(NEWEST_FIRST);
        assertThat(expected.subList(0, 3)).as("d and a4 share a time; c is next, b among the a's")
            .containsExactly((CREATED + 40) + ":" + deliveryId(CREATED + 35, "a4"), (CREATED + 40) + ":" + d,
                (CREATED + 32) + ":" + c);
        Map<String, Object> paged = archivePages(2);
        assertThat(new ArrayList<>(paged.keySet())).isEqualTo(expected);
        for (Map.Entry<String, Object> e : paged.entrySet()) {
            String id = e.getKey().substring(e.getKey().indexOf(':') + 1);
            if (records.containsKey(id)) {
                assertThat(e.getValue()).as("with its own creation time: " + id).isEqualTo(records.get(id));
            }
        }
    }

    @Test
    void withLayout5ARecordOverASecondOlderThanTheListsLastItemIsInsertedAsBefore() {
        fiveArchived();
        List<Object> args = archiving(1000, 5);
        String old = deliveryId(CREATED - 1010, "old");
        TestRecord rOld = lateAt(args, old, CREATED - 1005);

        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), args);

        assertThat(list(archiveOrder(PR, WH)).get(0)).as("among the list's items, unshifted")
            .isEqualTo((CREATED - 1005) + ":" + old + ":" + rOld.text(4));
        assertThat(archiveItems(PR, WH)).hasSize(6);
    }

    @Test
    void withLayout5AShiftedEntryReadTwiceIsRecordedByTheFirstCallOnly() {
        // A failover set the group's position back: the second call finds the record by its creation time
        // within ARCHIVE_SHIFT before the item's key.
        fiveArchived();
        List<Object> first = archiving(1000, 5);
        String late = deliveryId(CREATED + 20, "late");
        lateAt(first, late, CREATED + 25);
        String entry = (String) first.get(first.size() - 9);
        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), first);
        List<Object> second = archiving(1000, 5);
        second.addAll(List.of(entry, "ev-" + late, PR, late, WH, CREATED + 25, "pending", NEXT,
            recordAfter("pending", late)));
        String next = deliveryId(CREATED + 50, "next");
        lateAt(second, next, CREATED + 60);

        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), second);

        assertThat(archivedIds(PR, WH)).containsOnlyOnce(late).endsWith(late, next).hasSize(7);
        assertThat(exists(record(late))).isFalse();
        assertThat(xlen(DELIVERIES)).as("nothing queued for it").isZero();
        assertDeleted();
    }

    @Test
    void replicasOfRecordLayouts3And4SideBySideKeepTheListInCreationOrder() {
        // Switching from 3 to 4 runs both: a layout-4 call does not write 'tails' on every append, so a
        // layout-3 call must not take its newest item from there either.
        List<Object> three = archiving(1000, 3);
        deliveredAt(three, "d-a", CREATED, 3);
        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), three);
        List<Object> four = archiving(1000, 4);
        String b = deliveryId(CREATED + 4990, "b");
        deliveredAt(four, b, CREATED + 5000, 4);
        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), four);
        three = archiving(1000, 3);
        deliveredAt(three, "d-c", CREATED + 3000, 3);
        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), three);

        assertThat(archiveItems(PR, WH)).containsExactly(CREATED + ":d-a", (CREATED + 3000) + ":d-c",
            (CREATED + 5000) + ":" + b);
        assertThat(run("archive_get", List.of(archiveOrder(PR, WH), archive(PR, WH)), List.of(b, PR, WH)))
            .as("found by its ID").isNotNull();
    }

    @Test
    void aDeliveredFirstTryOlderThanTheArchivesNewestGoesAmongItsLast16InOrder() {
        for (int n = 0; n < 5; n++) {
            putArchived("a-" + n, TestRecord.of("delivered", PR, WH, "ev-a" + n, CREATED + 10 * n));
        }
        List<Object> args = archiving(1000, 3);
        deliveredAt(args, "d-late", CREATED + 25, 3);
        deliveredAt(args, "d-later", CREATED + 60, 3);

        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), args);

        assertThat(archiveItems(PR, WH)).containsExactly(CREATED + ":a-0", (CREATED + 10) + ":a-1",
            (CREATED + 20) + ":a-2", (CREATED + 25) + ":d-late", (CREATED + 30) + ":a-3", (CREATED + 40) + ":a-4",
            (CREATED + 60) + ":d-later");
        assertThat(archivedIds(PR, WH)).contains("d-late", "d-later").hasSize(7);
        assertThat(exists(index(PR, WH))).isFalse();
        assertThat(hash(TAILS)).containsEntry(PR + ":" + WH, (CREATED + 60) + ":d-later");
    }

    @Test
    void aDeliveredFirstTryOlderThanTheArchivesLast16GetsAKeyAndIndexEntry() {
        for (int n = 0; n < 16; n++) {
            putArchived("a-" + (char) ('a' + n), TestRecord.of("delivered", PR, WH, "ev-a" + n, CREATED + 1 + n));
        }
        List<Object> args = archiving(1000, 3);
        String old = deliveredAt(args, "d-old", CREATED, 3).text();

        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), args);

        assertThat(raw("d-old")).isEqualTo(old);
        assertThat(zset(index(PR, WH))).isEqualTo(Map.of("d-old", CREATED));
        assertThat(archiveItems(PR, WH)).hasSize(16).doesNotContain(CREATED + ":d-old");
    }

    @Test
    void aWebhookWithRetryingRecordsKeepsItsDeliveredFirstTriesInItsIndex() {
        redis.command("SADD", OPEN, PR + ":" + WH);
        zadd(index(PR, WH, DeliveryStatus.RETRYING), CREATED - 1, "r-0");
        List<Object> args = archiving(1000, 3);
        deliveredAt(args, "d-1", CREATED, 3);

        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), args);

        assertThat(exists(archiveOrder(PR, WH))).isFalse();
        assertThat(zset(index(PR, WH))).isEqualTo(Map.of("d-1", CREATED));
        assertThat(zset(index(PR, WH, DeliveryStatus.DELIVERED))).isEqualTo(Map.of("d-1", CREATED));
    }

    /** Records delivered first tries d-0, d-1, d-2 (created at CREATED + 0, 1, 2) with a retention count of 16. */
    private static void threeDeliveredWithARetentionOf16() {
        List<Object> args = archiving(16, 3);
        for (int i = 0; i < 3; i++) {
            deliveredAt(args, "d-" + i, CREATED + i, 3);
        }
        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), args);
    }

    @Test
    void retentionByCountTakesTheIndexsFinishedRecordsFirstThenTheArchivesOldest() {
        // 16 retained, trimming starts 1 over: 14 in the archive, 2 in the index (one of them pending), 3 new.
        putArchivedRun(14, CREATED - 100);
        putIndexed("s-0", TestRecord.of("delivered", PR, WH, "ev-s0", CREATED - 200));
        putIndexed("p-0", TestRecord.of("pending", PR, WH, "ev-p0", CREATED - 50));
        threeDeliveredWithARetentionOf16();

        assertThat(zset(index(PR, WH))).as("the index's finished one went first").containsOnlyKeys("p-0");
        assertThat(exists(record("s-0"))).isFalse();
        assertThat(exists(record("p-0"))).as("a pending record is never trimmed").isTrue();
        List<String> order = archiveItems(PR, WH);
        assertThat(order).as("19, 3 over: s-0, then the archive's two oldest").hasSize(15)
            .startsWith((CREATED - 98) + ":a-c").endsWith((CREATED + 2) + ":d-2");
        assertThat(archivedIds(PR, WH)).hasSize(15).doesNotContain("a-a", "a-b").contains("a-c", "d-0");
    }

    @Test
    void anArchivedEntryReadTwiceIsRecordedByTheFirstCallOnly() {
        List<Object> first = archiving(1000, 3);
        deliveredAt(first, "d-1", CREATED, 3);
        String entry = (String) first.get(first.size() - 9);
        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), first);
        List<Object> second = archiving(1000, 3);
        second.addAll(List.of(entry, "ev-d-1", PR, "d-1", WH, CREATED, "pending", NEXT, recordAfter("pending", "d-1")));
        deliveredAt(second, "d-2", CREATED + 1, 3);

        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), second);

        assertThat(archiveItems(PR, WH)).containsExactly(CREATED + ":d-1", (CREATED + 1) + ":d-2");
        assertThat(exists(record("d-1"))).isFalse();
        assertThat(xlen(DELIVERIES)).as("nothing queued for d-1").isZero();
        assertDeleted();
    }

    @Test
    void retentionByCountTakesTheOldestOfBothPartsWhateverPartTheyAreIn() {
        // The index's finished record is newer than the archive's head: the archive's oldest go first.
        putArchivedRun(14, CREATED - 100);
        putIndexed("s-0", TestRecord.of("failed", PR, WH, "ev-s0", CREATED - 10));
        putIndexed("s-1", TestRecord.of("delivered", PR, WH, "ev-s1", CREATED - 9));
        threeDeliveredWithARetentionOf16();

        assertThat(zset(index(PR, WH))).containsOnlyKeys("s-0", "s-1");
        assertThat(archiveItems(PR, WH)).hasSize(14).startsWith((CREATED - 97) + ":a-d");
        assertThat(archivedIds(PR, WH)).hasSize(14).doesNotContain("a-a", "a-b", "a-c");
    }

    @Test
    void aFailedFirstTryTrimsCountingTheArchive() {
        putArchivedRun(16, CREATED - 100);
        List<Object> args = archiving(16, 3);
        firstTry(args, "d-f", "failed");

        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), args);

        assertThat(zset(index(PR, WH))).containsOnlyKeys("d-f");
        assertThat(archiveItems(PR, WH)).as("17, one over: the archive's oldest went").hasSize(15)
            .startsWith((CREATED - 99) + ":a-b");
    }

    @Test
    void anArchiveEmptiedSinceItsNewestStartsAgainInOrderAndJoinsAged() {
        putArchived("gone", TestRecord.of("delivered", PR, WH, "ev-gone", CREATED + 50));
        // Retention took it; 'tails' still names it.
        redis.command("DEL", archive(PR, WH), archiveOrder(PR, WH));
        List<Object> args = archiving(1000, 3);
        deliveredAt(args, "d-old", CREATED, 3);
        deliveredAt(args, "d-new", CREATED + 51, 3);

        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), args);

        assertThat(exists(index(PR, WH))).isFalse();
        assertThat(archiveItems(PR, WH)).containsExactly(CREATED + ":d-old", (CREATED + 51) + ":d-new");
        assertThat(hash(TAILS)).containsEntry(PR + ":" + WH, (CREATED + 51) + ":d-new");
        assertThat(zset(AGED)).isEqualTo(Map.of(PR + ":" + WH, CREATED));
    }

    @Test
    void aLayout2CallMeetingAnArchivedEntryRecordsNothingOfIt() {
        List<Object> first = archiving(1000, 3);
        String record = deliveredAt(first, "d-1", CREATED, 3).text();
        String entry = (String) first.get(first.size() - 9);
        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), first);
        // A replica with recordLayout 2 read the same entry (a failover set the group's position back).
        List<Object> second = args(1000);
        second.addAll(List.of(entry, "ev-d-1", PR, "d-1", WH, CREATED, "delivered", 0, record));

        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), second);

        assertThat(exists(record("d-1"))).isFalse();
        assertThat(exists(index(PR, WH))).isFalse();
        assertThat(archiveItems(PR, WH)).containsExactly(CREATED + ":d-1");
    }
}
