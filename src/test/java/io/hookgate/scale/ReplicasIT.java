package io.hookgate.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.ChildGateway;
import io.hookgate.testsupport.ChildGatewayEnv;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.Prometheus;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicas add capacity: one, then two, then three gateway processes on one Redis, one fast
 * receiver, one webhook. For each replica count a fixed number of events goes in through all the
 * replicas' APIs; every one is delivered exactly once (no duplicate {@code webhook-id}: the
 * consumer group hands each entry to one replica), and each replica makes a fair part of the
 * deliveries (its own {@code hookgate_deliveries_total{outcome="delivered"}}). The deliveries per
 * second of each round are reported, not asserted: the test machine may have only two cores for
 * all the processes.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ReplicasIT {
    private static final int EVENTS = 3_000;
    private static final int BATCH = 100;
    private static final Duration ROUND_LIMIT = Duration.ofSeconds(60);
    private static final String PROJECT = "replicas";
    private static final Logger REPORT = LoggerFactory.getLogger("io.hookgate.scale.report");
    /** Series read from each replica: name, then label pairs. */
    private static final String[] DELIVERED = {"hookgate_deliveries_total", "outcome", "delivered"};
    private static final String[] DEFERRED = {"hookgate_deliveries_total", "outcome", "deferred"};
    private static final String[] TRY_COUNT = {"hookgate_delivery_duration_seconds_count"};
    private static final String[] TRY_SUM = {"hookgate_delivery_duration_seconds_sum"};
    private static final String[] E2D_COUNT = {"hookgate_event_to_delivery_seconds_count"};
    private static final String[] E2D_SUM = {"hookgate_event_to_delivery_seconds_sum"};

    @RegisterExtension
    static final ChildGatewayEnv env = ChildGatewayEnv.create(Map.of(
        "HOOKGATE_INGEST_RATE_PER_SECOND", "0",
        "HOOKGATE_QUEUE_PARTITIONS", "4"));

    @Test
    void eachReplicaTakesAFairShareAndNothingIsDeliveredTwice(TestReporter reporter) {
        List<ChildGateway> replicas = new ArrayList<>();
        List<String> report = new ArrayList<>();
        Receiver receiver = env.receiver();
        String key = null;
        for (int k = 1; k <= 3; k++) {
            replicas.add(env.start("r" + k));
            if (key == null) {
                Gateway.ProjectClient project = replicas.get(0).project(PROJECT);
                key = project.key();
                project.webhook("fast", receiver.url("/fast"), "users.*.create");
            }
            report.add(round(k, replicas, receiver, key));
        }
        String text = String.join("\n", report);
        reporter.publishEntry("replicas", text);
        // The numbers are the point of this test: shown whatever level logback-test.xml sets.
        ((ch.qos.logback.classic.Logger) REPORT).setLevel(ch.qos.logback.classic.Level.INFO);
        REPORT.info("throughput with 1, 2, 3 replicas (reported, not asserted):\n{}", text);
        Path out = Path.of("target", "scale-report", "replicas.txt");
        try {
            Files.createDirectories(out.getParent());
            Files.writeString(out, text + "\n");
        } catch (IOException e) {
            // The report entry above carries the same numbers.
        }
    }

    /** Sends {@link #EVENTS} events spread over the replicas' APIs, waits for all, checks the shares. */
    private static String round(int k, List<ChildGateway> replicas, Receiver receiver, String key) {
        receiver.clearRequests();
        Map<String, Prometheus.Scrape> before = scrape(replicas);
        String tag = "k" + k + "-";
        long started = System.nanoTime();
        for (int b = 0; b < EVENTS / BATCH; b++) {
            List<JsonObject> events = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                int n = b * BATCH + i;
                events.add(new JsonObject().put("event", "users.u" + n + ".create")
                    .put("payload", new JsonObject().put("n", tag + n)));
            }
            replicas.get(b % k).call("POST", "/events", new JsonObject().put("events", new JsonArray(events)).encode(),
                "X-Appwrite-Project", PROJECT, "X-Appwrite-Key", key).expect(202);
        }
        long sentNanos = System.nanoTime() - started;
        receiver.awaitCount(EVENTS, ROUND_LIMIT);
        long deliveredNanos = System.nanoTime() - started;
        List<RecordedRequest> got = receiver.assertCountStays(EVENTS, Duration.ofSeconds(1));

        Map<String, Long> perDeliveryId = got.stream().collect(Collectors.groupingBy(r -> r.header("webhook-id"),
            Collectors.counting()));
        assertThat(perDeliveryId).as("deliveries by webhook-id, %d replica(s)", k).hasSize(EVENTS);
        assertThat(got.stream().map(r -> r.bodyJson().getString("n")).distinct().filter(m -> m.startsWith(tag)).count())
            .as("distinct events delivered, %d replica(s)", k).isEqualTo(EVENTS);

        Map<String, Prometheus.Scrape> after = Await.until("every delivery counted by a replica", Duration.ofSeconds(10),
            () -> {
                Map<String, Prometheus.Scrape> now = scrape(replicas);
                return sum(delta(before, now, DELIVERED)) >= EVENTS ? now : null;
            });
        Map<String, Double> shares = delta(before, after, DELIVERED);
        assertThat(sum(shares)).as("deliveries counted by the replicas").isEqualTo(EVENTS);
        double fair = k == 1 ? 1.0 : k == 2 ? 0.15 : 0.10;
        for (Map.Entry<String, Double> s : shares.entrySet()) {
            assertThat(s.getValue() / EVENTS).as("share of %s with %d replica(s): %s", s.getKey(), k, shares)
                .isGreaterThanOrEqualTo(fair);
        }
        double tries = sum(delta(before, after, TRY_COUNT));
        double meanTryMs = 1000 * sum(delta(before, after, TRY_SUM)) / tries;
        double meanLatencyMs = 1000 * sum(delta(before, after, E2D_SUM)) / sum(delta(before, after, E2D_COUNT));
        return String.format(Locale.ROOT, "%d replica(s): %d deliveries in %.2f s = %.0f deliveries/s (ingest took"
                + " %.2f s); shares %s; mean try %.1f ms, mean event-to-delivery %.0f ms, deferred to Redis %.0f times",
            k, EVENTS, deliveredNanos / 1e9, EVENTS / (deliveredNanos / 1e9), sentNanos / 1e9,
            shares.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s=%.1f%%", e.getKey(),
                100 * e.getValue() / EVENTS)).collect(Collectors.joining(", ")),
            meanTryMs, meanLatencyMs, sum(delta(before, after, DEFERRED)));
    }

    /** Each replica's {@code /metrics}, by replica name. */
    private static Map<String, Prometheus.Scrape> scrape(List<ChildGateway> replicas) {
        Map<String, Prometheus.Scrape> out = new TreeMap<>();
        for (ChildGateway p : replicas) {
            out.put(p.name(), p.metrics());
        }
        return out;
    }

    /** Per replica, how much one series grew between two scrapes (a replica new since {@code before} from 0). */
    private static Map<String, Double> delta(Map<String, Prometheus.Scrape> before, Map<String, Prometheus.Scrape> after,
                                             String[] series) {
        String[] labels = Arrays.copyOfRange(series, 1, series.length);
        Map<String, Double> out = new TreeMap<>();
        after.forEach((name, s) -> out.put(name, s.value(series[0], labels)
            - (before.containsKey(name) ? before.get(name).value(series[0], labels) : 0.0)));
        return out;
    }

    private static double sum(Map<String, Double> values) {
        return values.values().stream().mapToDouble(Double::doubleValue).sum();
    }
}
