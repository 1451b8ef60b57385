package io.hookgate.queue;

import static io.hookgate.queue.QueueFixture.WAIT;
import static io.hookgate.queue.QueueFixture.deliveries;
import static io.hookgate.queue.QueueFixture.event;
import static io.hookgate.queue.QueueFixture.projectId;
import static io.hookgate.queue.QueueFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.redis.QueueKeys;
import io.hookgate.redis.RecordFormat;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.ClassVertx;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RedisServer;
import io.hookgate.testsupport.Teardown;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retention by age ({@code deliveryRetentionSeconds} 3 700 here): the maintenance loop removes records
 * past it from the webhooks the partition's aged set names, whether or not they get deliveries, and its
 * walk over the webhooks puts an index the set does not know into it.
 */
class AgedRetentionTest {
    private static final Map<ConfigKey, String> CONFIG = Map.of(ConfigKey.DELIVERY_RETENTION_SECONDS, "3700",
        ConfigKey.RETRY_SCHEDULE, "1s");
    private static final String AGED = QueueKeys.aged(0);

    @RegisterExtension
    static final ClassVertx VERTX = new ClassVertx();
    private RedisServer redis;
    private Gateway gateway;

    @AfterEach
    void stop() throws Exception {
        Teardown.close(gateway, null, redis);
    }

    @Test
    void recordsOlderThanTheRetentionGoWhateverTheirStatusWithoutAnotherDelivery() {
        redis = RedisServer.start();
        gateway = Gateway.start(redis.url(), CONFIG);
        Gateway.ProjectClient p = gateway.project(projectId("aged"));
        try (Receiver r = QueueFixture.receiver(VERTX.get())) {
            p.webhook("aged", r.url("/aged"), "users.*.create");
            // Records from before the retention (3 700 s), as the queue indexes them: in the webhook's index
            // and its status's, the webhook in the aged set. Retention by count (1 000 by default) has
            // nothing to do here.
            String base = "hg:{q0}:whd:" + p.projectId() + ":aged";
            long old = System.currentTimeMillis() - 4_000_000L;
            record(p, "aged", "olddelivered", "delivered", old, base, base + ":delivered");
            record(p, "aged", "oldfailed", "failed", old + 1, base, base + ":failed");
            record(p, "aged", "oldparked", "parked", old + 2, base, base + ":parked",
                "hg:{q0}:parked:" + p.projectId() + ":aged");
            redis.command("ZADD", AGED, Long.toString(old), p.projectId() + ":aged");
            assertThat(deliveries(p, "aged", null)).hasSize(3);

            // No event comes: the maintenance loop finds them.
            Await.until("the old records gone", WAIT, () -> redis.keys("hg:{q0}:dl:old*").isEmpty()
                && redis.command("EXISTS", base).equals("0") ? true : null);
            for (String key : List.of(base + ":delivered", base + ":failed", base + ":parked",
                "hg:{q0}:parked:" + p.projectId() + ":aged")) {
                assertThat(redis.command("EXISTS", key)).as(key).isEqualTo("0");
            }
            Await.until("the empty index out of the aged set", WAIT,
                () -> redis.command("ZCARD", AGED).equals("0") ? true : null);
            assertThat(deliveries(p, "aged", null)).isEmpty();

            // The next delivery starts the index again and finds nothing unfinished left.
            String fresh = send(p, event("users.u1.create", "fresh"));
            r.awaitCount(1, WAIT);
            Await.until("recorded, the open set cleared", WAIT, () -> deliveries(p, "aged", "delivered").size() == 1
                && redis.command("SISMEMBER", "hg:{q0}:open", p.projectId() + ":aged").equals("0") ? true : null);
            assertThat(deliveries(p, "aged", null)).extracting(d -> d.getString("eventId")).containsExactly(fresh);
            assertThat(redis.command("ZRANGE", AGED, "0", "-1")).isEqualTo("[" + p.projectId() + ":aged]");
        }
    }

    @Test
    void anIndexTheAgedSetDoesNotKnowJoinsItThroughTheWalk() {
        redis = RedisServer.start();
        gateway = Gateway.start(redis.url(), CONFIG);
        Gateway.ProjectClient p = gateway.project(projectId("before"));
        p.webhook("before", "http://127.0.0.1:9/before", "users.*.create");

        // What the version before the aged set left (or a replica of it during a rolling update): records
        // indexed, the webhook not in the set.
        String base = "hg:{q0}:whd:" + p.projectId() + ":before";
        long old = System.currentTimeMillis() - 4_000_000L;
        record(p, "before", "oldone", "delivered", old, base);
        record(p, "before", "young", "delivered", System.currentTimeMillis(), base);
        assertThat(redis.command("EXISTS", AGED)).isEqualTo("0");

        Await.until("the old record gone", WAIT, () -> redis.command("EXISTS", "hg:{q0}:dl:oldone").equals("0")
            ? true : null);
        assertThat(redis.command("ZRANGE", base, "0", "-1")).isEqualTo("[young]");
        assertThat(redis.command("ZRANGE", AGED, "0", "-1")).isEqualTo("[" + p.projectId() + ":before]");
    }

    @Test
    void anArchiveOfAWebhookNoReplicaKnowsGoesByAgeThroughTheTailsWalk() {
        redis = RedisServer.start();
        gateway = Gateway.start(redis.url(), CONFIG);
        Gateway.ProjectClient p = gateway.project(projectId("orphan"));
        // What a replica of a version before archives leaves when it purges a deleted webhook: its archive,
        // the webhook neither known nor in the aged set, only in the partition's tails.
        long old = System.currentTimeMillis() - 4_000_000L;
        String w = p.projectId() + ":deleted";
        String order = "hg:{q0}:whl:" + w;
        for (int i = 0; i < 3; i++) {
            byte[] value = RecordFormat.encode("delivered", "1", "ev" + i, p.projectId(), "deleted", new String[] {"a" + i,
                "users.u1.create", Long.toString(old + i), Long.toString(old + i), "0", "1", "0", "", Long.toString(old),
                "rq"}, null, "{}".getBytes(StandardCharsets.UTF_8));
            redis.call("HSET", "hg:{q0}:wha:" + w, "a" + i, new String(value, StandardCharsets.UTF_8));
            redis.command("RPUSH", order, (old + i) + ":a" + i);
        }
        redis.command("HSET", "hg:{q0}:tails", w, (old + 2) + ":a2");
        assertThat(redis.command("EXISTS", AGED)).isEqualTo("0");

        Await.until("the orphaned archive gone", WAIT, () -> redis.command("EXISTS", order).equals("0")
            && redis.command("EXISTS", "hg:{q0}:wha:" + w).equals("0") ? true : null);
        Await.until("its webhook out of aged and tails", WAIT, () -> redis.command("EXISTS", AGED).equals("0")
            && redis.command("HEXISTS", "hg:{q0}:tails", w).equals("0") ? true : null);
    }

    /**
     * Writes a delivery record of a webhook straight into Redis, as the queue lays it out, indexed in
     * {@code indexes}; a retrying or parked one names its webhook in the partition's open set, as the queue does.
     */
    private void record(Gateway.ProjectClient p, String webhookId, String id, String status, long createdAt,
                        String... indexes) {
        String at = Long.toString(createdAt);
        byte[] value = RecordFormat.encode(status, "1", "ev" + id, p.projectId(), webhookId, new String[] {id,
            "users.u1.create", at, at, "0", "1", "0", "", at, "rq-old"}, null, "{}".getBytes(StandardCharsets.UTF_8));
        redis.call("SET", "hg:{q0}:dl:" + id, new String(value, StandardCharsets.UTF_8));
        for (String index : indexes) {
            redis.command("ZADD", index, at, id);
        }
        if (status.equals("retrying") || status.equals("parked")) {
            redis.command("SADD", "hg:{q0}:open", p.projectId() + ":" + webhookId);
        }
    }
}
