package io.hookgate.queue;

import static io.hookgate.queue.QueueFixture.WAIT;
import static io.hookgate.queue.QueueFixture.awaitAt;
import static io.hookgate.queue.QueueFixture.awaitStatus;
import static io.hookgate.queue.QueueFixture.delivery;
import static io.hookgate.queue.QueueFixture.event;
import static io.hookgate.queue.QueueFixture.projectId;
import static io.hookgate.queue.QueueFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.hookgate.testsupport.RedisServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where an accepted event's payload lives: in its stream entry until the fan-out, then in the record
 * of its only delivery, or in an event hash that its several deliveries share. Events that earlier
 * versions queued (payload in an event hash from ingest on, not in the entry) are still delivered
 * and shown.
 */
class EarlierQueueFormatTest {
    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create();

    @Test
    void anEventOfOneDeliveryLivesInItsRecordAndOneOfSeveralInAnEventHash() {
        Gateway.ProjectClient p = env.gateway().project(projectId("where"));
        RedisServer redis = env.redis();
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            p.webhook("one", r.url("/one"), "users.u1.create");
            p.webhook("two", r.url("/two"), "users.u2.create");
            p.webhook("three", r.url("/three"), "users.u2.create");
            String single = send(p, event("users.u1.create", "single"));
            String shared = send(p, event("users.u2.create", "shared"));

            String oneId = awaitAt(r, "/one", 1, WAIT).get(0).header("webhook-id");
            String twoId = awaitAt(r, "/two", 1, WAIT).get(0).header("webhook-id");
            awaitAt(r, "/three", 1, WAIT);
            awaitStatus(p, "one", oneId, "delivered");
            awaitStatus(p, "two", twoId, "delivered");

            assertThat(redis.command("EXISTS", "hg:{q0}:ev:" + p.projectId() + ":" + single)).as("no event hash for one delivery")
                .isEqualTo("0");
            assertThat(QueueFixture.record(redis, oneId).get("pl")).isEqualTo("{\"n\":\"single\"}");
            assertThat(redis.command("HGET", "hg:{q0}:ev:" + p.projectId() + ":" + shared, "pl")).isEqualTo("{\"n\":\"shared\"}");
            assertThat(redis.command("HGET", "hg:{q0}:ev:" + p.projectId() + ":" + shared, "refs")).isEqualTo("2");
            assertThat(QueueFixture.record(redis, twoId)).as("shared: not copied").containsKey("st").doesNotContainKey("pl");
            assertThat(delivery(p, "one", oneId).getJsonObject("payload")).isEqualTo(new JsonObject().put("n", "single"));
            assertThat(delivery(p, "two", twoId).getJsonObject("payload")).isEqualTo(new JsonObject().put("n", "shared"));
        }
    }

    @Test
    void eventsQueuedByAnEarlierVersionAreDeliveredWithTheirPayloads() {
        String projectId = projectId("earlier");
        Gateway.ProjectClient p = env.gateway().project(projectId);
        RedisServer redis = env.redis();
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            p.webhook("one", r.url("/one"), "users.u1.create");
            p.webhook("two", r.url("/two"), "users.u2.create");
            p.webhook("three", r.url("/three"), "users.u2.create");
            // As earlier versions queued them: the event hash written at ingest, the entry without pl.
            queueTheEarlierWay(redis, projectId, "evearlier1", "users.u1.create", "{\"n\":\"old-single\"}");
            queueTheEarlierWay(redis, projectId, "evearlier2", "users.u2.create", "{\"n\":\"old-shared\"}");

            RecordedRequest one = awaitAt(r, "/one", 1, WAIT).get(0);
            RecordedRequest two = awaitAt(r, "/two", 1, WAIT).get(0);
            RecordedRequest three = awaitAt(r, "/three", 1, WAIT).get(0);
            assertThat(List.of(one, two, three)).extracting(RecordedRequest::bodyJson).containsExactly(
                new JsonObject().put("n", "old-single"), new JsonObject().put("n", "old-shared"),
                new JsonObject().put("n", "old-shared"));
            JsonObject shown = awaitStatus(p, "two", two.header("webhook-id"), "delivered");
            assertThat(shown.getJsonObject("payload")).isEqualTo(new JsonObject().put("n", "old-shared"));
            assertThat(awaitStatus(p, "one", one.header("webhook-id"), "delivered").getJsonObject("payload"))
                .isEqualTo(new JsonObject().put("n", "old-single"));
            assertThat(redis.command("HGET", "hg:{q0}:ev:" + projectId + ":evearlier2", "refs")).isEqualTo("2");
            // The single one's first try moved the event into its record (with ea): its hash went, since
            // trimming takes such a record to have none.
            assertThat(QueueFixture.record(redis, one.header("webhook-id"))).containsKey("ea")
                .containsEntry("pl", "{\"n\":\"old-single\"}");
            assertThat(redis.command("EXISTS", "hg:{q0}:ev:" + projectId + ":evearlier1")).isEqualTo("0");

            // A new event after them: the queue did not stall on them.
            send(p, event("users.u1.create", "new"));
            Await.until("the new event's delivery", WAIT, () -> r.requests().size() == 4 ? true : null);
        }
    }

    private static void queueTheEarlierWay(RedisServer redis, String projectId, String eventId, String name,
                                           String payload) {
        String at = Long.toString(System.currentTimeMillis());
        redis.command("HSET", "hg:{q0}:ev:" + projectId + ":" + eventId, "pr", projectId, "nm", name, "us", "", "at", at, "pl", payload,
            "rq", "rq-earlier");
        redis.command("EXPIRE", "hg:{q0}:ev:" + projectId + ":" + eventId, "3600");
        redis.command("XADD", "hg:{q0}:events", "*", "id", eventId, "pr", projectId, "nm", name, "us", "", "at", at);
    }
}
