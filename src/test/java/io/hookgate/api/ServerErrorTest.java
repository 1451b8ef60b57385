package io.hookgate.api;

import static io.hookgate.api.ApiAssertions.fresh;
import static io.hookgate.testsupport.AppwriteError.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A 5xx carries only the request ID: nothing about Redis, hosts or exceptions leaves the gateway. */
class ServerErrorTest {
    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create();

    /** A test that stopped Redis and failed before restarting it: restarted, so the gateway closes gracefully. */
    @AfterAll
    static void restartRedis() {
        if (!env.redis().isRunning()) {
            env.redis().restart();
        }
    }

    @Test
    void redisDownGives503WithOnlyTheRequestIdThenRecovers() {
        Gateway.ProjectClient p = env.gateway().project(fresh("down"));
        p.webhook("w1", "https://example.com/", "users.*");

        env.redis().kill();
        Gateway.Reply reply = Await.until("a 5xx while Redis is down", Duration.ofSeconds(10), () -> {
            Gateway.Reply r = p.call("GET", "/webhooks/w1", null);
            return r.status() >= 500 ? r : null;
        });

        String message = assertError(reply, 503, "general_service_unavailable");
        String requestId = reply.header("X-Request-Id");
        assertThat(requestId).isNotBlank();
        assertThat(message).isEqualTo("Service unavailable (request " + requestId + ")");
        assertThat(reply.body()).doesNotContainIgnoringCase("redis").doesNotContain(String.valueOf(env.redis().port()))
            .doesNotContain("Exception").doesNotContain("127.0.0.1");

        env.redis().restart();
        Await.until("the API answers again after Redis is back", Duration.ofSeconds(20),
            () -> p.call("GET", "/webhooks", null).status() == 200);
    }
}
