package io.hookgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.RedisServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Liveness and readiness on the management port, with Redis up, down and back. */
class HealthTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void readinessFollowsRedisAndShutdownWhileLivenessStaysUp() throws Exception {
        try (RedisServer redis = RedisServer.start(RedisServer.Options.durable());
             Gateway gw = Gateway.start(redis.url())) {
            assertThat(get(gw, "/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = get(gw, "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(ready.body()).getString("outcome")).isEqualTo("UP");

            redis.kill();
            HttpResponse<String> down = Await.until("readiness to report Redis down", Duration.ofSeconds(15), () -> {
                HttpResponse<String> r = get(gw, "/health/ready");
                return r.statusCode() == 503 ? r : null;
            });
            assertThat(down.body()).contains("Redis does not answer");
            assertThat(get(gw, "/health/live").statusCode()).isEqualTo(200);

            redis.restart();
            Await.until("readiness back after Redis restarted", Duration.ofSeconds(20),
                () -> get(gw, "/health/ready").statusCode() == 200);

            gw.hookgate().readiness().draining();
            HttpResponse<String> draining = get(gw, "/health/ready");
            assertThat(draining.statusCode()).isEqualTo(503);
            assertThat(draining.body()).contains("shutting down");
        }
    }

    private static HttpResponse<String> get(Gateway gw, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.managementPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
