package io.hookgate.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.ChildGateway;
import io.hookgate.testsupport.ChildGatewayEnv;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis (append-only, fsync always) is SIGKILLed in the middle of a steady stream of events through
 * two replicas and restarted on the same data two seconds later. While it is down the gateways say
 * so (readiness 503, events 503: not accepted); they never die; and every event answered 202 before,
 * during or after the outage reaches both webhooks.
 */
class RedisCrashIT {
    private static final String PROJECT = "rcrash";
    private static final List<String> WEBHOOKS = List.of("wa", "wb");
    private static final int RATE = 40;
    private static final int EVENTS = 360;
    private static final long KILL_AT_MS = 3_000;
    private static final long DOWN_MS = 2_000;
    private static final Map<String, String> ENV = Map.of(
        "HOOKGATE_DELIVERY_TIMEOUT_MS", "2000",
        "HOOKGATE_RECLAIM_IDLE_MS", "17000",
        "HOOKGATE_RETRY_SCHEDULE", "1s,2s,4s,8s");

    @RegisterExtension
    static final ChildGatewayEnv env = ChildGatewayEnv.durable(ENV);

    private Receiver receiver;

    @BeforeEach
    void setUp() {
        receiver = env.receiver();
        receiver.delay(Duration.ofMillis(20));
    }

    @Test
    @Timeout(150)
    void everyAcceptedEventSurvivesARedisCrash(TestReporter reporter) {
        ChildGateway first = env.start("rd-a");
        Gateway.ProjectClient project = first.project(PROJECT);
        for (String w : WEBHOOKS) {
            Traffic.createWebhook(project, w, receiver.url("/" + w));
        }
        // Started after the set-up, so it loads the webhooks with its index (see ReplicaCrashIT).
        ChildGateway second = env.start("rd-b");
        run(env.redis(), List.of(first, second), project.key(), reporter);
    }

    private void run(RedisServer redis, List<ChildGateway> gws, String key, TestReporter reporter) {
        Set<Integer> warm = IntStream.range(0, 4).boxed().collect(Collectors.toSet());
        for (int seq : warm) {
            assertThat(Traffic.post(gws.get(seq % gws.size()), PROJECT, key, "warm", seq)).isNotNull();
        }
        Traffic.awaitAllDelivered(receiver, "warm", warm, WEBHOOKS, Duration.ofSeconds(20));

        long killedAtMs;
        long restartedAtMs;
        long readyAgainAtMs;
        long notReadyAfterMs;
        Traffic.EventStream stream = new Traffic.EventStream("run", PROJECT, key, gws, EVENTS);
        try (stream) {
            stream.start(RATE);
            Await.until("the stream to run " + KILL_AT_MS + " ms", Duration.ofSeconds(10),
                () -> stream.elapsedMs() >= KILL_AT_MS);
            redis.kill();
            killedAtMs = stream.elapsedMs();
            Await.until("every gateway not ready while Redis is down", Duration.ofMillis(DOWN_MS + 3_000),
                () -> gws.stream().allMatch(g -> g.readyStatus() == 503));
            notReadyAfterMs = stream.elapsedMs() - killedAtMs;
            assertThat(notReadyAfterMs).as("readiness turned 503 while Redis was still down").isLessThan(DOWN_MS);
            // The outage itself: Redis stays down for DOWN_MS, whatever the gateways do meanwhile.
            Await.until("Redis down for " + DOWN_MS + " ms", Duration.ofSeconds(10),
                () -> stream.elapsedMs() - killedAtMs >= DOWN_MS);
            redis.restart();
            restartedAtMs = stream.elapsedMs();
            Await.until("every gateway ready again", Duration.ofSeconds(30),
                () -> gws.stream().allMatch(g -> g.readyStatus() == 200));
            readyAgainAtMs = stream.elapsedMs();
            Await.until("all " + EVENTS + " events sent", Duration.ofSeconds(30), () -> stream.sent().size() >= EVENTS);
            stream.stop();
        }
        assertThat(gws).as("gateways alive after the Redis crash").allMatch(ChildGateway::isAlive);

        Set<Integer> accepted = stream.accepted();
        List<Traffic.Sent> sent = stream.sent();
        long acceptedBefore = sent.stream().filter(s -> s.status() == 202 && s.atMs() < killedAtMs).count();
        long acceptedAfter = sent.stream().filter(s -> s.status() == 202 && s.atMs() > readyAgainAtMs).count();
        long unavailableWhileDown = sent.stream()
            .filter(s -> s.status() == 503 && s.atMs() > killedAtMs && s.atMs() < restartedAtMs).count();
        assertThat(acceptedBefore).as("events accepted before the crash").isPositive();
        assertThat(acceptedAfter).as("events accepted after Redis came back").isPositive();
        assertThat(unavailableWhileDown).as("events answered 503 while Redis was down").isPositive();

        long waitStart = System.nanoTime();
        Traffic.awaitAllDelivered(receiver, "run", accepted, WEBHOOKS, Duration.ofSeconds(60));
        long completeAfterMs = (System.nanoTime() - waitStart) / 1_000_000;
        Map<String, Long> settledState = Traffic.awaitQueueSettled(redis, PROJECT, WEBHOOKS, Duration.ofSeconds(60));
        long drainedAfterMs = (System.nanoTime() - waitStart) / 1_000_000;
        Traffic.Tally tally = Traffic.Tally.of(receiver, "run");
        assertThat(gws).as("gateways alive at the end").allMatch(ChildGateway::isAlive);

        String numbers = "sent=" + EVENTS + " statuses=" + stream.statuses() + " accepted=" + accepted.size()
            + " (before crash " + acceptedBefore + ", after ready again " + acceptedAfter + ")"
            + " 503WhileDown=" + unavailableWhileDown + " expectedDeliveries=" + accepted.size() * WEBHOOKS.size()
            + " distinctDelivered=" + tally.distinct() + " requests=" + tally.requests()
            + " duplicates=" + tally.duplicates() + " (repeatedTries=" + tally.repeatedTries()
            + ", repeatedFanouts=" + tally.repeatedFanouts() + ")"
            + " killedAtMs=" + killedAtMs + " notReadyAfterMs=" + notReadyAfterMs + " restartedAtMs=" + restartedAtMs
            + " readyAgainAtMs=" + readyAgainAtMs + " allDeliveredAfterStreamEndMs=" + completeAfterMs
            + " queueSettledAfterStreamEndMs=" + drainedAfterMs + " queue=" + settledState
            + " maxCopiesOfOneDelivery=" + tally.maxCopies()
            + " duplicated=" + tally.duplicatedSummary();
        reporter.publishEntry("numbers", numbers);
        Traffic.report("RedisCrashIT", numbers);
        assertThat(tally.repeatedFanouts()).as("an event fanned out twice: %s", numbers).isZero();
        if (Traffic.STRICT) {
            // Known bug: after a read failure the pump re-reads its own pending entries from "0" in a
            // loop and sends the tries it already has under way again, many times each.
            assertThat(tally.maxCopies()).as("a try under way at the crash is repeated at most once: %s", numbers)
                .isLessThanOrEqualTo(2);
        }
    }
}
