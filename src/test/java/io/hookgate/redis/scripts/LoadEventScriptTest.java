package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.redis.LuaScript;
import io.hookgate.redis.RecordFormat;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code lua/load_event.lua}: an event of several deliveries comes from its hash, an event of one from its
 * delivery's record. The event hash's key names the project; a record names its project in the answer,
 * which the caller compares with the one it asked for.
 */
class LoadEventScriptTest extends ScriptHarness {
    private static final String PAYLOAD = "{\"$id\":\"u1\",\"name\":\"Ann\"}";

    private static Object load(String projectId, String eventId, String deliveryId) {
        return run("load_event", List.of(eventHash(projectId, eventId), record(deliveryId)), List.of(deliveryId));
    }

    @Test
    void anEventOfSeveralDeliveriesComesFromItsHash() {
        redis.command("HSET", eventHash(PR, "ev-1"), "pr", PR, "nm", "users.u1.create", "us", "user-1",
            "at", "1700000000123", "pl", PAYLOAD, "rq", "req-1", "refs", "2");
        put("d-1", TestRecord.of("pending", PR, WH, "ev-1", NOW));

        assertThat(load(PR, "ev-1", "d-1"))
            .isEqualTo(List.of(PR, "users.u1.create", "user-1", "1700000000123", PAYLOAD, "req-1"));
    }

    @Test
    void anEventOfOneDeliveryComesFromItsRecord() {
        put("d-1", TestRecord.of("retrying", PR, WH, "ev-1", NOW).with("nm", "users.u1.update")
            .holdingEvent("user-1", 1700000000123L, "req-1", PAYLOAD).newestTry("{\"statusCode\":500}", 1));

        assertThat(load(PR, "ev-1", "d-1"))
            .isEqualTo(List.of(PR, "users.u1.update", "user-1", "1700000000123", PAYLOAD, "req-1"));
    }

    @Test
    void anEventWithoutUserHasFalseForIt() {
        // The record leaves an empty user out (RecordFormat): it comes back as false, not as "".
        put("d-1", TestRecord.of("pending", PR, WH, "ev-1", NOW).holdingEvent("", 1700000000123L, "req-1", PAYLOAD));

        assertThat(load(PR, "ev-1", "d-1"))
            .isEqualTo(Arrays.asList(PR, "users.create", null, "1700000000123", PAYLOAD, "req-1"));
    }

    @Test
    void aRecordOfAnEventOfSeveralDeliveriesHoldsNoEvent() {
        put("d-1", TestRecord.of("pending", PR, WH, "ev-1", NOW));

        assertThat(load(PR, "ev-1", "d-1")).isNull();
        assertThat(load(PR, "ev-1", "d-gone")).isNull();
    }

    @Test
    void anotherProjectsEventIsNotFoundUnderThisProjectsKeyAndARecordNamesItsProject() {
        redis.command("HSET", eventHash(OTHER_PR, "ev-1"), "pr", OTHER_PR, "nm", "users.u1.create", "us", "",
            "at", "1700000000123", "pl", PAYLOAD, "rq", "req-1", "refs", "2");

        assertThat(load(PR, "ev-1", "d-gone")).as("the same event ID in another project").isNull();

        put("d-1", TestRecord.of("pending", OTHER_PR, WH, "ev-2", NOW).holdingEvent("", 1L, "req-2", PAYLOAD));
        assertThat(((List<?>) load(PR, "ev-2", "d-1")).get(0)).as("the project the caller checks").isEqualTo(OTHER_PR);
    }

    @Test
    void thePayloadComesBackByteForByteThroughTheGatewaysClient() throws Exception {
        // Bytes that are no UTF-8, and the record's own separators: only a binary-safe client sends them.
        byte[] payload = {'{', '"', 'a', '"', ':', '"', '|', '\n', '\r', 0, (byte) 0xff, (byte) 0xc3, '"', '}'};
        Vertx vertx = Vertx.vertx();
        try {
            Redis client = Redis.createClient(vertx, redis.url());
            LuaScript script = LuaScript.load("load_event");
            byte[] record = RecordFormat.encode("pending", "1", "ev-1", PR, WH,
                new String[] {"d-1", "users.create", "1", "1", "0", "0", "0", "user-1", "2", "req-1"}, null, payload);
            client.send(Request.cmd(Command.SET).arg(record("d-1")).arg(record)).await(10, TimeUnit.SECONDS);
            client.send(Request.cmd(Command.HSET).arg(eventHash(PR, "ev-2")).arg("pr").arg(PR).arg("nm").arg("x")
                .arg("at").arg("3").arg("pl").arg(payload)).await(10, TimeUnit.SECONDS);

            Response fromRecord = script.run(client, List.of(eventHash(PR, "ev-1"), record("d-1")), List.of())
                .await(10, TimeUnit.SECONDS);
            Response fromHash = script.run(client, List.of(eventHash(PR, "ev-2"), record("d-2")), List.of())
                .await(10, TimeUnit.SECONDS);

            assertThat(fromRecord.get(4).toBytes()).isEqualTo(payload);
            assertThat(fromRecord.get(1).toString(StandardCharsets.UTF_8)).isEqualTo("users.create");
            assertThat(fromHash.get(4).toBytes()).isEqualTo(payload);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anArchivedRecordHoldsItsEventWhenTheArchiveIsGiven() {
        String id = deliveryId(NOW - 200, "d1");
        putArchived(id, TestRecord.of("delivered", PR, WH, "ev-1", NOW).with("nm", "users.u1.update")
            .holdingEvent("user-1", 1700000000123L, "req-1", PAYLOAD).newestTry("{\"c\":200}", 1));

        assertThat(run("load_event", List.of(eventHash(PR, "ev-1"), record(id), archive(PR, WH), archiveOrder(PR, WH)),
            List.of(id, PR, WH))).isEqualTo(List.of(PR, "users.u1.update", "user-1", "1700000000123", PAYLOAD, "req-1"));
        assertThat(load(PR, "ev-1", id)).as("without the archive: none").isNull();
    }

    @Test
    void aRecordOfRecordLayout3IsReadFromTheArchivesHash() {
        putArchivedInHash("d-1", TestRecord.of("delivered", PR, WH, "ev-1", NOW).with("nm", "users.u1.update")
            .holdingEvent("user-1", 1700000000123L, "req-1", PAYLOAD).newestTry("{\"c\":200}", 1));

        assertThat(run("load_event", List.of(eventHash(PR, "ev-1"), record("d-1"), archive(PR, WH), archiveOrder(PR, WH)),
            List.of("d-1", PR, WH))).isEqualTo(List.of(PR, "users.u1.update", "user-1", "1700000000123", PAYLOAD, "req-1"));
    }
}
