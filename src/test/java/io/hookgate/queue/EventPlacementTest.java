package io.hookgate.queue;

import static io.hookgate.queue.QueueFixture.WAIT;
import static io.hookgate.queue.QueueFixture.awaitAt;
import static io.hookgate.queue.QueueFixture.awaitStatus;
import static io.hookgate.queue.QueueFixture.delivery;
import static io.hookgate.queue.QueueFixture.event;
import static io.hookgate.queue.QueueFixture.projectId;
import static io.hookgate.queue.QueueFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RedisServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where an accepted event's payload lives: in its stream entry until the fan-out, then in the record
 * of its only delivery, or in an event hash that its several deliveries share.
 */
class EventPlacementTest {
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
}
