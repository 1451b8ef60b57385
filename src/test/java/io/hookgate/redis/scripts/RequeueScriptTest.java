package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.model.DeliveryStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code lua/requeue.lua}: a webhook's deliveries sent again now from step 0 (manual retry, recover);
 * IDs of other webhooks, unknown and pending ones are skipped.
 */
class RequeueScriptTest extends ScriptHarness {
    private static final long AT = NOW - 60_000;

    private static long requeue(String... ids) {
        List<Object> args = new ArrayList<>(List.of(PR, WH, NOW));
        args.addAll(List.of(ids));
        return (Long) run("requeue", List.of(DELIVERIES), args);
    }

    private static void stored(String id, String pr, String wh, String st) {
        putIndexed(id, TestRecord.of(st, pr, wh, "ev-" + id, AT).with("s", 4)
            .with("nx", st.equals("retrying") ? NOW + 9 : 0)
            .newestTry("{\"statusCode\":500}", 5));
        if (!st.equals("pending")) {
            zadd(index(pr, wh, DeliveryStatus.of(st).orElseThrow()), AT, id);
        }
    }

    private static Map<String, String> entry(String id) {
        return Map.of("dl", id, "wh", WH, "ev", "ev-" + id, "pr", PR, "s", "0");
    }

    @Test
    void requeuesFinishedRetryingAndParkedRecordsFromStepZero() {
        stored("f-1", PR, WH, "failed");
        stored("r-1", PR, WH, "retrying");
        zadd(RETRIES, NOW + 9, "r-1");
        stored("p-1", PR, WH, "parked");
        zadd(parked(PR, WH), AT, "p-1");
        stored("d-1", PR, WH, "delivered");

        assertThat(requeue("f-1", "r-1", "p-1", "d-1")).isEqualTo(4);

        for (String id : List.of("f-1", "r-1", "p-1", "d-1")) {
            assertThat(fields(id)).as(id).isEqualTo(Map.of("st", "pending", "ev", "ev-" + id, "pr", PR, "wh", WH,
                "nm", "users.create", "at", Long.toString(AT), "up", Long.toString(NOW), "n", "5"));
        }
        assertThat(entryFields(DELIVERIES)).containsExactly(entry("f-1"), entry("r-1"), entry("p-1"), entry("d-1"));
        for (DeliveryStatus st : List.of(DeliveryStatus.FAILED, DeliveryStatus.RETRYING, DeliveryStatus.PARKED,
            DeliveryStatus.DELIVERED)) {
            assertThat(exists(index(PR, WH, st))).as(st.value()).isFalse();
        }
        assertThat(exists(RETRIES)).isFalse();
        assertThat(exists(parked(PR, WH))).isFalse();
        assertThat(zset(index(PR, WH))).containsOnlyKeys("f-1", "r-1", "p-1", "d-1");
    }

    @Test
    void skipsOtherWebhooksAndProjectsUnknownAndPendingIds() {
        stored("b-1", PR, OTHER_WH, "failed");
        stored("m-1", OTHER_PR, WH, "failed");
        stored("q-1", PR, WH, "pending");
        Map<String, String> before = Map.of("b-1", raw("b-1"), "m-1", raw("m-1"), "q-1", raw("q-1"));

        assertThat(requeue("b-1", "m-1", "unknown", "q-1")).isZero();

        before.forEach((id, value) -> assertThat(raw(id)).as(id).isEqualTo(value));
        assertThat(zset(index(PR, OTHER_WH, DeliveryStatus.FAILED))).containsOnlyKeys("b-1");
        assertThat(zset(index(OTHER_PR, WH, DeliveryStatus.FAILED))).containsOnlyKeys("m-1");
        assertThat(exists(DELIVERIES)).isFalse();
        assertThat(exists(record("unknown"))).isFalse();
    }

    @Test
    void anArchivedDeliveryGetsAKeyOfItsOwnAgainAndIsQueued() {
        // Found by its ID alone: the archive is scanned around its event's time (the ID's first digits).
        String one = deliveryId(AT - 10, "a1");
        String two = deliveryId(AT - 9, "a2");
        putArchived(one, TestRecord.of("delivered", PR, WH, "ev-a-1", AT).with("up", AT + 5)
            .holdingEvent("user-1", AT - 10, "req-1", "{}").newestTry("{\"a\":" + AT + ",\"d\":3,\"c\":200}", 1));
        putArchived(two, TestRecord.of("delivered", PR, WH, "ev-a-2", AT + 1).holdingEvent("u", AT - 9, "r", "{}"));

        assertThat(requeue(one)).isEqualTo(1);

        assertThat(fields(one)).containsEntry("st", "pending").containsEntry("so", "1").containsEntry("n", "1")
            .containsEntry("at", Long.toString(AT)).containsEntry("ea", Long.toString(AT - 10)).containsEntry("pr", PR)
            .containsEntry("wh", WH);
        assertThat(decoded(one).tryJson()).as("the try's start put back").isEqualTo("{\"a\":" + AT + ",\"d\":3,\"c\":200}");
        assertThat(decoded(one).payload()).isEqualTo("{}".getBytes(StandardCharsets.UTF_8));
        assertThat(zset(index(PR, WH))).isEqualTo(Map.of(one, AT));
        assertThat(archiveItems(PR, WH)).containsExactly((AT + 1) + ":" + two);
        assertThat(entryFields(DELIVERIES)).containsExactly(Map.of("dl", one, "wh", WH, "ev", "ev-a-1", "pr", PR, "s", "0"));
    }

    @Test
    void aDeliveryOfRecordLayout3IsTakenFromTheArchivesHash() {
        putArchivedInHash("a-1", TestRecord.of("delivered", PR, WH, "ev-a-1", AT).with("up", AT + 5)
            .holdingEvent("user-1", AT - 10, "req-1", "{}").newestTry("{\"c\":200}", 1));
        putArchivedInHash("a-2", TestRecord.of("delivered", PR, WH, "ev-a-2", AT + 1));

        assertThat(requeue("a-1")).isEqualTo(1);

        assertThat(fields("a-1")).containsEntry("st", "pending").containsEntry("so", "1").containsEntry("n", "1");
        assertThat(decoded("a-1").payload()).isEqualTo("{}".getBytes(StandardCharsets.UTF_8));
        assertThat(zset(index(PR, WH))).isEqualTo(Map.of("a-1", AT));
        assertThat(archiveItems(PR, WH)).containsExactly((AT + 1) + ":a-2");
        assertThat(hash(archive(PR, WH))).containsOnlyKeys("a-2");
        assertThat(entryFields(DELIVERIES)).containsExactly(Map.of("dl", "a-1", "wh", WH, "ev", "ev-a-1", "pr", PR, "s", "0"));
    }

    @Test
    void anArchivedDeliveryWhoseIdIsOutsideItsTimeIsNotFound() {
        // Records created over a minute after their event never go into the archive (archivable), and none
        // is shifted over a second (ARCHIVE_SHIFT) behind its creation: the scan ends there.
        String late = deliveryId(AT - 62_000, "late");
        putArchived(late, TestRecord.of("delivered", PR, WH, "ev-late", AT).holdingEvent("u", AT - 62_000, "r", "{}"));

        assertThat(requeue(late)).isZero();
        assertThat(exists(DELIVERIES)).isFalse();
    }
}
