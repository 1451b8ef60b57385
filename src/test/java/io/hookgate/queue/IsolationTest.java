package io.hookgate.queue;

import static io.hookgate.queue.QueueFixture.at;
import static io.hookgate.queue.QueueFixture.awaitAt;
import static io.hookgate.queue.QueueFixture.deliveries;
import static io.hookgate.queue.QueueFixture.event;
import static io.hookgate.queue.QueueFixture.projectId;
import static io.hookgate.queue.QueueFixture.quantile;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Answer;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A slow receiver does not hold up a fast one: both webhooks get the same 300 events; the fast one
 * gets all of them at once while the slow one (5 s per answer) is held to its in-flight cap, its
 * other deliveries waiting in Redis, none lost.
 */
class IsolationTest {
    private static final Logger LOG = LoggerFactory.getLogger(IsolationTest.class);
    private static final int EVENTS = 300;
    private static final int PER_WEBHOOK_CAP = 16;
    private static final Duration SLOW_ANSWER = Duration.ofSeconds(5);

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create();

    @Test
    void aSlowReceiverDoesNotDelayAFastOne() {
        Gateway.ProjectClient p = env.gateway().project(projectId("iso"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            r.respond(req -> req.path().equals("/slow") ? Answer.status(200).withDelay(SLOW_ANSWER) : Answer.status(200));
            p.webhook("slow", r.url("/slow"), "users.*.create");
            p.webhook("fast", r.url("/fast"), "users.*.create");

            Map<String, Long> acceptedAt = new HashMap<>();
            List<String> eventIds = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                String marker = "m" + i;
                eventIds.add(QueueFixture.send(p, event("users.u" + i + ".create", marker)));
                acceptedAt.put(marker, System.nanoTime());
            }
            long lastAccepted = acceptedAt.values().stream().mapToLong(Long::longValue).max().orElseThrow();

            List<RecordedRequest> fast = awaitAt(r, "/fast", EVENTS, Duration.ofSeconds(20));
            assertThat(fast).extracting(QueueFixture::marker).doesNotHaveDuplicates().hasSize(EVENTS);
            long lastFast = fast.stream().mapToLong(RecordedRequest::receivedAtNanos).max().orElseThrow();
            List<Long> latencies = fast.stream()
                .map(x -> (x.receivedAtNanos() - acceptedAt.get(QueueFixture.marker(x))) / 1_000_000).sorted().toList();
            long allFastMs = (lastFast - lastAccepted) / 1_000_000;
            long p50 = quantile(latencies, 0.50);
            long p99 = quantile(latencies, 0.99);
            long max = latencies.get(latencies.size() - 1);
            int slowSoFar = at(r, "/slow").size();
            String measured = String.format("fast webhook: last of %d deliveries %d ms after the last 202; accepted->received"
                + " p50 %d ms, p99 %d ms, max %d ms; slow webhook had received %d by then", EVENTS, allFastMs, p50, p99,
                max, slowSoFar);
            LOG.warn("measured: {}", measured);
            // Held behind the slow webhook, a fast delivery would take 5 s. Bounds with room for a busy
            // machine: a burst beyond the lane's queue waits in Redis for at least 1 s (Lane.deferDelayMs).
            assertThat(allFastMs).as(measured).isLessThan(SLOW_ANSWER.toMillis());
            assertThat(p50).as(measured).isLessThan(250);
            assertThat(p99).as(measured).isLessThan(2_000);

            // The slow webhook is held to its cap until its first answers come back.
            List<RecordedRequest> slow = awaitAt(r, "/slow", 1, Duration.ofSeconds(5));
            long firstSlow = slow.get(0).receivedAtNanos();
            Await.until("slow webhook's first answers", Duration.ofSeconds(10),
                () -> deliveries(p, "slow", "delivered").size() >= PER_WEBHOOK_CAP);
            long beforeFirstAnswer = at(r, "/slow").stream()
                .filter(x -> x.receivedAtNanos() - firstSlow < SLOW_ANSWER.toNanos() - 100_000_000).count();
            assertThat(beforeFirstAnswer).as("slow tries started before the first could answer").isLessThanOrEqualTo(PER_WEBHOOK_CAP);

            // None lost: every event has a record for the slow webhook, waiting or done.
            List<JsonObject> records = deliveries(p, "slow", null);
            assertThat(records).extracting(d -> d.getString("eventId")).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(eventIds);
            Map<String, Long> byStatus = records.stream()
                .collect(Collectors.groupingBy(d -> d.getString("status"), Collectors.counting()));
            LOG.warn("measured: slow webhook {} s after its first try: {} requests received, records by status {}",
                (System.nanoTime() - firstSlow) / 1_000_000_000.0, at(r, "/slow").size(), byStatus);
            assertThat(byStatus.keySet()).as("statuses of the slow webhook's deliveries")
                .isSubsetOf(Set.of("pending", "delivered", "retrying"));
            assertThat(byStatus.get("delivered")).isGreaterThanOrEqualTo((long) PER_WEBHOOK_CAP);
            assertThat(deliveries(p, "fast", null)).hasSize(EVENTS)
                .allSatisfy(d -> assertThat(d.getString("status")).isEqualTo("delivered"));
        }
    }

    @Test
    void webhooksOfTwoProjectsWithTheSameIdDoNotShareTheirCapacity() {
        Gateway.ProjectClient slowProject = env.gateway().project(projectId("isoa"));
        Gateway.ProjectClient fastProject = env.gateway().project(projectId("isob"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            r.respond(req -> req.path().equals("/a") ? Answer.status(200).withDelay(SLOW_ANSWER) : Answer.status(200));
            slowProject.webhook("same", r.url("/a"), "users.*.create");
            fastProject.webhook("same", r.url("/b"), "users.*.create");
            // More than the slow webhook's cap and its lane's queue: the rest of its work is deferred.
            for (int i = 0; i < 3 * PER_WEBHOOK_CAP + 10; i++) {
                QueueFixture.send(slowProject, event("users.u1.create", "a" + i));
            }
            awaitAt(r, "/a", PER_WEBHOOK_CAP, Duration.ofSeconds(5));

            QueueFixture.send(fastProject, event("users.u1.create", "b"));
            long accepted = System.nanoTime();
            RecordedRequest b = awaitAt(r, "/b", 1, Duration.ofSeconds(10)).get(0);
            long ms = (b.receivedAtNanos() - accepted) / 1_000_000;
            LOG.warn("measured: other project's webhook with the same ID got its delivery {} ms after the 202", ms);
            // Sharing the busy webhook's lane, it would wait in Redis for 1 s at least, then longer.
            assertThat(ms).as("ms from 202 to delivery, next to a busy webhook of the same ID in another project")
                .isLessThan(1_000);
        }
    }
}
