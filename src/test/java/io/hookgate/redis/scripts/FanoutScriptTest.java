package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.model.DeliveryStatus;
import io.hookgate.redis.QueueKeys;
import io.hookgate.redis.RecordFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code lua/fanout.lua}: an event's deliveries become records, index entries and deliveries-stream
 * entries, and the event's entry is deleted; then the webhooks that got records are
 * trimmed (retention, {@code lua/lib/retention.lua}).
 */
class FanoutScriptTest extends ScriptHarness {
    private static final String PAYLOAD = "{\"$id\":\"u1\",\"note\":\"a | b\"}";
    private static final long ACCEPTED = NOW - 40;

    @BeforeEach
    void groups() {
        createGroup(EVENTS, QueueKeys.FANOUT_GROUP);
        createGroup(DELIVERIES, QueueKeys.DISPATCH_GROUP);
    }

    /** The script's first arguments: now, TTL, the retention count, 'again' and the records' layout. */
    private static List<Object> args(int maxCount) {
        return new ArrayList<>(List.of(NOW, TTL, maxCount, 0, 2));
    }

    /**
     * An event read from the events stream (as the fan-out reads it: no pending entry), with its deliveries (ID, webhook ID pairs) appended to
     * args; a webhook ID written {@code !WH} is disabled: its delivery is recorded as skipped.
     */
    private static void event(List<Object> args, String eventId, String... deliveriesAndWebhooks) {
        String entry = readEvent(EVENTS, QueueKeys.FANOUT_GROUP, "id", eventId, "pr", PR);
        args.addAll(List.of(entry, eventId, PR, "users.u1.create", "user-1", ACCEPTED, PAYLOAD, "req-" + eventId,
            deliveriesAndWebhooks.length / 2));
        for (int i = 0; i + 1 < deliveriesAndWebhooks.length; i += 2) {
            String wh = deliveriesAndWebhooks[i + 1];
            boolean skipped = wh.startsWith("!");
            args.addAll(List.of(deliveriesAndWebhooks[i], skipped ? wh.substring(1) : wh, skipped ? "skipped" : "pending"));
        }
    }

    @Test
    void aDeliveryToADisabledWebhookIsRecordedAsSkippedWithoutATry() {
        List<Object> args = args(1000);
        event(args, "ev-1", "d-1", WH, "d-2", "!" + OTHER_WH);

        assertThat(fanout(args)).isEqualTo("OK");

        assertThat(entryFields(DELIVERIES)).containsExactly(deliveryEntry("d-1", WH, "ev-1"));
        assertThat(fields("d-2")).containsEntry("st", "skipped").containsEntry("wh", OTHER_WH);
        assertThat(zset(index(PR, OTHER_WH))).containsOnlyKeys("d-2");
        assertThat(zset(index(PR, OTHER_WH, io.hookgate.model.DeliveryStatus.SKIPPED))).containsOnlyKeys("d-2");
        assertThat(isMember(OPEN, PR + ":" + OTHER_WH)).as("skipped is final: nothing open").isFalse();
    }

    @Test
    void aCallRepeatingOneThatFailedRecordsNothingTheFirstRecorded() {
        List<Object> args = args(1000);
        event(args, "ev-1", "d-1", WH);
        event(args, "ev-2", "d-2", WH);
        List<Object> repeat = new ArrayList<>(args);
        repeat.set(3, 1);
        // A first call recorded ev-1, and its answer was lost; the repeat has ev-1 and ev-2.
        fanout(new ArrayList<>(args.subList(0, 5 + 9 + 3)));

        fanout(repeat);

        assertThat(entryFields(DELIVERIES)).as("d-1 queued once, d-2 now")
            .containsExactly(deliveryEntry("d-1", WH, "ev-1"), deliveryEntry("d-2", WH, "ev-2"));
        assertThat(xlen(EVENTS)).isZero();
    }

    @Test
    void anEntryReadTwiceIsRecordedByTheFirstCallOnly() {
        // A failover set the group's position back: two replicas read ev-1, and the first recorded it.
        List<Object> args = args(1000);
        event(args, "ev-1", "d-1", WH);
        List<Object> again = new ArrayList<>(args);
        fanout(args);
        event(again, "ev-2", "d-2", WH);

        fanout(again);

        assertThat(entryFields(DELIVERIES)).as("d-1 queued once")
            .containsExactly(deliveryEntry("d-1", WH, "ev-1"), deliveryEntry("d-2", WH, "ev-2"));
        assertThat(xlen(EVENTS)).isZero();
    }

    private static Object fanout(List<Object> args) {
        return run("fanout", List.of(EVENTS, DELIVERIES), args);
    }

    private static Map<String, String> deliveryEntry(String id, String wh, String ev) {
        return Map.of("dl", id, "wh", wh, "ev", ev, "pr", PR, "s", "0");
    }

    @Test
    void anEventOfOneDeliveryMovesIntoItsRecord() {
        List<Object> args = args(1000);
        event(args, "ev-1", "d-1", WH);

        assertThat(fanout(args)).isEqualTo("OK");

        RecordFormat.Decoded d = decoded("d-1");
        assertThat(d.fields()).isEqualTo(Map.ofEntries(Map.entry("st", "pending"), Map.entry("so", "1"),
            Map.entry("ev", "ev-1"), Map.entry("pr", PR), Map.entry("wh", WH), Map.entry("nm", "users.u1.create"),
            Map.entry("at", Long.toString(NOW)), Map.entry("up", Long.toString(NOW)), Map.entry("us", "user-1"),
            Map.entry("ea", Long.toString(ACCEPTED)), Map.entry("rq", "req-ev-1")));
        assertThat(new String(d.payload(), StandardCharsets.UTF_8)).isEqualTo(PAYLOAD);
        assertThat(d.tryJson()).isNull();
        assertThat(ttl(record("d-1"))).as("no TTL: retention removes records").isEqualTo(-1);
        assertThat(zset(index(PR, WH))).isEqualTo(Map.of("d-1", NOW));
        assertThat(entryFields(DELIVERIES)).containsExactly(deliveryEntry("d-1", WH, "ev-1"));
        assertThat(xlen(EVENTS)).as("the event's entry is deleted").isZero();
        assertThat(pendingCount(EVENTS, QueueKeys.FANOUT_GROUP)).isZero();
        assertThat(redis.keys("*")).containsExactlyInAnyOrder(EVENTS, DELIVERIES, record("d-1"), index(PR, WH), AGED);
    }

    @Test
    void layoutOneWritesRecordsTheVersionBeforeReads() {
        List<Object> args = args(1000);
        args.set(4, 1);
        event(args, "ev-1", "d-1", WH);

        fanout(args);

        assertThat(raw("d-1")).startsWith("pending|1|ev-1|" + PR + "|" + WH + "|{");
        assertThat(fields("d-1")).containsEntry("nm", "users.u1.create").containsEntry("at", Long.toString(NOW))
            .containsEntry("up", Long.toString(NOW)).containsEntry("ea", Long.toString(ACCEPTED));
    }

    @Test
    void anEventOfSeveralDeliveriesGetsAnEventHashItsRecordsShare() {
        List<Object> args = args(1000);
        event(args, "ev-1", "d-1", WH, "d-2", OTHER_WH);

        fanout(args);

        assertThat(hash(eventHash(PR, "ev-1"))).isEqualTo(Map.of("pr", PR, "nm", "users.u1.create", "us", "user-1",
            "at", Long.toString(ACCEPTED), "pl", PAYLOAD, "rq", "req-ev-1", "refs", "2"));
        assertThat(ttl(eventHash(PR, "ev-1"))).isBetween(TTL - 1, TTL);
        for (String[] dw : new String[][] {{"d-1", WH}, {"d-2", OTHER_WH}}) {
            RecordFormat.Decoded d = decoded(dw[0]);
            assertThat(d.fields()).isEqualTo(Map.of("st", "pending", "ev", "ev-1", "pr", PR, "wh", dw[1],
                "nm", "users.u1.create", "at", Long.toString(NOW), "up", Long.toString(NOW)));
            assertThat(d.payload()).isNull();
            assertThat(zset(index(PR, dw[1]))).isEqualTo(Map.of(dw[0], NOW));
        }
        assertThat(entryFields(DELIVERIES)).containsExactly(deliveryEntry("d-1", WH, "ev-1"),
            deliveryEntry("d-2", OTHER_WH, "ev-1"));
        assertThat(xlen(EVENTS)).isZero();
    }

    @Test
    void anEventWithoutDeliveriesIsOnlyDeleted() {
        List<Object> args = args(1000);
        event(args, "ev-1");

        fanout(args);

        assertThat(xlen(EVENTS)).isZero();
        assertThat(pendingCount(EVENTS, QueueKeys.FANOUT_GROUP)).isZero();
        assertThat(redis.keys("*")).containsExactlyInAnyOrder(EVENTS, DELIVERIES);
        assertThat(xlen(DELIVERIES)).isZero();
    }

    @Test
    void anEntryAnotherReplicaRecordedIsSkippedAndTheNextIsRecorded() {
        List<Object> args = args(1000);
        event(args, "ev-a", "d-a1", WH, "d-a2", OTHER_WH);
        event(args, "ev-b", "d-b", OTHER_WH);
        String finished = (String) args.get(5);
        String left = redis.command("XADD", EVENTS, "*", "id", "ev-c", "pr", PR);
        // The sweep put ev-a back at the stream's end (as a new entry) for another replica to record.
        putBackBySweep(finished);

        fanout(args);

        assertThat(exists(record("d-a1"))).isFalse();
        assertThat(exists(record("d-a2"))).isFalse();
        assertThat(exists(eventHash(PR, "ev-a"))).isFalse();
        assertThat(fields("d-b")).containsEntry("wh", OTHER_WH).containsEntry("ev", "ev-b").containsEntry("so", "1");
        assertThat(entryFields(DELIVERIES)).containsExactly(deliveryEntry("d-b", OTHER_WH, "ev-b"));
        assertThat(entries(EVENTS)).as("only the entries it recorded are deleted")
            .extracting(Entry::id).containsExactly(left);
    }

    // Retention.

    /** A finished record of orders holding its event, indexed at its creation time. */
    private static TestRecord finished(String id, String st, long at) {
        TestRecord r = TestRecord.of(st, PR, WH, "ev-" + id, at).holdingEvent("", at, "rq", "{}")
            .newestTry("{\"statusCode\":200}", 1);
        putIndexed(id, r);
        return r;
    }

    private static void fanoutOne(int maxCount, String... deliveryIds) {
        List<Object> args = args(maxCount);
        for (String id : deliveryIds) {
            event(args, "ev-" + id, id, WH);
        }
        fanout(args);
    }

    @Test
    void trimmingByCountWaitsUntilASixteenthOverTheCountThenGoesBackToIt() {
        // 32 retained: trimming starts 2 over.
        for (int i = 0; i < 32; i++) {
            finished(String.format("s-%02d", i), "delivered", NOW - 100_000 + i);
        }
        // s-00 made three tries (two in its list); s-01 shares an event with s-10.
        put("s-00", TestRecord.of("delivered", PR, WH, "ev-s-00", NOW - 100_000).holdingEvent("", 1, "rq", "{}")
            .newestTry("{\"try\":3}", 3));
        redis.command("RPUSH", tries("s-00"), "{\"try\":2}", "{\"try\":1}");
        put("s-01", TestRecord.of("delivered", PR, WH, "ev-shared", NOW - 100_000 + 1));
        put("s-10", TestRecord.of("delivered", PR, WH, "ev-shared", NOW - 100_000 + 10));
        redis.command("HSET", eventHash(PR, "ev-shared"), "pr", PR, "pl", "{}", "refs", "2");

        fanoutOne(32, "d-1");

        assertThat(zset(index(PR, WH))).as("one over: kept").hasSize(33);
        assertThat(exists(record("s-00"))).isTrue();
        assertThat(exists(AGED)).as("an index that did not start now is not registered untrimmed").isFalse();

        fanoutOne(32, "d-2", "d-3");

        assertThat(zset(index(PR, WH))).hasSize(32).containsKeys("s-03", "s-31", "d-1", "d-2", "d-3")
            .doesNotContainKeys("s-00", "s-01", "s-02");
        assertThat(redis.keys(record("s-0*"))).doesNotContain(record("s-00"), tries("s-00"), record("s-01"),
            record("s-02")).contains(record("s-03"));
        assertThat(hash(eventHash(PR, "ev-shared"))).containsEntry("refs", "1");
        assertThat(zset(AGED)).as("trimmed: registered with the old head's time, no later than the new head's")
            .containsExactly(Map.entry(PR + ":" + WH, NOW - 100_000));
    }

    @Test
    void aWebhookWhoseIndexStartsGoesIntoAgedWithItsOldestRecordsTime() {
        zadd(AGED, NOW - 50, PR + ":" + OTHER_WH);
        List<Object> args = args(1000);
        event(args, "ev-1", "d-1", WH, "d-2", OTHER_WH);
        event(args, "ev-2", "d-3", WH);

        fanout(args);

        assertThat(zset(AGED)).as("billing's earlier score is kept")
            .containsOnly(Map.entry(PR + ":" + WH, NOW), Map.entry(PR + ":" + OTHER_WH, NOW - 50));
    }

    @Test
    void finishedRecordsBehindAnUnfinishedOneAreTrimmed() {
        // 16 retained: trimming starts 1 over. The oldest record is still retrying, so its webhook is open
        // and its delivered records are indexed.
        long t = NOW - 100_000;
        putIndexed("u-0", TestRecord.of("retrying", PR, WH, "ev-u", t));
        zadd(index(PR, WH, DeliveryStatus.RETRYING), t, "u-0");
        zadd(RETRIES, NOW + 60_000, "u-0");
        redis.command("SADD", OPEN, PR + ":" + WH);
        finished("f-01", "failed", t + 1);
        zadd(index(PR, WH, DeliveryStatus.FAILED), t + 1, "f-01");
        for (int i = 2; i <= 16; i++) {
            String id = String.format("d-%02d", i);
            finished(id, "delivered", t + i);
            zadd(index(PR, WH, DeliveryStatus.DELIVERED), t + i, id);
        }

        fanoutOne(16, "d-new");

        assertThat(zset(index(PR, WH))).hasSize(16).containsKeys("u-0", "d-03", "d-new")
            .doesNotContainKeys("f-01", "d-02");
        assertThat(exists(record("f-01"))).isFalse();
        assertThat(exists(record("d-02"))).isFalse();
        assertThat(exists(record("u-0"))).isTrue();
        assertThat(zset(index(PR, WH, DeliveryStatus.FAILED))).isEmpty();
        assertThat(zset(index(PR, WH, DeliveryStatus.DELIVERED))).hasSize(14).doesNotContainKey("d-02");
        assertThat(zset(RETRIES)).containsOnlyKeys("u-0");
        assertThat(isMember(OPEN, PR + ":" + WH)).isTrue();
    }

    @Test
    void indexEntriesOfRecordsThatExpiredAreTrimmedFromEveryIndex() {
        // 16 retained: trimming starts 1 over. The oldest entry's record expired (records written before had a
        // TTL) while it had failed.
        zadd(index(PR, WH), NOW - 200_000, "gone");
        zadd(index(PR, WH, DeliveryStatus.FAILED), NOW - 200_000, "gone");
        for (int i = 0; i < 16; i++) {
            finished("s-" + i, "delivered", NOW - 100_000 + i);
        }

        fanoutOne(16, "d-new");

        assertThat(zset(index(PR, WH))).hasSize(16).doesNotContainKeys("gone", "s-0").containsKeys("s-1", "d-new");
        assertThat(exists(index(PR, WH, DeliveryStatus.FAILED))).isFalse();
        assertThat(exists(record("s-0"))).isFalse();
    }

    @Test
    void aWebhookWithoutUnfinishedRecordsLeavesTheOpenSetWithItsDeliveredIndex() {
        redis.command("SADD", OPEN, PR + ":" + WH, PR + ":" + OTHER_WH);
        zadd(index(PR, WH, DeliveryStatus.DELIVERED), NOW - 5, "d-old");
        zadd(index(PR, OTHER_WH, DeliveryStatus.RETRYING), NOW - 5, "r-old");
        List<Object> args = args(1000);
        event(args, "ev-1", "d-1", WH, "d-2", OTHER_WH);

        fanout(args);

        assertThat(isMember(OPEN, PR + ":" + WH)).isFalse();
        assertThat(exists(index(PR, WH, DeliveryStatus.DELIVERED))).isFalse();
        assertThat(isMember(OPEN, PR + ":" + OTHER_WH)).as("billing still retries").isTrue();
    }

    @Test
    void anEntryAnotherReplicaArchivedIsRecordedByNoOne() {
        // A failover set the group's position back: another replica tried ev-1's delivery at once and
        // archived it (complete_first); this one read ev-1 too and would queue it.
        // Its record is found by its ID alone, around its event's time (the ID's first digits).
        String d1 = deliveryId(NOW - 10, "d1");
        List<Object> args = args(1000);
        event(args, "ev-1", d1, WH);
        event(args, "ev-2", "d-2", WH);
        String entry = (String) args.get(5);
        assertThat(redis.call("XDEL", EVENTS, entry)).isEqualTo(1L);
        putArchivedRun(20, NOW - 2000);
        putArchived(d1, TestRecord.of("delivered", PR, WH, "ev-1", NOW - 5).holdingEvent("u", NOW - 10, "r", "{}"));

        fanout(args);

        assertThat(entryFields(DELIVERIES)).as("d-1 not queued again").containsExactly(deliveryEntry("d-2", WH, "ev-2"));
        assertThat(exists(record(d1))).isFalse();
    }

    @Test
    void retentionByCountCountsTheArchive() {
        putArchivedRun(16, NOW - 100);
        List<Object> args = args(16);
        event(args, "ev-1", "d-1", WH);

        fanout(args);

        assertThat(zset(index(PR, WH))).containsOnlyKeys("d-1");
        assertThat(archiveItems(PR, WH)).as("17, one over: the archive's oldest went").hasSize(15)
            .startsWith((NOW - 99) + ":a-b");
        assertThat(archivedIds(PR, WH)).hasSize(15).doesNotContain("a-a");
    }
}
