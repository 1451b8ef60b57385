package io.hookgate.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Answer;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Bounded;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.Prometheus;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /metrics} on the management port after real traffic: the counters are exact, the
 * histograms are consistent with them, the queue gauges follow the queue (per partition and stream)
 * and settle once everything is delivered, the Redis and JVM meters are there, and no label carries
 * a project ID, webhook ID or URL.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int PARTITIONS = 3;
    private static final String PROJECT = "metricsproject7q";
    private static final String OK_HOOK = "okhook5z";
    private static final String FAIL_HOOK = "failhook3x";

    private static RedisServer redis;
    private static Gateway gateway;
    private static Vertx vertx;
    private static Receiver receiver;
    private static Gateway.ProjectClient project;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        // The failed try is retried an hour later (the Gateway default): it stays in the retries set.
        gateway = Bounded.call("gateway start", Duration.ofSeconds(60),
            () -> Gateway.start(redis.url(), Map.of(ConfigKey.QUEUE_PARTITIONS, Integer.toString(PARTITIONS))));
        vertx = Vertx.vertx();
        receiver = Receiver.start(vertx).await(10, TimeUnit.SECONDS);
        receiver.respond(r -> r.path().equals("/fail") ? Answer.of(500, "no") : null);
        project = gateway.project(PROJECT);
        project.webhook(OK_HOOK, receiver.url("/ok?token=sekret"), "users.*.create");
        project.webhook(FAIL_HOOK, receiver.url("/fail"), "users.*.delete");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (gateway != null) {
                Bounded.call("gateway close", Duration.ofSeconds(60), () -> {
                    gateway.close();
                    return null;
                });
            }
            if (receiver != null) {
                receiver.close();
            }
            if (vertx != null) {
                vertx.close().await(10, TimeUnit.SECONDS);
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    @Test
    void countersHistogramsAndGaugesFollowTheTraffic() {
        Prometheus.Scrape before = Prometheus.scrape(gateway.managementPort());
        double acceptedBefore = before.value("hookgate_events_accepted_total");
        double deliveredBefore = before.value("hookgate_deliveries_total", "outcome", "delivered");
        double retryBefore = before.value("hookgate_deliveries_total", "outcome", "retry");
        double triesBefore = before.value("hookgate_delivery_duration_seconds_count");
        double e2dBefore = before.value("hookgate_event_to_delivery_seconds_count");

        // 29 creates (one batch of 20, then 9 single requests) and one delete that fails: N = 30.
        List<JsonObject> batch = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            batch.add(event("users.b" + i + ".create", "b" + i));
        }
        project.send(new JsonObject().put("events", new JsonArray(batch)).encode()).expect(202);
        for (int i = 0; i < 9; i++) {
            project.send(event("users.s" + i + ".create", "s" + i).encode()).expect(202);
        }
        project.send(event("users.f1.delete", "f1").encode()).expect(202);
        int n = 30;
        int delivered = 29;

        Await.until("29 deliveries at /ok and one try at /fail", WAIT,
            () -> count("/ok") >= delivered && count("/fail") >= 1);
        Prometheus.Scrape settled = Await.until("outcomes counted", WAIT, () -> {
            Prometheus.Scrape s = Prometheus.scrape(gateway.managementPort());
            return s.value("hookgate_deliveries_total", "outcome", "delivered") - deliveredBefore >= delivered
                && s.value("hookgate_deliveries_total", "outcome", "retry") - retryBefore >= 1 ? s : null;
        });

        assertThat(settled.value("hookgate_events_accepted_total") - acceptedBefore).isEqualTo(n);
        assertThat(settled.value("hookgate_deliveries_total", "outcome", "delivered") - deliveredBefore)
            .isEqualTo(delivered);
        assertThat(settled.value("hookgate_deliveries_total", "outcome", "retry") - retryBefore).isEqualTo(1);
        for (String outcome : List.of("failed", "parked", "dropped", "requeued")) {
            assertThat(settled.value("hookgate_deliveries_total", "outcome", outcome)).as(outcome).isZero();
        }
        assertThat(settled.value("hookgate_delivery_duration_seconds_count") - triesBefore).as("tries").isEqualTo(n);
        assertThat(settled.value("hookgate_event_to_delivery_seconds_count") - e2dBefore).as("successful deliveries")
            .isEqualTo(delivered);
        assertHistogram(settled, "hookgate_delivery_duration_seconds");
        assertHistogram(settled, "hookgate_event_to_delivery_seconds");

        // The gauges come from stats read every 5 s: wait for a read taken after everything settled.
        Prometheus.Scrape quiet = Await.until("queue gauges: nothing pending, the failed try waiting as a retry",
            Duration.ofSeconds(15), () -> {
                Prometheus.Scrape s = Prometheus.scrape(gateway.managementPort());
                double pending = s.all("hookgate_queue_depth", "stream", "events").stream()
                    .mapToDouble(Prometheus.Sample::value).sum()
                    + s.all("hookgate_queue_depth", "stream", "deliveries").stream().mapToDouble(Prometheus.Sample::value).sum();
                double retries = s.all("hookgate_queue_depth", "stream", "retries").stream()
                    .mapToDouble(Prometheus.Sample::value).sum();
                return pending == 0 && retries == 1 ? s : null;
            });
        for (int p = 0; p < PARTITIONS; p++) {
            String part = Integer.toString(p);
            for (String stream : List.of("events", "deliveries", "retries")) {
                assertThat(quiet.find("hookgate_queue_depth", "stream", stream, "partition", part))
                    .as("depth of %s in partition %s", stream, part).isPresent();
            }
            for (String stream : List.of("events", "deliveries")) {
                assertThat(quiet.value("hookgate_queue_oldest_seconds", "stream", stream, "partition", part))
                    .as("oldest %s in partition %s", stream, part).isZero();
            }
        }
        assertThat(quiet.all("hookgate_queue_depth")).hasSize(3 * PARTITIONS);
        assertThat(quiet.value("hookgate_inflight")).isZero();
        assertThat(quiet.all("hookgate_redis_command_duration_seconds_count")).as("script round trips timed by script")
            .anyMatch(s -> s.labels().get("command").endsWith(":ingest") && s.value() > 0)
            .anyMatch(s -> s.labels().get("command").startsWith("EVALSHA:complete") && s.value() > 0);
        assertThat(quiet.all("hookgate_redis_command_duration_seconds_count"))
            .as("command names as Redis spells them, a script's with its name")
            .allMatch(s -> s.labels().get("command").matches("[A-Z]+(:[a-z_]+)?"));
        assertThat(quiet.all("jvm_memory_used_bytes")).isNotEmpty().anyMatch(s -> s.value() > 0);

        // Bounded labels: nothing that names a project, a webhook or a target.
        List<String> forbidden = List.of(PROJECT, OK_HOOK, FAIL_HOOK, Integer.toString(receiver.port()), "sekret",
            "http:", "/ok", "/fail");
        for (Prometheus.Sample s : quiet.samples()) {
            for (Map.Entry<String, String> label : s.labels().entrySet()) {
                assertThat(forbidden).as("label %s of %s", label, s.name())
                    .noneMatch(f -> label.getValue().contains(f));
            }
        }
    }

    // The repeats use an event no webhook matches, so they cause no delivery that the other test
    // could count.

    @Test
    void idempotentRepeatsByHeaderAreNotCounted() {
        double before = accepted();
        for (int i = 0; i < 3; i++) {
            gateway.call("POST", "/events", event("users.h1.update", "h1").encode(), "X-Appwrite-Project", PROJECT,
                "X-Appwrite-Key", project.key(), "Idempotency-Key", "same-key").expect(202);
        }
        assertThat(accepted() - before).as("one event, sent three times under one Idempotency-Key").isEqualTo(1);
    }

    @Test
    void idempotentRepeatsByEventIdAreNotCounted() {
        double before = accepted();
        for (int i = 0; i < 3; i++) {
            project.send(event("users.h2.update", "h2").put("$id", "metrics-fixed-id").encode()).expect(202);
        }
        assertThat(accepted() - before).as("one event, sent three times with the same $id (docs/operations.md: hookgate_events_"
            + "accepted_total counts no idempotent repeat)").isEqualTo(1);
    }

    // ---------------------------------------------------------------- helpers

    private static double accepted() {
        return Prometheus.scrape(gateway.managementPort()).value("hookgate_events_accepted_total");
    }

    private static long count(String path) {
        return receiver.requests().stream().filter(r -> r.path().equals(path)).count();
    }

    private static JsonObject event(String name, String marker) {
        return new JsonObject().put("event", name).put("payload", new JsonObject().put("n", marker));
    }

    /** Buckets ascend, counts are cumulative, {@code +Inf} equals {@code _count}, the sum is not negative. */
    private static void assertHistogram(Prometheus.Scrape scrape, String name) {
        List<Prometheus.Sample> buckets = new ArrayList<>(scrape.all(name + "_bucket"));
        buckets.sort(Comparator.comparingDouble(b -> Double.parseDouble(b.labels().get("le").replace("+Inf",
            "Infinity"))));
        assertThat(buckets).as("%s buckets", name).hasSizeGreaterThan(10);
        for (int i = 1; i < buckets.size(); i++) {
            assertThat(buckets.get(i).value()).as("%s cumulative at le=%s", name, buckets.get(i).labels().get("le"))
                .isGreaterThanOrEqualTo(buckets.get(i - 1).value());
        }
        Prometheus.Sample inf = buckets.get(buckets.size() - 1);
        assertThat(inf.labels().get("le")).isEqualTo("+Inf");
        double count = scrape.value(name + "_count");
        assertThat(inf.value()).as("%s +Inf bucket equals the count", name).isEqualTo(count);
        assertThat(count).isPositive();
        assertThat(scrape.value(name + "_sum")).isGreaterThanOrEqualTo(0);
    }
}
