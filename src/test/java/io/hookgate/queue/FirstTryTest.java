package io.hookgate.queue;

import static io.hookgate.queue.QueueFixture.QUIET;
import static io.hookgate.queue.QueueFixture.WAIT;
import static io.hookgate.queue.QueueFixture.at;
import static io.hookgate.queue.QueueFixture.attempts;
import static io.hookgate.queue.QueueFixture.awaitAt;
import static io.hookgate.queue.QueueFixture.awaitStatus;
import static io.hookgate.queue.QueueFixture.event;
import static io.hookgate.queue.QueueFixture.projectId;
import static io.hookgate.queue.QueueFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Answer;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.Prometheus;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.hookgate.testsupport.RedisServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fast path: an event that matches one webhook with room gets its first try straight from the
 * fan-out, and its record is written with the try's outcome; an event that matches several goes
 * through the deliveries stream. Counted on the streams' own counters (XINFO STREAM entries-added).
 */
class FirstTryTest {
    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create(Map.of(ConfigKey.RETRY_SCHEDULE, "300ms,600ms"));

    /** Entries ever added to a stream. */
    private static long added(RedisServer redis, String stream) {
        String info = redis.command("XINFO", "STREAM", stream);
        Matcher m = Pattern.compile("entries-added[^0-9]*([0-9]+)").matcher(info);
        assertThat(m.find()).as("entries-added in %s", info).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static long length(RedisServer redis, String stream) {
        return Long.parseLong(redis.command("XLEN", stream).trim());
    }

    /**
     * On a Redis of its own: the other tests' retries and held deliveries, still draining, would add
     * deliveries-stream entries while this one counts them.
     */
    @Test
    void aSingleMatchIsTriedWithoutTheDeliveriesStreamAndRecordedWithItsOutcome() {
        try (RedisServer redis = RedisServer.start();
             Gateway gw = Gateway.start(redis.url(), Map.of(ConfigKey.RETRY_SCHEDULE, "300ms,600ms"));
             Receiver r = QueueFixture.receiver(env.vertx())) {
            Gateway.ProjectClient p = gw.project(projectId("first"));
            p.webhook("one", r.url("/one"), "users.*.create");
            p.webhook("two", r.url("/two"), "users.*.update");
            p.webhook("three", r.url("/three"), "users.*.update");
            long before = added(redis, "hg:{q0}:deliveries");

            send(p, event("users.u1.create", "single"));
            String id = awaitAt(r, "/one", 1, WAIT).get(0).header("webhook-id");
            JsonObject d = awaitStatus(p, "one", id, "delivered");
            assertThat(d.getInteger("attemptCount")).isEqualTo(1);
            assertThat(attempts(d)).singleElement().satisfies(a -> assertThat(a.getInteger("statusCode")).isEqualTo(200));
            assertThat(added(redis, "hg:{q0}:deliveries")).as("deliveries-stream entries for a single match").isEqualTo(before);
            Await.until("the event acknowledged and deleted", WAIT, () -> length(redis, "hg:{q0}:events") == 0);

            // A few matches are tried at once too, recorded together once both tries have ended.
            send(p, event("users.u1.update", "double"));
            String two = awaitAt(r, "/two", 1, WAIT).get(0).header("webhook-id");
            String three = awaitAt(r, "/three", 1, WAIT).get(0).header("webhook-id");
            awaitStatus(p, "two", two, "delivered");
            awaitStatus(p, "three", three, "delivered");
            assertThat(added(redis, "hg:{q0}:deliveries")).as("fan-out 2 skips the stream too").isEqualTo(before);
            Await.until("the event deleted", WAIT, () -> length(redis, "hg:{q0}:events") == 0);
            r.assertCountStays(3, QUIET);
        }
    }

    /**
     * A pump at its maxInFlight reads no more events: they wait in the events stream, unrecorded, and get
     * first tries once it has room, instead of going through the deliveries stream.
     */
    @Test
    void eventsWaitInTheStreamWhileThePumpIsFullAndGetFirstTriesOnceItHasRoom() {
        try (RedisServer redis = RedisServer.start();
             Gateway gw = Gateway.start(redis.url(), Map.of(ConfigKey.MAX_IN_FLIGHT, "2"));
             Receiver r = QueueFixture.receiver(env.vertx())) {
            r.delay(Duration.ofMillis(1_500));
            Gateway.ProjectClient p = gw.project(projectId("room"));
            JsonArray events = new JsonArray();
            for (int i = 0; i < 5; i++) {
                p.webhook("w" + i, r.url("/w" + i), "users.u" + i + ".create");
                events.add(event("users.u" + i + ".create", "e" + i));
            }
            p.send(new JsonObject().put("events", events).encode()).expect(202);

            Await.until("two tries under way", WAIT, () -> r.count() >= 2);
            assertThat(r.count()).as("the pump's room").isEqualTo(2);
            assertThat(length(redis, "hg:{q0}:events"))
                .as("two events tried, three waiting: all in the stream until recorded").isEqualTo(5);
            Await.until("all five delivered", WAIT, () -> r.count() >= 5);
            for (int i = 0; i < 5; i++) {
                String id = at(r, "/w" + i).get(0).header("webhook-id");
                awaitStatus(p, "w" + i, id, "delivered");
            }
            Await.until("the events deleted", WAIT, () -> length(redis, "hg:{q0}:events") == 0);
            assertThat(length(redis, "hg:{q0}:deliveries")).isZero();
            assertThat(added(redis, "hg:{q0}:deliveries")).as("no delivery went through the deliveries stream").isZero();
            r.assertCountStays(5, QUIET);
        }
    }

    @Test
    void anotherReplicaLoadsThePayloadAndSkipsTheStreamToo() {
        Gateway other = Gateway.start(env.redis().url(), Map.of(ConfigKey.RETRY_SCHEDULE, "300ms,600ms"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            Gateway.ProjectClient p = env.gateway().project(projectId("twor"));
            int webhooks = 20;
            for (int i = 0; i < webhooks; i++) {
                p.webhook("solo" + i, r.url("/solo"), "users.u" + i + ".create");
            }
            long before = added(env.redis(), "hg:{q0}:deliveries");
            // Events are ingested by the first gateway only: the second one, which fans out a share of
            // them, has their payloads only by loading them. One event per webhook per request, so that
            // every webhook has a free slot for a first try.
            int sent = 0;
            while (sent < 10_000 && Prometheus.scrape(other.managementPort())
                .value("hookgate_deliveries_total", "outcome", "delivered") < 20) {
                io.vertx.core.json.JsonArray events = new io.vertx.core.json.JsonArray();
                for (int i = 0; i < webhooks; i++) {
                    events.add(event("users.u" + i + ".create", "e" + (sent + i)));
                }
                p.send(new JsonObject().put("events", events).encode()).expect(202);
                sent += webhooks;
                int total = sent;
                Await.until(total + " delivered", WAIT, () -> r.count() >= total);
            }
            assertThat(Prometheus.scrape(other.managementPort()).value("hookgate_deliveries_total", "outcome",
                "delivered")).as("deliveries made by the replica that did not ingest").isGreaterThanOrEqualTo(20);
            assertThat(added(env.redis(), "hg:{q0}:deliveries")).as("deliveries-stream entries for single matches").isEqualTo(before);
            r.assertCountStays(sent, QUIET);
        } finally {
            other.close();
        }
    }

    /** Round trips of the LOAD_EVENT script so far: reads of an event back from Redis. */
    private static double eventLoads() {
        return Prometheus.scrape(env.gateway().managementPort()).all("hookgate_redis_command_duration_seconds_count",
            "command", "EVALSHA:load_event").stream().mapToDouble(Prometheus.Sample::value).sum();
    }

    @Test
    void deliveriesThatWaitForABusyWebhookAreTriedWithoutReadingTheirEventBack() {
        Gateway.ProjectClient p = env.gateway().project(projectId("busy"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            r.respond(req -> Answer.status(200).withDelay(java.time.Duration.ofMillis(200)));
            p.webhook("busy", r.url("/busy"), "users.*.create");
            double loadsBefore = eventLoads();
            long before = added(env.redis(), "hg:{q0}:deliveries");
            // 40 at once for one webhook: 16 (maxInFlightPerWebhook) get first tries, the others wait their
            // turn in the deliveries stream, where their tries find the event kept at its fan-out.
            io.vertx.core.json.JsonArray events = new io.vertx.core.json.JsonArray();
            for (int i = 0; i < 40; i++) {
                events.add(event("users.u" + i + ".create", "b" + i));
            }
            p.send(new JsonObject().put("events", events).encode()).expect(202);
            Await.until("40 delivered", WAIT, () -> r.count() >= 40);
            assertThat(added(env.redis(), "hg:{q0}:deliveries") - before).as("deliveries that waited in the stream").isPositive();
            assertThat(r.requests()).extracting(x -> x.bodyJson().getString("n")).doesNotContainNull().hasSize(40);
            assertThat(eventLoads() - loadsBefore).as("events read back from Redis").isZero();
        }
    }

    @Test
    void aFailedFirstTryIsRetriedAsTheSameDelivery() {
        Gateway.ProjectClient p = env.gateway().project(projectId("firstfail"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            AtomicBoolean failing = new AtomicBoolean(true);
            r.respond(req -> failing.get() ? Answer.of(503, "busy") : Answer.status(200));
            p.webhook("flaky", r.url("/flaky"), "users.*.create");

            send(p, event("users.u1.create", "flaky"));
            String id = awaitAt(r, "/flaky", 1, WAIT).get(0).header("webhook-id");
            JsonObject retrying = awaitStatus(p, "flaky", id, "retrying");
            assertThat(retrying.getInteger("attemptCount")).isEqualTo(1);
            assertThat(retrying.getString("nextRetryAt")).isNotEmpty();
            assertThat(attempts(retrying)).singleElement().satisfies(a -> {
                assertThat(a.getInteger("statusCode")).isEqualTo(503);
                assertThat(a.getString("responseBody")).isEqualTo("busy");
            });

            failing.set(false);
            List<RecordedRequest> got = awaitAt(r, "/flaky", 2, WAIT);
            assertThat(got).extracting(x -> x.header("webhook-id")).containsOnly(id);
            JsonObject delivered = awaitStatus(p, "flaky", id, "delivered");
            assertThat(attempts(delivered)).extracting(a -> a.getInteger("statusCode")).containsExactly(200, 503);
            r.assertCountStays(2, QUIET);
        }
    }
}
