package io.hookgate.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Answer;
import io.hookgate.testsupport.Bounded;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.hookgate.testsupport.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An event sent again with the same {@code $id} is an idempotent repeat: it answers the first
 * event's ID and stores nothing, so every try of the event's delivery carries the first payload,
 * whatever the repeat carried. (Found while checking {@code hookgate_events_accepted_total}: the
 * replica that takes the repeat treats it as new, counts it and caches its payload under the event's
 * ID; the retry then reads the event from that cache.)
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RepeatedEventIdTest {

    @Test
    void aRetryCarriesThePayloadFirstAcceptedUnderTheId() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (RedisServer redis = RedisServer.start();
             Gateway gateway = Bounded.call("gateway start", Duration.ofSeconds(60),
                 () -> Gateway.start(redis.url(), Map.of(ConfigKey.RETRY_SCHEDULE, "1s")));
             Receiver receiver = Receiver.start(vertx).await(10, TimeUnit.SECONDS)) {
            AtomicInteger calls = new AtomicInteger();
            receiver.respond(r -> calls.incrementAndGet() == 1 ? Answer.of(500, "once") : Answer.status(200));
            Gateway.ProjectClient project = gateway.project("repeat");
            project.webhook("hook", receiver.url("/hook"), "users.*.create");

            JsonObject first = new JsonObject().put("event", "users.u1.create").put("$id", "order-1")
                .put("payload", new JsonObject().put("n", "first"));
            project.send(first.encode()).expect(202);
            receiver.awaitCount(1, Duration.ofSeconds(10));
            JsonObject repeat = first.copy().put("payload", new JsonObject().put("n", "repeat"));
            assertThat(project.send(repeat.encode()).expect(202).json().getJsonArray("events").getJsonObject(0)
                .getString("$id")).isEqualTo("order-1");

            List<RecordedRequest> tries = receiver.awaitCount(2, Duration.ofSeconds(10));
            assertThat(tries.get(1).header("webhook-id")).isEqualTo(tries.get(0).header("webhook-id"));
            assertThat(tries).extracting(r -> r.bodyJson().getString("n")).as("payload of each try")
                .containsExactly("first", "first");
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
