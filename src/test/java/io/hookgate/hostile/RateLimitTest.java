package io.hookgate.hostile;

import static io.hookgate.hostile.FullPath.fresh;
import static io.hookgate.testsupport.AppwriteError.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The per-project ingestion limit (a token bucket in Redis) at 5 events a second with a burst of 10:
 * the burst passes, the next event is a 429 with {@code Retry-After}; a batch takes all its tokens or
 * none, so a refused batch leaves no trace; tokens come back with time; replicas share one bucket;
 * projects do not; rate 0 switches the limit off.
 */
class RateLimitTest {
    private static final int RATE = 5;
    private static final int BURST = 10;
    private static final Duration DELIVERY = Duration.ofSeconds(10);
    private static final Map<ConfigKey, String> LIMITS = Map.of(
        ConfigKey.INGEST_RATE_PER_SECOND, String.valueOf(RATE),
        ConfigKey.INGEST_BURST, String.valueOf(BURST),
        ConfigKey.MAX_BATCH_EVENTS, String.valueOf(BURST));

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create(LIMITS);

    private static ExecutorService pool;

    @BeforeAll
    static void start() {
        pool = Executors.newFixedThreadPool(24);
    }

    @AfterAll
    static void stop() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    private static String event(String name) {
        return "{\"event\":\"" + name + "\",\"payload\":{\"n\":\"" + name + "\"}}";
    }

    /** A batch of {@code n} events {@code <prefix>0.create ...}, each with the $id {@code <idPrefix>i} when given. */
    private static String batch(int n, String type, String idPrefix) {
        JsonArray events = new JsonArray();
        for (int i = 0; i < n; i++) {
            JsonObject e = new JsonObject().put("event", type + ".x" + i + ".create").put("payload", new JsonObject().put("i", i));
            if (idPrefix != null) {
                e.put("$id", idPrefix + i);
            }
            events.add(e);
        }
        return new JsonObject().put("events", events).encode();
    }

    /** Runs the calls at once (each on its own thread); answers the replies in call order. */
    private static List<Gateway.Reply> together(List<Supplier<Gateway.Reply>> calls) {
        List<Future<Gateway.Reply>> futures = calls.stream().map(c -> pool.submit(c::get)).toList();
        List<Gateway.Reply> replies = new ArrayList<>();
        for (Future<Gateway.Reply> f : futures) {
            try {
                replies.add(f.get(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            } catch (ExecutionException | TimeoutException e) {
                throw new AssertionError("a concurrent request failed: " + e, e);
            }
        }
        return replies;
    }

    private static List<Gateway.Reply> singles(Gateway.ProjectClient p, int n) {
        return together(IntStream.range(0, n).<Supplier<Gateway.Reply>>mapToObj(i -> () -> p.send(event("teams.t" + i + ".create")))
            .toList());
    }

    private static long accepted(List<Gateway.Reply> replies) {
        return replies.stream().filter(r -> r.status() == 202).count();
    }

    private static List<Integer> statuses(List<Gateway.Reply> replies) {
        return replies.stream().map(Gateway.Reply::status).collect(Collectors.toList());
    }

    /** Tokens refilled in {@code nanos}, rounded down. */
    private static long refill(long nanos) {
        return RATE * nanos / 1_000_000_000L;
    }

    /** A 429 in Appwrite's shape whose Retry-After is a whole number of seconds; answers it. */
    private static long assertRateLimited(Gateway.Reply reply) {
        assertError(reply, 429, "general_rate_limit_exceeded");
        String retryAfter = reply.header("Retry-After");
        assertThat(retryAfter).as("Retry-After of %s", reply.body()).isNotNull().matches("[0-9]+");
        long seconds = Long.parseLong(retryAfter);
        assertThat(seconds).as("Retry-After").isGreaterThanOrEqualTo(1);
        return seconds;
    }

    @Test
    void theBurstIsAcceptedAndTheNextEventIsA429WithRetryAfter() {
        Gateway.ProjectClient p = env.gateway().project(fresh("burst"));
        long t0 = System.nanoTime();

        List<Gateway.Reply> burst = singles(p, BURST);
        assertThat(statuses(burst)).as("the first %d events, sent at once", BURST).containsOnly(202);

        // The 11th is refused unless time has refilled a token meanwhile (200 ms at 5/s); then the
        // one after it, and so on: no more than the refill ever gets through.
        List<Gateway.Reply> after = new ArrayList<>();
        Gateway.Reply refused = null;
        for (int i = 0; i < 20 && refused == null; i++) {
            Gateway.Reply r = p.send(event("teams.more" + i + ".create"));
            after.add(r);
            if (r.status() != 202) {
                refused = r;
            }
        }
        long elapsed = System.nanoTime() - t0;
        assertThat(refused).as("a refusal after the burst: %s", statuses(after)).isNotNull();
        assertThat(accepted(after)).as("accepted after the burst within %d ms", elapsed / 1_000_000)
            .isLessThanOrEqualTo(refill(elapsed));
        // One token is at most 200 ms away at 5/s: Retry-After is the whole second above it.
        assertThat(assertRateLimited(refused)).isEqualTo(1);
    }

    @Test
    void aRefusedBatchTakesNoTokensAndStoresNothing() {
        Gateway.ProjectClient p = env.gateway().project(fresh("batch"));
        try (Receiver receiver = Receiver.start(env.gateway().vertx()).await()) {
            p.webhook("wh", receiver.url("/in"), "users.*.create");
            String five = batch(5, "users", "b5-");

            long t0 = System.nanoTime();
            p.send(batch(8, "teams", null)).expect(202);
            Gateway.Reply refused = p.send(five);
            long elapsed = System.nanoTime() - t0;

            // 2 tokens were left (plus 5/s of refill, 600 ms until a third would make 5): too few.
            assertThat(refused.status()).as("batch of 5 with 2 tokens left, %d ms after the drain", elapsed / 1_000_000)
                .isEqualTo(429);
            assertRateLimited(refused);
            // The refused batch took none of the 2: two single events still pass right away.
            assertThat(statuses(singles(p, 2))).as("singles after the refused batch").containsOnly(202);
            // And none of its events was stored: no delivery, no delivery record.
            receiver.assertCountStays(0, Duration.ofMillis(500));
            JsonObject deliveries = p.call("GET", "/webhooks/wh/deliveries", null).expect(200).json();
            assertThat(deliveries.getJsonArray("deliveries")).as("deliveries after the refused batch").isEmpty();

            // Once the tokens are back the same batch (same $ids) goes through whole, exactly once.
            Gateway.Reply accepted = Await.until("the batch of 5 accepted", Duration.ofSeconds(10), () -> {
                Gateway.Reply r = p.send(five);
                return r.status() == 202 ? r : null;
            });
            assertThat(accepted.json().getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("$id")))
                .containsExactly("b5-0", "b5-1", "b5-2", "b5-3", "b5-4");
            receiver.awaitCount(5, DELIVERY);
            List<RecordedRequest> got = receiver.assertCountStays(5, Duration.ofMillis(300));
            assertThat(got.stream().map(RecordedRequest::bodyString))
                .containsExactlyInAnyOrder("{\"i\":0}", "{\"i\":1}", "{\"i\":2}", "{\"i\":3}", "{\"i\":4}");
        }
    }

    @Test
    void aBatchWaitsForAllItsTokens() {
        Gateway.ProjectClient p = env.gateway().project(fresh("wait"));
        long t0 = System.nanoTime();
        p.send(batch(BURST, "teams", null)).expect(202);

        Gateway.Reply refused = p.send(batch(BURST, "teams", null));
        long elapsed = System.nanoTime() - t0;

        // 10 tokens at 5/s are about 2 s away; Retry-After says so, not just "1".
        assertThat(refused.status()).as("second batch, %d ms after the first", elapsed / 1_000_000).isEqualTo(429);
        assertThat(assertRateLimited(refused)).isEqualTo(2);
    }

    @Test
    void tokensComeBackAtTheConfiguredRate() {
        Gateway.ProjectClient p = env.gateway().project(fresh("refill"));
        long drained = System.nanoTime();
        p.send(batch(BURST, "teams", null)).expect(202);
        assertRateLimited(p.send(event("teams.t1.create")));

        Await.until("one event accepted again", Duration.ofSeconds(5), () -> p.send(event("teams.t2.create")).status() == 202);
        long one = System.nanoTime() - drained;
        // A token takes 1/5 s to come back (the bucket reads Redis's clock; allow its ms rounding).
        assertThat(one / 1_000_000).as("ms until one token is back").isGreaterThanOrEqualTo(180);

        Await.until("a full batch accepted again", Duration.ofSeconds(10),
            () -> p.send(batch(BURST, "teams", null)).status() == 202);
        long full = System.nanoTime() - drained;
        // 10 tokens after one was spent at ~0.2 s: about 2.2 s after the drain.
        assertThat(full / 1_000_000).as("ms until the bucket is full").isGreaterThanOrEqualTo(1_900);
    }

    @Test
    void twoGatewaysOnOneRedisShareOneBucket() {
        try (Gateway second = Gateway.start(env.redis().url(), LIMITS)) {
            Gateway.ProjectClient onFirst = env.gateway().project(fresh("shared"));
            Gateway.ProjectClient onSecond = new Gateway.ProjectClient(second, onFirst.projectId(), onFirst.key());
            Gateway.ProjectClient mixedFirst = env.gateway().project(fresh("mixed"));
            Gateway.ProjectClient mixedSecond = new Gateway.ProjectClient(second, mixedFirst.projectId(), mixedFirst.key());
            Await.until("the second gateway knows both projects", Duration.ofSeconds(10),
                () -> onSecond.call("GET", "/webhooks", null).status() == 200
                    && mixedSecond.call("GET", "/webhooks", null).status() == 200);

            // 6 on the first gateway, then 10 on the second: only the 4 left (plus refill) pass there.
            long t0 = System.nanoTime();
            assertThat(statuses(singles(onFirst, 6))).containsOnly(202);
            List<Gateway.Reply> there = singles(onSecond, BURST);
            long elapsed = System.nanoTime() - t0;
            assertThat(statuses(there)).containsOnly(202, 429);
            assertThat(accepted(there)).as("accepted by the second gateway after 6 on the first, within %d ms",
                elapsed / 1_000_000).isBetween(4L, 4 + refill(elapsed) + 1);

            // Both gateways at once, interleaved: the sum stays within one bucket.
            long t1 = System.nanoTime();
            List<Supplier<Gateway.Reply>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                Gateway.ProjectClient c = i % 2 == 0 ? mixedFirst : mixedSecond;
                String name = "teams.m" + i + ".create";
                calls.add(() -> c.send(event(name)));
            }
            List<Gateway.Reply> mixed = together(calls);
            long window = System.nanoTime() - t1;
            assertThat(statuses(mixed)).containsOnly(202, 429);
            assertThat(accepted(mixed)).as("accepted by both gateways together within %d ms", window / 1_000_000)
                .isBetween((long) BURST, BURST + refill(window) + 1);
            mixed.stream().filter(r -> r.status() == 429).forEach(RateLimitTest::assertRateLimited);
        }
    }

    @Test
    void anotherProjectHasItsOwnBucket() {
        Gateway.ProjectClient drained = env.gateway().project(fresh("own1"));
        Gateway.ProjectClient other = env.gateway().project(fresh("own2"));
        drained.send(batch(BURST, "teams", null)).expect(202);
        assertRateLimited(drained.send(batch(BURST, "teams", null)));

        other.send(batch(BURST, "teams", null)).expect(202);
        assertThat(env.redis().keys("hg:{p:" + other.projectId() + "}:rate")).hasSize(1);
    }

    @Test
    void rateZeroMeansNoLimit() {
        try (Gateway unlimited = Gateway.start(env.redis().url(), Map.of(
                ConfigKey.INGEST_RATE_PER_SECOND, "0",
                ConfigKey.INGEST_BURST, String.valueOf(BURST),
                ConfigKey.MAX_BATCH_EVENTS, String.valueOf(BURST)))) {
            Gateway.ProjectClient p = unlimited.project(fresh("free"));
            for (int i = 0; i < 5; i++) {
                p.send(batch(BURST, "teams", null)).expect(202);
            }
            assertThat(statuses(singles(p, 20))).containsOnly(202);
            // 70 events, far above burst + rate * elapsed of the limited gateways, and no bucket at all.
            assertThat(env.redis().keys("hg:{p:" + p.projectId() + "}:rate")).isEmpty();
        }
    }
}
