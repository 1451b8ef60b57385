package io.hookgate.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.redis.RedisKeys;
import io.hookgate.testsupport.Answer;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.Receiver;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The default failure policy, {@code hold}: a receiver that fails for a while costs no accepted event.
 * Its webhook's circuit opens after a few failed tries; new deliveries are held in Redis, one probe at a
 * time is tried on the retry schedule, and the first success closes the circuit and sends what was held,
 * oldest first, within the webhook's in-flight cap. The webhook stays enabled.
 */
class CircuitTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int CAP = 4;
    private static final Duration ANSWER_DELAY = Duration.ofMillis(150);

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create(Map.of(ConfigKey.RETRY_SCHEDULE, "1s,2s,4s,8s",
        ConfigKey.MAX_IN_FLIGHT_PER_WEBHOOK, Integer.toString(CAP)));

    /**
     * The most tries a receiver had under way at once, from their arrival times: each answer takes
     * {@code answer}, so a try is under way from its arrival until {@code answer} later (a little less is
     * counted, for timer slack).
     */
    private static int atOnce(List<Long> arrivalsNanos, Duration answer) {
        List<Long> sorted = arrivalsNanos.stream().sorted().toList();
        long window = answer.toNanos() - TimeUnit.MILLISECONDS.toNanos(10);
        int most = 0;
        for (int i = 0, from = 0; i < sorted.size(); i++) {
            while (sorted.get(i) - sorted.get(from) >= window) {
                from++;
            }
            most = Math.max(most, i - from + 1);
        }
        return most;
    }

    private static JsonObject event(String marker) {
        return new JsonObject().put("event", "users.u1.create").put("payload", new JsonObject().put("m", marker));
    }

    @Test
    void threeSecondsOf503At50EventsASecondLoseNothing() throws Exception {
        Gateway.ProjectClient p = env.gateway().project("deploy");
        Set<String> taken = ConcurrentHashMap.newKeySet();
        AtomicLong outageEnds = new AtomicLong(Long.MAX_VALUE);
        try (Receiver r = Receiver.start(env.vertx()).await(10, TimeUnit.SECONDS)) {
            r.respond(req -> {
                if (System.nanoTime() < outageEnds.get()) {
                    return Answer.status(503);
                }
                taken.add(req.header("webhook-id"));
                return Answer.status(200);
            });
            p.webhook("hook", r.url("/hook"), "users.*.create");
            outageEnds.set(System.nanoTime() + TimeUnit.SECONDS.toNanos(3));
            int accepted = 0;
            long start = System.nanoTime();
            for (int i = 0; i < 400; i++) {
                // 50 a second: event i is sent at i * 20 ms.
                long due = start + i * 20_000_000L;
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
                p.send(event("e" + i).encode()).expect(202);
                accepted++;
            }
            int all = accepted;
            Await.until("all " + all + " accepted events delivered", WAIT, () -> taken.size() == all);
            assertThat(r.requests().stream().filter(req -> req.header("webhook-id") != null).count())
                .as("tries in all: the held deliveries were not each tried during the outage")
                .isLessThan(all + 100);
            JsonObject w = Await.until("the webhook healthy again", WAIT, () -> {
                JsonObject hook = p.get("hook");
                return "healthy".equals(hook.getString("status")) ? hook : null;
            });
            assertThat(w.getBoolean("enabled")).isTrue();
            assertThat(w.getInteger("attempts")).isZero();
            assertThat(w.getString("failingSince")).isEmpty();
        }
    }

    @Test
    void heldDeliveriesDrainOldestFirstWithinTheCapAnd429SlowsTheDrain() throws Exception {
        Gateway.ProjectClient p = env.gateway().project("drain");
        Set<String> taken = ConcurrentHashMap.newKeySet();
        AtomicInteger phase = new AtomicInteger(0);
        List<String> arrivals = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Long> arrivedAt = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger triedDuring429 = new AtomicInteger();
        try (Receiver r = Receiver.start(env.vertx()).await(10, TimeUnit.SECONDS)) {
            r.respond(req -> switch (phase.get()) {
                case 0 -> Answer.status(503);
                case 1 -> {
                    triedDuring429.incrementAndGet();
                    yield Answer.status(429).withHeader("Retry-After", "1");
                }
                default -> {
                    taken.add(req.header("webhook-id"));
                    arrivals.add(req.header("webhook-id"));
                    arrivedAt.add(req.receivedAtNanos());
                    // Slow enough that the cap is reached: the drain goes CAP at a time.
                    yield Answer.status(200).withDelay(ANSWER_DELAY);
                }
            });
            p.webhook("slowly", r.url("/slowly"), "users.*.create");
            for (int i = 0; i < 40; i++) {
                p.send(event(String.format("h%03d", i)).encode()).expect(202);
            }
            // The circuit opens and the rest is held.
            Await.until("held deliveries", WAIT, () -> !QueueFixture.deliveries(p, "slowly", "held").isEmpty());
            JsonObject failing = p.get("slowly");
            assertThat(failing.getString("status")).isEqualTo("failing");
            assertThat(failing.getString("failingSince")).isNotEmpty();

            // While the receiver says 429, the held deliveries are not all thrown at it.
            phase.set(1);
            Await.until("a probe met the 429", WAIT, () -> triedDuring429.get() > 0);
            int heldThen = QueueFixture.deliveries(p, "slowly", "held").size();
            assertThat(heldThen).as("still held while the receiver asks to slow down").isGreaterThan(20);
            assertThat(triedDuring429.get()).as("tries while 429").isLessThanOrEqualTo(5);

            // The held ones, oldest first (those that failed before the circuit opened keep their own retries).
            List<String> held = QueueFixture.deliveries(p, "slowly", "held").stream()
                .sorted(java.util.Comparator.comparing((JsonObject d) -> d.getString("$createdAt"))
                    .thenComparing(d -> d.getString("$id")))
                .map(d -> d.getString("$id")).toList();
            phase.set(2);
            Await.until("all 40 delivered", WAIT, () -> taken.size() == 40);
            assertThat(atOnce(arrivedAt, ANSWER_DELAY)).as("tries in flight at once").isLessThanOrEqualTo(CAP);
            // Drained oldest first: no held delivery arrives ahead of more than CAP - 1 older held ones
            // (CAP are under way at once, and may arrive in any order among themselves).
            List<String> order = arrivals.stream().filter(held::contains).toList();
            assertThat(order).containsExactlyInAnyOrderElementsOf(held);
            for (int i = 0; i < order.size(); i++) {
                int rank = held.indexOf(order.get(i));
                long olderLater = order.subList(i + 1, order.size()).stream().filter(id -> held.indexOf(id) < rank)
                    .count();
                assertThat(olderLater).as("older held deliveries arriving after #%d in %s", rank, order)
                    .isLessThan(CAP);
            }
            Await.until("healthy again", WAIT, () -> "healthy".equals(p.get("slowly").getString("status")));
        }
    }

    /**
     * A failover can lose the write that opened a circuit (only accepting an event waits for a replica's
     * copy) while every replica's index still has it open: fan-out holds, then the index reloads the closed
     * circuit, and no success will close it again to send what was held. Here the open state is taken out
     * of Redis behind the gateway's back, as the failover would, and the held deliveries still go out.
     */
    @Test
    void heldDeliveriesOfACircuitClosedBehindTheGatewaysBackGoOut() throws Exception {
        Gateway.ProjectClient p = env.gateway().project("stale");
        Set<String> taken = ConcurrentHashMap.newKeySet();
        AtomicInteger phase = new AtomicInteger(0);
        try (Receiver r = Receiver.start(env.vertx()).await(10, TimeUnit.SECONDS)) {
            r.respond(req -> {
                if (phase.get() == 0) {
                    return Answer.status(503);
                }
                taken.add(req.header("webhook-id"));
                return Answer.status(200);
            });
            p.webhook("lost", r.url("/lost"), "users.*.create");
            for (int i = 0; i < 20; i++) {
                p.send(event("s" + i).encode()).expect(202);
            }
            Await.until("held deliveries", WAIT, () -> !QueueFixture.deliveries(p, "lost", "held").isEmpty());

            // The failover's loss: the webhook as it was before its circuit opened, announced as a change.
            env.redis().command("HSET", RedisKeys.webhook(p.projectId(), "lost"), "attempts", "0", "failingSince", "0", "circuit", "", "probes", "0");
            phase.set(1);
            String version = env.redis().command("GET", RedisKeys.version(p.projectId()));
            env.redis().command("PUBLISH", RedisKeys.CHANGES, "w " + p.projectId() + " lost " + version);

            Await.until("all 20 delivered", WAIT, () -> taken.size() == 20);
            Await.until("nothing held", WAIT, () -> QueueFixture.deliveries(p, "lost", "held").isEmpty());
            assertThat(p.get("lost").getString("status")).isEqualTo("healthy");
        }
    }

    @Test
    void severalReplicasShareTheCircuitOneProbeAtATime() throws Exception {
        try (Gateway second = Gateway.start(env.redis().url(), Map.of(ConfigKey.RETRY_SCHEDULE, "1s,1s,1s,1s,1s,1s",
                 ConfigKey.MAX_IN_FLIGHT_PER_WEBHOOK, Integer.toString(CAP)));
             Receiver r = Receiver.start(env.vertx()).await(10, TimeUnit.SECONDS)) {
            Gateway.ProjectClient a = env.gateway().project("shared");
            Gateway.ProjectClient b = new Gateway.ProjectClient(second, a.projectId(), a.key());
            AtomicLong opened = new AtomicLong(Long.MAX_VALUE);
            List<Long> probes = java.util.Collections.synchronizedList(new ArrayList<>());
            r.respond(req -> {
                if (req.receivedAtNanos() > opened.get()) {
                    probes.add(req.receivedAtNanos());
                }
                return Answer.status(503).withDelay(ANSWER_DELAY);
            });
            a.webhook("one", r.url("/one"), "users.*.create");
            for (int i = 0; i < 30; i++) {
                (i % 2 == 0 ? a : b).send(event("s" + i).encode()).expect(202);
            }
            Await.until("the circuit open", WAIT, () -> "failing".equals(a.get("one").getString("status"))
                && !QueueFixture.deliveries(a, "one", "held").isEmpty());
            // Tries under way when it opened end within their answer's delay; from then on, probes only.
            opened.set(System.nanoTime() + ANSWER_DELAY.toNanos() * 2);
            Await.until("probes from both replicas", WAIT, () -> probes.size() >= 3);
            assertThat(atOnce(probes, ANSWER_DELAY)).as("tries at once against a receiver whose circuit is open")
                .isEqualTo(1);
        }
    }
}
