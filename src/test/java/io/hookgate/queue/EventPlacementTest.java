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
 * Where an accepted event's payload lives: in its stream entry until the fan-out, then in the records of
 * its deliveries when they are a few, tried straight from the fan-out (each record holds a copy), or in
 * an event hash that its many deliveries share (more than the fan-out tries at once: they go through the
 * deliveries stream).
 */
class EventPlacementTest {
    /** More deliveries than the fan-out tries at once (firstTryMaxDeliveries, 8). */
    private static final int MANY = 9;

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create();

    @Test
    void anEventOfAFewDeliveriesLivesInTheirRecordsAndOneOfManyInAnEventHash() {
        Gateway.ProjectClient p = env.gateway().project(projectId("where"));
        RedisServer redis = env.redis();
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            p.webhook("one", r.url("/one"), "users.u1.create");
            p.webhook("two", r.url("/two"), "users.u2.create");
            p.webhook("three", r.url("/three"), "users.u2.create");
            for (int i = 0; i < MANY; i++) {
                p.webhook("m" + i, r.url("/m" + i), "users.u3.create");
            }
            String single = send(p, event("users.u1.create", "single"));
            String few = send(p, event("users.u2.create", "few"));
            String many = send(p, event("users.u3.create", "many"));

            String oneId = awaitAt(r, "/one", 1, WAIT).get(0).header("webhook-id");
            String twoId = awaitAt(r, "/two", 1, WAIT).get(0).header("webhook-id");
            String threeId = awaitAt(r, "/three", 1, WAIT).get(0).header("webhook-id");
            String m0Id = awaitAt(r, "/m0", 1, WAIT).get(0).header("webhook-id");
            awaitStatus(p, "one", oneId, "delivered");
            awaitStatus(p, "two", twoId, "delivered");
            awaitStatus(p, "three", threeId, "delivered");
            awaitStatus(p, "m0", m0Id, "delivered");

            for (String ev : new String[] {single, few}) {
                assertThat(redis.command("EXISTS", "hg:{q0}:ev:" + p.projectId() + ":" + ev)).as("no event hash for %s", ev)
                    .isEqualTo("0");
            }
            assertThat(QueueFixture.record(redis, oneId).get("pl")).isEqualTo("{\"n\":\"single\"}");
            assertThat(QueueFixture.record(redis, twoId).get("pl")).as("a copy each").isEqualTo("{\"n\":\"few\"}");
            assertThat(QueueFixture.record(redis, threeId).get("pl")).as("a copy each").isEqualTo("{\"n\":\"few\"}");
            assertThat(redis.command("HGET", "hg:{q0}:ev:" + p.projectId() + ":" + many, "pl")).isEqualTo("{\"n\":\"many\"}");
            assertThat(redis.command("HGET", "hg:{q0}:ev:" + p.projectId() + ":" + many, "refs"))
                .isEqualTo(Integer.toString(MANY));
            assertThat(QueueFixture.record(redis, m0Id)).as("many: not copied").containsKey("st").doesNotContainKey("pl");
            assertThat(delivery(p, "one", oneId).getJsonObject("payload")).isEqualTo(new JsonObject().put("n", "single"));
            assertThat(delivery(p, "three", threeId).getJsonObject("payload")).isEqualTo(new JsonObject().put("n", "few"));
            assertThat(delivery(p, "m0", m0Id).getJsonObject("payload")).isEqualTo(new JsonObject().put("n", "many"));
        }
    }
}
