package io.hookgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Bounded;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.LogCapture;
import io.hookgate.testsupport.Prometheus;
import io.hookgate.testsupport.RedisServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A Redis whose maxmemory-policy may evict keys ({@code allkeys-lru} is the default of several
 * managed offerings) would drop queued events when full. The gateway reads the policy at start and
 * for every readiness probe: unready while it may evict (loudly logged), ready again once it is
 * {@code noeviction}; {@code evictingRedis=warn} downgrades that to a warning. Readiness and
 * {@code /metrics} carry Redis's memory against maxmemory.
 */
class EvictionPolicyTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final long MAX_MEMORY = 256L << 20;

    @Test
    void anEvictingPolicyKeepsTheReplicaUnreadyUntilItIsNoeviction() {
        try (RedisServer redis = RedisServer.start(RedisServer.Options.defaults().withExtraArgs(
                 "--maxmemory", Long.toString(MAX_MEMORY), "--maxmemory-policy", "allkeys-lru"));
             LogCapture log = LogCapture.attach("io.hookgate", Level.WARN).quiet();
             Gateway gw = Bounded.call("gateway start", Duration.ofSeconds(60), () -> Gateway.start(redis.url()))) {
            HttpResponse<String> refused = ready(gw);
            assertThat(refused.statusCode()).as("readiness with allkeys-lru: %s", refused.body()).isEqualTo(503);
            JsonObject check = redisCheck(refused);
            assertThat(check.getString("status")).isEqualTo("DOWN");
            assertThat(check.getJsonObject("data").getString("reason")).contains("allkeys-lru").contains("noeviction");
            assertThat(log.errors()).as("the start says why, once").singleElement().asString()
                .contains("maxmemory-policy is allkeys-lru").contains("HOOKGATE_EVICTING_REDIS=warn");
            Prometheus.Scrape evicting = Prometheus.scrape(gw.managementPort());
            assertThat(evicting.value("hookgate_redis_may_evict")).isEqualTo(1);
            assertThat(evicting.value("hookgate_redis_memory_max_bytes")).isEqualTo(MAX_MEMORY);
            assertThat(evicting.value("hookgate_redis_memory_used_bytes")).isPositive();

            redis.command("CONFIG", "SET", "maxmemory-policy", "noeviction");
            HttpResponse<String> ready = Await.until("ready once the policy is noeviction", WAIT, () -> {
                HttpResponse<String> r = ready(gw);
                return r.statusCode() == 200 ? r : null;
            });
            JsonObject details = redisCheck(ready).getJsonObject("data");
            assertThat(details.getString("maxMemoryPolicy")).isEqualTo("noeviction");
            assertThat(details.getLong("maxMemoryBytes")).isEqualTo(MAX_MEMORY);
            assertThat(details.getLong("usedMemoryBytes")).isPositive();
            assertThat(details.getDouble("usedMemoryRatio")).isBetween(0.0, 1.0);
            Await.until("the gauge follows within its 5 s reading", WAIT,
                () -> Prometheus.scrape(gw.managementPort()).value("hookgate_redis_may_evict") == 0);

            // The Redis behind the connection may change again (a failover, a restart, an operator).
            redis.command("CONFIG", "SET", "maxmemory-policy", "volatile-lru");
            assertThat(ready(gw).statusCode()).as("the next probe after the change").isEqualTo(503);
            Await.until("the change logged", WAIT, () -> log.errors().size() == 2);
            assertThat(log.errors().get(1)).contains("maxmemory-policy is volatile-lru");
        }
    }

    @Test
    void evictingRedisWarnAcceptsItWithAWarning() {
        try (RedisServer redis = RedisServer.start(RedisServer.Options.defaults().withExtraArgs(
                 "--maxmemory-policy", "allkeys-lru"));
             LogCapture log = LogCapture.attach("io.hookgate", Level.WARN).quiet();
             Gateway gw = Bounded.call("gateway start", Duration.ofSeconds(60),
                 () -> Gateway.start(redis.url(), Map.of(ConfigKey.EVICTING_REDIS, "warn")))) {
            HttpResponse<String> ready = ready(gw);
            assertThat(ready.statusCode()).as("readiness: %s", ready.body()).isEqualTo(200);
            assertThat(redisCheck(ready).getJsonObject("data").getString("maxMemoryPolicy")).isEqualTo("allkeys-lru");
            assertThat(redisCheck(ready).getJsonObject("data").getLong("maxMemoryBytes")).as("no maxmemory").isZero();
            assertThat(log.errors()).isEmpty();
            assertThat(log.lines()).anyMatch(l -> l.startsWith("WARN ") && l.contains("maxmemory-policy is allkeys-lru"));
        }
    }

    private static JsonObject redisCheck(HttpResponse<String> readiness) {
        return new JsonObject(readiness.body()).getJsonArray("checks").stream().map(JsonObject.class::cast)
            .filter(c -> c.getString("id").equals("redis")).findFirst()
            .orElseThrow(() -> new AssertionError("no redis check in " + readiness.body()));
    }

    private static HttpResponse<String> ready(Gateway gw) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.managementPort() + "/health/ready"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
