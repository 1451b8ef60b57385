package io.hookgate.queue;

import static io.hookgate.queue.QueueFixture.QUIET;
import static io.hookgate.queue.QueueFixture.WAIT;
import static io.hookgate.queue.QueueFixture.awaitWebhook;
import static io.hookgate.queue.QueueFixture.deliveries;
import static io.hookgate.queue.QueueFixture.event;
import static io.hookgate.queue.QueueFixture.iso;
import static io.hookgate.queue.QueueFixture.projectId;
import static io.hookgate.queue.QueueFixture.put;
import static io.hookgate.queue.QueueFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Answer;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Under {@code hold}, a webhook is disabled only once it has failed continuously for
 * {@code disableAfter} (2 s here) and at least {@code maxFailedAttempts} tries in a row; its circuit is
 * open meanwhile. Disabled, its events are recorded as skipped; once enabled again, recover delivers
 * them. A {@code 410 Gone} disables at once and says so in the webhook's logs.
 */
class DisableAfterTest {
    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create(Map.of(ConfigKey.DISABLE_AFTER, "2s",
        ConfigKey.MAX_FAILED_ATTEMPTS, "3", ConfigKey.CIRCUIT_OPEN_AFTER, "2",
        ConfigKey.RETRY_SCHEDULE, "300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms"));

    @Test
    void aWebhookFailingLongerThanDisableAfterIsDisabledThenSkippedThenRecovered() throws Exception {
        Gateway.ProjectClient p = env.gateway().project(projectId("longdown"));
        AtomicBoolean down = new AtomicBoolean(true);
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            r.respond(req -> down.get() && req.path().equals("/down") ? Answer.status(503) : Answer.status(200));
            p.webhook("down", r.url("/down"), "users.*.create");
            // The project's operational webhook: Hookgate's notices about its other webhooks.
            String opsSecret = p.call("POST", "/operational-webhooks", new JsonObject().put("webhookId", "ops")
                .put("name", "ops").put("url", r.url("/ops")).encode()).expect(201).json().getString("secret");
            long since = System.currentTimeMillis();
            send(p, event("users.u1.create", "first"));
            send(p, event("users.u2.create", "second"));
            JsonObject failing = awaitWebhook(p, "down", "failing with its circuit open",
                w -> "failing".equals(w.getString("status")) && !deliveries(p, "down", "held").isEmpty()
                    || w.getInteger("attempts") >= 2);
            assertThat(failing.getBoolean("enabled")).as("not yet: failing for less than 2 s").isTrue();
            send(p, event("users.u3.create", "third"));

            JsonObject disabled = awaitWebhook(p, "down", "disabled", w -> !w.getBoolean("enabled"));
            long failingSince = QueueFixture.epochMillis(disabled.getString("failingSince"));
            assertThat(System.currentTimeMillis() - failingSince).as("failing for at least disableAfter")
                .isGreaterThanOrEqualTo(2_000);
            assertThat(disabled.getInteger("attempts")).isGreaterThanOrEqualTo(3);
            assertThat(disabled.getString("status")).isEqualTo("disabled");

            // The notices: failing when its circuit opened, then disabled; signed as any delivery.
            List<RecordedRequest> notices = Await.until("two notices", WAIT, () -> {
                List<RecordedRequest> ops = QueueFixture.at(r, "/ops");
                return ops.size() >= 2 ? ops : null;
            });
            assertThat(notices).extracting(n -> n.bodyJson().getString("type"))
                .containsExactly("webhook.failing", "webhook.disabled");
            RecordedRequest notice = notices.get(1);
            new com.standardwebhooks.Webhook("whsec_" + java.util.Base64.getEncoder().encodeToString(
                opsSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8))).verify(notice.bodyString(), notice.headers());
            JsonObject data = notice.bodyJson().getJsonObject("data");
            assertThat(data.getString("webhookId")).isEqualTo("down");
            assertThat(data.getString("status")).isEqualTo("disabled");
            assertThat(data.getInteger("attempts")).isEqualTo(disabled.getInteger("attempts"));
            assertThat(data.getString("failingSince")).isEqualTo(disabled.getString("failingSince"));
            assertThat(data.getString("lastFailure")).contains("Status code: 503");
            assertThat(notice.header("X-Appwrite-Webhook-Events")).isEqualTo("webhook.disabled");
            r.assertCountStays(r.count(), QUIET);
            assertThat(QueueFixture.at(r, "/ops")).as("one disabled notice, no more").hasSize(2);

            // Later events: skipped, no try.
            int tried = QueueFixture.at(r, "/down").size();
            send(p, event("users.u4.create", "later"));
            Await.until("a skipped delivery", WAIT, () -> deliveries(p, "down", "skipped").size() == 1 ? true : null);
            r.assertCountStays(r.count(), QUIET);
            assertThat(QueueFixture.at(r, "/down")).hasSize(tried);

            // Enabled again and recovered: every event reaches the receiver.
            down.set(false);
            put(p, "down", r.url("/down"), true, "users.*.create");
            p.call("POST", "/webhooks/down/recover", new JsonObject().put("since", iso(since)).encode()).expect(202);
            try {
                Await.until("all four events delivered", WAIT,
                    () -> deliveries(p, "down", "delivered").size() == 4 ? true : null);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + ": " + deliveries(p, "down", null).stream()
                    .map(d -> d.getString("status") + "/" + d.getInteger("attemptCount")).toList(), e);
            }
            assertThat(p.get("down").getString("status")).isEqualTo("healthy");
        }
    }

    @Test
    void a410DisablesAtOnceAndTheLogsSaySo() {
        Gateway.ProjectClient p = env.gateway().project(projectId("gone"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            r.respond(req -> Answer.of(410, "gone"));
            p.webhook("gone", r.url("/gone"), "users.*.create");
            send(p, event("users.u1.create", "only"));
            JsonObject w = awaitWebhook(p, "gone", "disabled", x -> !x.getBoolean("enabled"));
            assertThat(w.getInteger("attempts")).isEqualTo(1);
            assertThat(w.getString("logs")).contains("Status code: 410").contains("410 Gone");
        }
    }
}
