package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code lua/archive_get.lua}: one delivery of a webhook's archive by its ID alone, as a key of its own
 * would hold it: an item holding its record (recordLayout 4), found around its event's time, or a field
 * of the archive's hash (recordLayout 3).
 */
class ArchiveGetScriptTest extends ScriptHarness {
    private static Object get(String id) {
        return run("archive_get", List.of(archiveOrder(PR, WH), archive(PR, WH)), List.of(id, PR, WH));
    }

    private static TestRecord delivered(String ev, long at, long acceptedAt) {
        return TestRecord.of("delivered", PR, WH, ev, at).with("nm", "users.u1.create").with("up", at + 7)
            .holdingEvent("user-1", acceptedAt, "req-" + ev, "{\"ev\":\"" + ev + "\"}")
            .newestTry("{\"a\":" + at + ",\"d\":7,\"c\":200,\"h\":{\"content-length\":\"0\"}}", 1);
    }

    @Test
    void aRecordAmongManyIsFoundByItsIdAndAnsweredWhole() {
        // 300 records, one a millisecond, each created 40 ms after its event: chunks of the scan pass by.
        for (int i = 0; i < 300; i++) {
            putArchived(deliveryId(NOW + i - 40, "d" + i), delivered("ev-" + i, NOW + i, NOW + i - 40));
        }

        assertThat(get(deliveryId(NOW + 250 - 40, "d250"))).isEqualTo(delivered("ev-250", NOW + 250, NOW + 210).text());
        assertThat(get(deliveryId(NOW - 40, "d0"))).isEqualTo(delivered("ev-0", NOW, NOW - 40).text());
        assertThat(get(deliveryId(NOW + 250 - 40, "nothere"))).as("an ID of that time not archived").isNull();
        assertThat(get("d-250")).as("an ID of another form").isNull();
    }

    @Test
    void aRecordCreatedBeforeItsEventByTheClocksOfTwoReplicasIsFound() {
        putArchived(deliveryId(NOW + 500, "early"), delivered("ev-e", NOW, NOW + 500));

        assertThat(get(deliveryId(NOW + 500, "early"))).isEqualTo(delivered("ev-e", NOW, NOW + 500).text());
    }

    @Test
    void aRecordOfRecordLayout3IsReadFromTheHashWithItsProjectAndWebhook() {
        putArchivedInHash("d-1", delivered("ev-1", NOW, NOW - 40));

        assertThat(get("d-1")).isEqualTo(delivered("ev-1", NOW, NOW - 40).text());
        assertThat(get("d-2")).isNull();
    }
}
