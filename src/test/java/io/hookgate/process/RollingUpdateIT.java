package io.hookgate.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.ChildGateway;
import io.hookgate.testsupport.ChildGatewayEnv;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rolling update under load, the way Kubernetes rolls the Deployment ({@code maxSurge: 1},
 * {@code maxUnavailable: 0}): while events flow, each old replica is replaced in turn, a new one
 * started and ready first, then the old one sent SIGTERM. The producer posts through a list of
 * endpoints that, like a Service's, gains a replica once it is ready and loses it once its readiness
 * fails, so posts still reach a replica that has just been sent SIGTERM.
 *
 * <p>Every event answered 202 reaches both webhooks, none twice (a graceful stop hands its work
 * back), and the producer gets no {@code 5xx} but the {@code 503} of a draining replica.
 */
class RollingUpdateIT {
    private static final String PROJECT = "rolling";
    private static final List<String> WEBHOOKS = List.of("wa", "wb");
    private static final int RATE = 40;
    /** An upper bound: the stream stops once the roll is over (60 s at most at this rate). */
    private static final int MAX_EVENTS = 60 * RATE;
    private static final int REPLICAS = 2;
    private static final Duration RECEIVER_DELAY = Duration.ofMillis(100);
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(20);
    /**
     * A try that times out is retried, and the receiver gets it twice: generous on a busy 2-core
     * machine, so that a copy can only come from the roll.
     */
    private static final Map<String, String> ENV = Map.of(
        "HOOKGATE_DELIVERY_TIMEOUT_MS", "10000",
        "HOOKGATE_RECLAIM_IDLE_MS", "30000",
        "HOOKGATE_RETRY_SCHEDULE", "1s,2s,4s,8s");

    @RegisterExtension
    static final ChildGatewayEnv env = ChildGatewayEnv.durable(ENV);

    private Receiver receiver;

    @BeforeEach
    void setUp() {
        receiver = env.receiver();
        // A receiver that takes a moment, as real ones do: tries are under way at each SIGTERM.
        receiver.delay(RECEIVER_DELAY);
    }

    /** One replaced replica: when (ms since the stream started) each step happened. */
    private record Step(String old, String replacement, long readyAtMs, long termAtMs, long unreadyAtMs,
                        long exitedAtMs, int exit) {
    }

    @Test
    @Timeout(240)
    void everyAcceptedEventIsDeliveredThroughARollingUpdate(TestReporter reporter) {
        RedisServer redis = env.redis();
        ChildGateway first = env.start("v1-a");
        Gateway.ProjectClient project = first.project(PROJECT);
        for (String w : WEBHOOKS) {
            Traffic.createWebhook(project, w, receiver.url("/" + w));
        }
        List<ChildGateway> old = new ArrayList<>(List.of(first));
        for (int i = 1; i < REPLICAS; i++) {
            old.add(env.start("v1-" + (char) ('a' + i)));
        }
        List<ChildGateway> endpoints = new CopyOnWriteArrayList<>(old);
        Set<Integer> warm = Set.of(0, 1, 2, 3);
        for (int seq : warm) {
            assertThat(Traffic.post(old.get(seq % old.size()), PROJECT, project.key(), "warm", seq)).isNotNull();
        }
        Traffic.awaitAllDelivered(receiver, "warm", warm, WEBHOOKS, Duration.ofSeconds(20));

        List<Step> steps = new ArrayList<>();
        Traffic.EventStream stream = new Traffic.EventStream("roll", PROJECT, project.key(), () -> endpoints,
            MAX_EVENTS);
        try (stream) {
            stream.start(RATE);
            Await.until("the stream under way", Duration.ofSeconds(10), () -> stream.sent().size() >= RATE);
            for (int i = 0; i < old.size(); i++) {
                ChildGateway leaving = old.get(i);
                ChildGateway replacement = env.start("v2-" + (char) ('a' + i));
                endpoints.add(replacement);
                long readyAt = stream.elapsedMs();
                long termAt = stream.elapsedMs();
                leaving.signalTerm();
                // The endpoints follow readiness, as Kubernetes' do (here polled far more often).
                Await.until(leaving.name() + " unready", EXIT_WITHIN, () -> leaving.readyStatus() != 200);
                endpoints.remove(leaving);
                long unreadyAt = stream.elapsedMs();
                int exit = leaving.awaitExit(EXIT_WITHIN);
                steps.add(new Step(leaving.name(), replacement.name(), readyAt, termAt, unreadyAt,
                    stream.elapsedMs(), exit));
            }
            // Events keep flowing to the new replicas for a while after the roll.
            long rolledAt = stream.elapsedMs();
            Await.until("events after the roll", Duration.ofSeconds(10), () -> stream.elapsedMs() >= rolledAt + 2_000);
            stream.stop();
        }

        Set<Integer> accepted = stream.accepted();
        Traffic.Tally tally = Traffic.awaitAllDelivered(receiver, "roll", accepted, WEBHOOKS, Duration.ofSeconds(60));
        Map<String, Long> settled = Traffic.awaitQueueSettled(redis, PROJECT, WEBHOOKS, Duration.ofSeconds(30));
        tally = Traffic.Tally.of(receiver, "roll");

        Map<String, Step> byOld = steps.stream().collect(Collectors.toMap(Step::old, s -> s));
        // Answers other than 202, by replica, status (or the client's exception) and whether they
        // were sent after the replica's SIGTERM.
        Map<String, Long> others = new TreeMap<>();
        for (Traffic.Sent s : stream.sent()) {
            if (s.status() != 202) {
                Step step = byOld.get(s.replica());
                String when = step != null && s.atMs() >= step.termAtMs() ? "draining" : "serving";
                String answer = s.status() >= 0 ? Integer.toString(s.status())
                    : s.error().replaceAll("^.*CompletionException: ", "").replaceAll("[:(].*", "");
                others.merge(s.replica() + ":" + answer + ":" + when, 1L, Long::sum);
            }
        }
        String numbers = "sent=" + stream.sent().size() + " statuses=" + stream.statuses() + " others=" + others
            + " unanswered=" + stream.unanswered() + " steps=" + steps + " accepted=" + accepted.size()
            + " distinctDelivered=" + tally.distinct() + " requests=" + tally.requests()
            + " duplicates=" + tally.duplicates() + " queue=" + settled + " duplicated=" + tally.duplicatedSummary();
        reporter.publishEntry("numbers", numbers);
        Traffic.report("RollingUpdateIT", numbers);

        assertThat(steps).as("each old replica exited after SIGTERM: %s", numbers)
            .allSatisfy(s -> assertThat(s.exit()).isIn(0, 143));
        assertThat(tally.distinct()).as("every accepted event at both webhooks, and no other (none stored without its 202): %s", numbers)
            .isEqualTo(accepted.size() * WEBHOOKS.size());
        assertThat(tally.duplicates()).as("a rolling update delivers nothing twice: %s", numbers).isZero();
        // A draining replica answers 503 until its drain is over, then its port is closed: a post that
        // was routed to it before the endpoints dropped it may find the port closed (the request was
        // never sent). No answer is cut off half-way, and no other status is given.
        assertThat(others.keySet()).as("answers other than 202: a draining replica's 503 or closed port: %s", numbers)
            .allMatch(k -> k.endsWith(":503:draining") || k.endsWith(":java.net.ConnectException:draining"));
    }
}
