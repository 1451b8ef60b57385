package io.hookgate.queue;

import static io.hookgate.queue.QueueFixture.WAIT;
import static io.hookgate.queue.QueueFixture.attempts;
import static io.hookgate.queue.QueueFixture.awaitAt;
import static io.hookgate.queue.QueueFixture.awaitStatus;
import static io.hookgate.queue.QueueFixture.event;
import static io.hookgate.queue.QueueFixture.gapMs;
import static io.hookgate.queue.QueueFixture.projectId;
import static io.hookgate.queue.QueueFixture.responseHeader;
import static io.hookgate.queue.QueueFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Answer;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.vertx.core.json.JsonObject;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A receiver's {@code Retry-After} (on 429 and 503) sets the wait before the next try, kept within
 * one to two steps of the schedule (1 s here).
 */
class RetryAfterTest {
    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create(Map.of(ConfigKey.RETRY_SCHEDULE, "1s,1s,1s"));

    @Test
    void retryAfterIsHonouredWithinOneToTwoSteps() {
        Gateway.ProjectClient p = env.gateway().project(projectId("ra"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            String inTenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME
                .format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(10));
            Map<String, Answer> first = Map.of(
                "/long", Answer.of(429, "slow down").withHeader("Retry-After", "5"),
                "/zero", Answer.of(429, "again").withHeader("Retry-After", "0"),
                "/date", Answer.of(503, "maintenance").withHeader("Retry-After", inTenSeconds));
            Set<String> answered = ConcurrentHashMap.newKeySet();
            r.respond(req -> answered.add(req.path()) ? first.get(req.path()) : Answer.status(200));
            for (String path : first.keySet()) {
                p.webhook(path.substring(1), r.url(path), "users.*.create");
            }
            send(p, event("users.u1.create", "e1"));

            List<RecordedRequest> longer = awaitAt(r, "/long", 2, WAIT);
            List<RecordedRequest> zero = awaitAt(r, "/zero", 2, WAIT);
            List<RecordedRequest> date = awaitAt(r, "/date", 2, WAIT);

            assertThat(gapMs(longer.get(0), longer.get(1))).as("Retry-After: 5 on a 1 s step is cut to 2 s")
                .isBetween(1_900L, 3_000L);
            assertThat(gapMs(date.get(0), date.get(1))).as("Retry-After: a date 10 s ahead, cut to 2 s")
                .isBetween(1_900L, 3_000L);
            // With a Retry-After the step is the lower bound (no jitter below it).
            assertThat(gapMs(zero.get(0), zero.get(1))).as("Retry-After: 0 waits the 1 s step")
                .isBetween(995L, 2_500L);

            String deliveryId = longer.get(0).header("webhook-id");
            JsonObject delivered = awaitStatus(p, "long", deliveryId, "delivered");
            List<JsonObject> tries = attempts(delivered);
            assertThat(tries).extracting(a -> a.getInteger("statusCode")).containsExactly(200, 429);
            assertThat(responseHeader(tries.get(1), "Retry-After")).isEqualTo("5");
        }
    }
}
