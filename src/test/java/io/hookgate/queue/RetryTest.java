package io.hookgate.queue;

import static io.hookgate.queue.QueueFixture.QUIET;
import static io.hookgate.queue.QueueFixture.WAIT;
import static io.hookgate.queue.QueueFixture.attempts;
import static io.hookgate.queue.QueueFixture.awaitStatus;
import static io.hookgate.queue.QueueFixture.awaitWebhook;
import static io.hookgate.queue.QueueFixture.deliveries;
import static io.hookgate.queue.QueueFixture.epochMillis;
import static io.hookgate.queue.QueueFixture.event;
import static io.hookgate.queue.QueueFixture.gapMs;
import static io.hookgate.queue.QueueFixture.projectId;
import static io.hookgate.queue.QueueFixture.responseHeader;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failed tries come back on the retry schedule (300 ms, 600 ms, 1200 ms, each +-20%) as the same
 * delivery, until one succeeds or the schedule runs out; a 410 disables the webhook at once.
 */
class RetryTest {
    /** The retry timer ticks every 200 ms; a due retry may wait that long, plus a busy machine's share. */
    private static final long LATE_MS = 200 + 800;
    private static final long[] STEPS_MS = {300, 600, 1200};

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create(Map.of(ConfigKey.RETRY_SCHEDULE, "300ms,600ms,1200ms"));

    @Test
    void aDeliveryThatFailsTwiceIsTriedAgainOnScheduleAndThenDelivered() {
        Gateway.ProjectClient p = env.gateway().project(projectId("retry"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            AtomicInteger tries = new AtomicInteger();
            r.respond(req -> switch (tries.incrementAndGet()) {
                case 1 -> Answer.of(500, "fail one").withHeader("X-Try", "1");
                case 2 -> Answer.of(503, "fail two").withHeader("X-Try", "2");
                default -> Answer.of(200, "ok three").withHeader("X-Try", "3");
            });
            p.webhook("flaky", r.url("/flaky"), "users.*.create");
            String eventId = send(p, event("users.u1.create", "e1"));

            String deliveryId = r.awaitRequest(WAIT).header("webhook-id");
            // Watch the delivery and the webhook until the delivery is done: between the tries the
            // delivery is retrying, and the webhook counts the consecutive failures.
            List<JsonObject> retrying = new ArrayList<>();
            Set<Integer> webhookAttempts = new TreeSet<>();
            JsonObject delivered = Await.until("delivery " + deliveryId + " delivered", WAIT, () -> {
                webhookAttempts.add(p.get("flaky").getInteger("attempts"));
                JsonObject d = QueueFixture.delivery(p, "flaky", deliveryId);
                if ("retrying".equals(d.getString("status"))) {
                    retrying.add(d);
                }
                return "delivered".equals(d.getString("status")) ? d : null;
            });
            List<RecordedRequest> got = r.awaitCount(3, WAIT);
            r.assertCountStays(3, QUIET);

            assertThat(retrying).as("seen retrying between the tries").isNotEmpty().allSatisfy(d -> {
                long updated = epochMillis(d.getString("$updatedAt"));
                assertThat(epochMillis(d.getString("nextRetryAt"))).as("nextRetryAt of %s", d)
                    .isBetween(updated + 200, updated + 900);
                assertThat(d.getInteger("attemptCount")).isBetween(1, 2);
                assertThat(d.getString("eventId")).isEqualTo(eventId);
            });
            assertThat(webhookAttempts).as("the webhook's consecutive failures as seen").containsAnyOf(1, 2)
                .isSubsetOf(0, 1, 2);
            assertThat(got).extracting(x -> x.header("webhook-id")).containsOnly(deliveryId);
            assertThat(gapMs(got.get(0), got.get(1))).as("wait after the first failure (300 ms step)")
                .isBetween(240L, 360 + LATE_MS);
            assertThat(gapMs(got.get(1), got.get(2))).as("wait after the second failure (600 ms step)")
                .isBetween(480L, 720 + LATE_MS);

            assertThat(delivered.getInteger("attemptCount")).isEqualTo(3);
            assertThat(delivered.getString("nextRetryAt")).isEmpty();
            List<JsonObject> attempts = attempts(delivered);
            assertThat(attempts).extracting(a -> a.getInteger("statusCode")).containsExactly(200, 503, 500);
            assertThat(attempts).extracting(a -> a.getString("responseBody"))
                .containsExactly("ok three", "fail two", "fail one");
            assertThat(attempts).extracting(a -> responseHeader(a, "X-Try")).containsExactly("3", "2", "1");
            assertThat(attempts).allSatisfy(a -> {
                assertThat(a.getString("error")).isEmpty();
                assertThat(a.getLong("durationMs")).isBetween(0L, 5_000L);
            });
            assertThat(epochMillis(attempts.get(0).getString("$createdAt")))
                .isGreaterThan(epochMillis(attempts.get(2).getString("$createdAt")));

            assertThat(p.get("flaky").getInteger("attempts")).as("consecutive failures after the success").isZero();
            assertThat(deliveries(p, "flaky", "delivered")).extracting(d -> d.getString("$id")).containsExactly(deliveryId);
            assertThat(deliveries(p, "flaky", "retrying")).isEmpty();
        }
    }

    @Test
    void aDeliveryThatAlwaysFailsIsFailedAfterTheLastStepAndNotTriedAgain() {
        Gateway.ProjectClient p = env.gateway().project(projectId("fail"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            r.respondWith(500, "down");
            p.webhook("down", r.url("/down"), "users.*.create");
            send(p, event("users.u1.create", "e1"));

            List<RecordedRequest> got = r.awaitCount(4, WAIT);
            String deliveryId = got.get(0).header("webhook-id");
            JsonObject failed = awaitStatus(p, "down", deliveryId, "failed");
            // Longer than the last step with its jitter and the timer's tick: a fifth try would show.
            r.assertCountStays(4, Duration.ofMillis(1_200 * 6 / 5 + 300));

            assertThat(got).extracting(x -> x.header("webhook-id")).containsOnly(deliveryId);
            for (int i = 0; i < STEPS_MS.length; i++) {
                assertThat(gapMs(got.get(i), got.get(i + 1))).as("wait after failure %d (%d ms step)", i + 1, STEPS_MS[i])
                    .isBetween(STEPS_MS[i] * 4 / 5, STEPS_MS[i] * 6 / 5 + LATE_MS);
            }
            assertThat(failed.getInteger("attemptCount")).isEqualTo(4);
            assertThat(failed.getString("nextRetryAt")).isEmpty();
            assertThat(attempts(failed)).hasSize(4).extracting(a -> a.getInteger("statusCode")).containsOnly(500);
            assertThat(deliveries(p, "down", "failed")).extracting(d -> d.getString("$id")).containsExactly(deliveryId);
            assertThat(deliveries(p, "down", null)).extracting(d -> d.getString("status")).containsExactly("failed");

            JsonObject webhook = p.get("down");
            assertThat(webhook.getInteger("attempts")).isEqualTo(4);
            assertThat(webhook.getBoolean("enabled")).as("10 failures allowed").isTrue();
        }
    }

    @Test
    void goneDisablesTheWebhookAtOnceAndParksTheDelivery() {
        Gateway.ProjectClient p = env.gateway().project(projectId("gone"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            r.respondWith(410, "gone for good");
            p.webhook("gone", r.url("/gone"), "users.*.create");
            send(p, event("users.u1.create", "e1"));

            String deliveryId = r.awaitRequest(WAIT).header("webhook-id");
            JsonObject webhook = awaitWebhook(p, "gone", "disabled", w -> !w.getBoolean("enabled"));
            JsonObject parked = awaitStatus(p, "gone", deliveryId, "parked");
            // The 300 ms step with its jitter and the timer's tick: a retry would show.
            r.assertCountStays(1, Duration.ofMillis(360 + 300));

            assertThat(webhook.getInteger("attempts")).isEqualTo(1);
            assertThat(parked.getInteger("attemptCount")).isEqualTo(1);
            assertThat(parked.getString("nextRetryAt")).isEmpty();
            assertThat(attempts(parked)).extracting(a -> a.getInteger("statusCode")).containsExactly(410);
            assertThat(deliveries(p, "gone", "parked")).extracting(d -> d.getString("$id")).containsExactly(deliveryId);
        }
    }
}
