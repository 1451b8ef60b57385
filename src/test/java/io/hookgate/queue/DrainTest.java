package io.hookgate.queue;

import static io.hookgate.queue.QueueFixture.WAIT;
import static io.hookgate.queue.QueueFixture.deliveries;
import static io.hookgate.queue.QueueFixture.event;
import static io.hookgate.queue.QueueFixture.projectId;
import static io.hookgate.queue.QueueFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.Hookgate;
import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.ClassVertx;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.hookgate.testsupport.RedisServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Graceful shutdown in process: the tries under way finish and are recorded before shutdown()
 * completes, no new try starts, and what had not started is left in Redis for the next replica.
 * Two tries in flight per webhook, so most of the 10 deliveries are waiting when the stop comes.
 */
class DrainTest {
    private static final Logger LOG = LoggerFactory.getLogger(DrainTest.class);
    private static final Duration ANSWER_AFTER = Duration.ofMillis(1_500);
    private static final Map<ConfigKey, String> CONFIG = Map.of(ConfigKey.MAX_IN_FLIGHT_PER_WEBHOOK, "2");

    @RegisterExtension
    static final ClassVertx VERTX = new ClassVertx();
    private RedisServer redis;
    private Gateway first;
    private Gateway second;

    @AfterEach
    void stop() {
        try {
            if (second != null) {
                second.close();
            }
            if (first != null) {
                Hookgate.closeVertx(first.vertx());
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    @Test
    void shutdownFinishesTheTriesUnderWayAndLeavesTheRestToTheNextReplica() throws Exception {
        redis = RedisServer.start();
        first = Gateway.start(redis.url(), CONFIG);
        Gateway.ProjectClient p = first.project(projectId("drain"));
        try (Receiver r = QueueFixture.receiver(VERTX.get())) {
            r.delay(ANSWER_AFTER);
            p.webhook("drain", r.url("/drain"), "users.*.create");
            for (int i = 0; i < 10; i++) {
                send(p, event("users.u" + i + ".create", "d" + i));
            }
            Await.until("10 deliveries recorded", WAIT, () -> deliveries(p, "drain", null).size() == 10);
            r.awaitCount(2, WAIT);

            long asked = System.nanoTime();
            first.hookgate().shutdown().await(30, TimeUnit.SECONDS);
            long done = System.nanoTime();
            List<RecordedRequest> started = r.requests();
            long sinceLastStart = (done - started.get(started.size() - 1).receivedAtNanos()) / 1_000_000;
            LOG.warn("measured: shutdown took {} ms with {} tries under way; it completed {} ms after the last of"
                + " them started", (done - asked) / 1_000_000, started.size(), sinceLastStart);

            // Two in flight at most: most deliveries had not started when the stop came.
            assertThat(started).as("tries started by the first gateway").hasSizeBetween(2, 4);
            assertThat(started).as("no try starts once shutdown() was called")
                .allSatisfy(x -> assertThat(x.receivedAtNanos()).isLessThan(asked + 200_000_000));
            // Each answer goes out 1.5 s after its try arrived: shutdown() completes after the last of
            // them, and only then (a try started after the stop would take another 1.5 s).
            assertThat(sinceLastStart).as("ms from the last try's arrival to the end of shutdown()")
                .isBetween(ANSWER_AFTER.toMillis() - 20, ANSWER_AFTER.toMillis() + 1_000);
            for (RecordedRequest tried : started) {
                String key = tried.header("webhook-id");
                java.util.Map<String, String> record = QueueFixture.record(redis, key);
                assertThat(record.get("st")).as("status of %s when shutdown() completed", key).isEqualTo("delivered");
                assertThat(record.get("n")).as("tries of %s", key).isEqualTo("1");
            }
            r.assertCountStays(started.size(), Duration.ofMillis(300));

            second = Gateway.start(redis.url(), CONFIG);
            Gateway.ProjectClient again = new Gateway.ProjectClient(second, p.projectId(), p.key());
            r.delay(Duration.ZERO);
            List<JsonObject> all = Await.until("every delivery delivered by the second gateway", WAIT, () -> {
                List<JsonObject> list = deliveries(again, "drain", null);
                return list.stream().allMatch(d -> "delivered".equals(d.getString("status"))) ? list : null;
            });
            assertThat(all).hasSize(10).allSatisfy(d -> assertThat(d.getInteger("attemptCount")).isEqualTo(1));
            assertThat(r.assertCountStays(10, QueueFixture.QUIET)).extracting(x -> x.header("webhook-id"))
                .as("each delivery tried once, over both gateways").doesNotHaveDuplicates().hasSize(10);
        }
    }
}
