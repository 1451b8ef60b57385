package io.hookgate.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Bounded;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.Prometheus;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.hookgate.testsupport.RedisServer;
import io.hookgate.testsupport.Teardown;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Redis at {@code maxmemory} with {@code noeviction} refuses writes: the gateway answers 503 to new
 * events, and every event it answered 202 is still delivered once Redis has room again. With an
 * evicting policy the same would drop accepted events silently (see {@code EvictionPolicyTest}).
 */
class FullRedisTest {
    /** Payload per event: a few megabytes of room fill up in a hundred or so events. */
    private static final int PAD_BYTES = 32 * 1024;
    private static final long ROOM_BYTES = 4L << 20;
    private static final int MAX_REQUESTS = 2_000;
    private static final int REFUSALS_WANTED = 5;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aFullRedisRefusesNewEventsWith503AndLosesNoAcceptedOne() throws Exception {
        RedisServer redis = RedisServer.start(RedisServer.Options.defaults().withExtraArgs(
            "--maxmemory-policy", "noeviction"));
        Vertx vertx = Vertx.vertx();
        Gateway gw = null;
        try (Receiver receiver = Receiver.start(vertx).await(10, TimeUnit.SECONDS)) {
            // Work left half-done by a refused write is taken over quickly; failed tries retry within a second.
            gw = Bounded.call("gateway start", Duration.ofSeconds(60), () -> Gateway.start(redis.url(), Map.of(
                ConfigKey.INGEST_RATE_PER_SECOND, "0", ConfigKey.DELIVERY_TIMEOUT_MS, "1000",
                ConfigKey.RECLAIM_IDLE_MS, "16000", ConfigKey.RETRY_SCHEDULE, "1s")));
            Gateway.ProjectClient project = gw.project(QueueFixture.projectId("full"));
            project.webhook("w", receiver.url("/full"), "users.*.create");
            long used = Long.parseLong(info(redis, "used_memory"));
            redis.command("CONFIG", "SET", "maxmemory", Long.toString(used + ROOM_BYTES));

            Set<String> accepted = new TreeSet<>();
            Map<Integer, Integer> statuses = new TreeMap<>();
            List<String> refusals = new ArrayList<>();
            String pad = "x".repeat(PAD_BYTES);
            for (int i = 0; i < MAX_REQUESTS && refusals.size() < REFUSALS_WANTED; i++) {
                String marker = "m" + i;
                Gateway.Reply r = project.send(new JsonObject().put("event", "users.u" + i + ".create")
                    .put("payload", new JsonObject().put("n", marker).put("pad", pad)).encode());
                statuses.merge(r.status(), 1, Integer::sum);
                if (r.status() == 202) {
                    accepted.add(marker);
                } else {
                    refusals.add(r.status() + " " + r.body());
                }
            }
            assertThat(statuses.keySet()).as("answers while Redis filled up: %s", statuses).containsOnly(202, 503);
            assertThat(refusals).as("503s once Redis is full (answers: %s)", statuses).hasSize(REFUSALS_WANTED);
            assertThat(refusals.get(0)).contains("general_service_unavailable");
            assertThat(accepted).as("events accepted before Redis was full").hasSizeGreaterThan(10);
            int managementPort = gw.managementPort();
            Await.until("Redis memory near maxmemory in /metrics (read every 5 s)", Duration.ofSeconds(15), () -> {
                Prometheus.Scrape s = Prometheus.scrape(managementPort);
                double max = s.value("hookgate_redis_memory_max_bytes");
                return max > 0 && s.value("hookgate_redis_memory_used_bytes") / max > 0.8;
            });

            redis.command("CONFIG", "SET", "maxmemory", "0");
            Set<String> delivered = Await.until("every accepted event delivered once Redis has room",
                Duration.ofSeconds(90), () -> {
                    Set<String> seen = new TreeSet<>();
                    for (RecordedRequest req : receiver.requests()) {
                        seen.add(req.bodyJson().getString("n"));
                    }
                    return seen.containsAll(accepted) ? seen : null;
                });
            assertThat(delivered).containsAll(accepted);
        } finally {
            Teardown.close(gw, vertx, redis);
        }
    }

    /** One field of INFO (its first section holding it). */
    private static String info(RedisServer redis, String field) {
        for (String line : redis.command("INFO", "memory").split("\\r?\\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        throw new AssertionError("no " + field + " in INFO memory");
    }
}
