package io.hookgate.queue;

import static io.hookgate.queue.QueueFixture.QUIET;
import static io.hookgate.queue.QueueFixture.WAIT;
import static io.hookgate.queue.QueueFixture.awaitWebhook;
import static io.hookgate.queue.QueueFixture.deliveries;
import static io.hookgate.queue.QueueFixture.event;
import static io.hookgate.queue.QueueFixture.projectId;
import static io.hookgate.queue.QueueFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Answer;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.Receiver;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Appwrite's whole delivery behaviour: {@code retrySchedule=none} with {@code failurePolicy=appwrite}. Each
 * event gets one try, a failed one is final (recorded {@code failed}, never sent again on its own), and
 * {@code maxFailedAttempts} of them in a row disable the webhook.
 */
class SingleTryTest {
    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create(Map.of(ConfigKey.FAILURE_POLICY, "appwrite",
        ConfigKey.RETRY_SCHEDULE, "none", ConfigKey.MAX_FAILED_ATTEMPTS, "2"));

    @Test
    void aFailedTryIsFinalAndTwoInARowDisable() {
        Gateway.ProjectClient p = env.gateway().project(projectId("once"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            r.respond(req -> Answer.of(503, "down"));
            p.webhook("once", r.url("/once"), "users.*.create");

            send(p, event("users.u1.create", "f1"));
            r.awaitCount(1, WAIT);
            JsonObject first = Await.until("the delivery failed", WAIT, () -> {
                var failed = deliveries(p, "once", "failed");
                return failed.size() == 1 ? failed.get(0) : null;
            });
            assertThat(first.getString("nextRetryAt")).as("no retry").isEmpty();
            assertThat(first.getInteger("attemptCount")).isEqualTo(1);
            assertThat(p.get("once").getInteger("attempts")).isEqualTo(1);
            r.assertCountStays(1, QUIET);

            send(p, event("users.u2.create", "f2"));
            JsonObject disabled = awaitWebhook(p, "once", "disabled", w -> !w.getBoolean("enabled"));
            assertThat(disabled.getInteger("attempts")).isEqualTo(2);
            assertThat(r.requests()).hasSize(2);
        }
    }
}
