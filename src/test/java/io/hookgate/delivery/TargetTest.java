package io.hookgate.delivery;

import static io.hookgate.delivery.Deliveries.QUIET;
import static io.hookgate.delivery.Deliveries.WAIT;
import static io.hookgate.delivery.Deliveries.awaitAttempts;
import static io.hookgate.delivery.Deliveries.event;
import static io.hookgate.delivery.Deliveries.marker;
import static io.hookgate.delivery.Deliveries.projectId;
import static io.hookgate.delivery.Deliveries.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.hookgate.testsupport.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The target guard on the delivery path: with no allowed ranges, loopback targets (by address,
 * by name, through IPv4-mapped IPv6, or as 0.0.0.0) are never connected to and fail with a log
 * that says why; an allowed range lets exactly its addresses through. Each test starts its own
 * gateway (its configuration is the subject), one after the other on the class's Redis.
 */
class TargetTest {
    private static RedisServer redis;
    private static Vertx vertx;
    private Gateway gateway;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (vertx != null) {
                vertx.close().await(10, TimeUnit.SECONDS);
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    @AfterEach
    void closeGateway() {
        if (gateway != null) {
            gateway.close();
            gateway = null;
        }
    }

    @Test
    void withNoAllowedRangesLoopbackTargetsAreNeverCalled() {
        gateway = Gateway.start(redis.url(), Map.of(ConfigKey.ALLOWED_TARGET_CIDRS, ""));
        Gateway.ProjectClient p = gateway.project(projectId("guard"));
        try (Receiver r = Deliveries.receiver(vertx)) {
            int port = r.port();
            p.webhook("ip", "http://127.0.0.1:" + port + "/", "users.*.create");
            p.webhook("name", "http://localhost:" + port + "/name", "users.*.create");
            p.webhook("mapped", "http://[::ffff:127.0.0.1]:" + port + "/mapped", "users.*.create");
            p.webhook("zero", "http://0.0.0.0:" + port + "/zero", "users.*.create");

            send(p, event("users.u1.create", marker("e1")));

            for (String id : new String[] {"ip", "name", "mapped"}) {
                JsonObject w = awaitAttempts(p, id, 1);
                assertThat(w.getString("logs")).as(id)
                    .startsWith("URL: " + w.getString("url") + "\nMethod: POST\nClient Error: ")
                    .contains("not allowed", "loopback");
                assertThat(w.getBoolean("enabled")).isTrue();
            }
            JsonObject zero = awaitAttempts(p, "zero", 1);
            assertThat(zero.getString("logs")).contains("not allowed", "\"this network\"");
            // Every outcome is recorded, so any connection would have been made by now.
            assertThat(r.assertCountStays(0, QUIET)).isEmpty();
        }
    }

    @Test
    void anAllowedRangeLetsOnlyItsAddressesThrough() {
        gateway = Gateway.start(redis.url(), Map.of(ConfigKey.ALLOWED_TARGET_CIDRS, "127.0.0.1/32"));
        Gateway.ProjectClient p = gateway.project(projectId("allow"));
        try (Receiver r = Deliveries.receiver(vertx)) {
            p.webhook("allowed", r.url("/allowed"), "users.*.create");
            p.webhook("neighbour", "http://127.0.0.2:" + r.port() + "/neighbour", "users.*.create");

            send(p, event("users.u1.create", marker("e1")));

            RecordedRequest delivered = r.awaitRequest(WAIT);
            assertThat(delivered.path()).isEqualTo("/allowed");
            JsonObject neighbour = awaitAttempts(p, "neighbour", 1);
            // Refused by the guard, not merely unreachable (nothing listens on 127.0.0.2).
            assertThat(neighbour.getString("logs")).contains("127.0.0.2", "not allowed", "loopback");
            assertThat(p.get("allowed").getInteger("attempts")).isZero();
            assertThat(r.assertCountStays(1, QUIET)).containsExactly(delivered);
        }
    }
}
