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
 * acknowledged and deleted; '' keeps no record.
 */
class CompleteFirstScriptTest extends ScriptHarness {
    private static final String GROUP = QueueKeys.FANOUT_GROUP;
    private static final long CREATED = NOW - 200;
    private static final long NEXT = NOW + 30_000;
    private static final long WEEK_AGO = NOW - 7 * 86_400_000L;

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
        return new ArrayList<>(List.of(GROUP, NOW, TTL, maxCount, WEEK_AGO));
    }

    /** A first try's entry of the events stream, read by the fan-out; its 9 values appended to args. */
    private static String firstTry(List<Object> args, String deliveryId, String status) {
        String entry = pendingEntry(EVENTS, GROUP, "id", "ev-" + deliveryId, "pr", PR);
        args.addAll(List.of(entry, "ev-" + deliveryId, PR, deliveryId, WH, CREATED, status, NEXT,
            status.isEmpty() ? "" : recordAfter(status, deliveryId)));
        return entry;
    }

    private static void completeFirst(String deliveryId, String status) {
        List<Object> args = args(1000);
        firstTry(args, deliveryId, status);
        assertThat(run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), args)).isEqualTo("OK");
    }

    private static void assertAcknowledgedAndDeleted() {
        assertThat(pendingCount(EVENTS, GROUP)).isZero();
        assertThat(xlen(EVENTS)).isZero();
    }

    @Test
    void deliveredStoresTheRecordAsGivenWithOnlyTheWebhooksIndex() {
        completeFirst("d-1", "delivered");

        assertThat(raw("d-1")).isEqualTo(recordAfter("delivered", "d-1"));
        assertThat(ttl(record("d-1"))).isBetween(TTL - 1, TTL);
        assertThat(zset(index(PR, WH))).isEqualTo(Map.of("d-1", CREATED));
        assertThat(redis.keys("*")).containsExactlyInAnyOrder(EVENTS, DELIVERIES, record("d-1"), index(PR, WH));
        assertThat(xlen(DELIVERIES)).isZero();
        assertAcknowledgedAndDeleted();
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
        assertAcknowledgedAndDeleted();
    }

    @Test
    void retryingWaitsInTheRetriesUntilItsNextTry() {
        completeFirst("d-1", "retrying");

        assertThat(raw("d-1")).isEqualTo(recordAfter("retrying", "d-1"));
        assertThat(zset(RETRIES)).isEqualTo(Map.of("d-1", NEXT));
        assertThat(zset(index(PR, WH, DeliveryStatus.RETRYING))).isEqualTo(Map.of("d-1", CREATED));
        assertThat(isMember(OPEN, PR + ":" + WH)).isTrue();
        assertThat(xlen(DELIVERIES)).isZero();
        assertAcknowledgedAndDeleted();
    }

    @Test
    void parkedWaitsInTheWebhooksParkedSet() {
        completeFirst("d-1", "parked");

        assertThat(raw("d-1")).isEqualTo(recordAfter("parked", "d-1"));
        assertThat(zset(parked(PR, WH))).isEqualTo(Map.of("d-1", CREATED));
        assertThat(zset(index(PR, WH, DeliveryStatus.PARKED))).isEqualTo(Map.of("d-1", CREATED));
        assertThat(isMember(OPEN, PR + ":" + WH)).isTrue();
        assertThat(exists(RETRIES)).isFalse();
        assertAcknowledgedAndDeleted();
    }

    @Test
    void pendingIsQueuedInTheDeliveriesStream() {
        completeFirst("d-1", "pending");

        assertThat(raw("d-1")).isEqualTo(recordAfter("pending", "d-1"));
        assertThat(entryFields(DELIVERIES)).containsExactly(Map.of("dl", "d-1", "wh", WH, "ev", "ev-d-1", "pr", PR,
            "s", "0"));
        assertThat(redis.keys("*")).containsExactlyInAnyOrder(EVENTS, DELIVERIES, record("d-1"), index(PR, WH));
        assertAcknowledgedAndDeleted();
    }

    @Test
    void anEmptyStatusKeepsNoRecordAndAcknowledgesTheEntry() {
        completeFirst("d-1", "");

        assertThat(redis.keys("*")).containsExactlyInAnyOrder(EVENTS, DELIVERIES);
        assertThat(xlen(DELIVERIES)).isZero();
        assertAcknowledgedAndDeleted();
    }

    @Test
    void anEntryAnotherConsumerFinishedIsSkipped() {
        List<Object> args = args(1000);
        String done = firstTry(args, "d-1", "failed");
        firstTry(args, "d-2", "delivered");
        redis.command("XACK", EVENTS, GROUP, done);

        run("complete_first", List.of(EVENTS, DELIVERIES, RETRIES), args);

        assertThat(exists(record("d-1"))).isFalse();
        assertThat(exists(index(PR, WH, DeliveryStatus.FAILED))).isFalse();
        assertThat(raw("d-2")).isEqualTo(recordAfter("delivered", "d-2"));
        assertThat(entries(EVENTS)).extracting(Entry::id).containsExactly(done);
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
}
