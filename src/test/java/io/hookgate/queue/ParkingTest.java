package io.hookgate.queue;

import static io.hookgate.queue.QueueFixture.QUIET;
import static io.hookgate.queue.QueueFixture.WAIT;
import static io.hookgate.queue.QueueFixture.at;
import static io.hookgate.queue.QueueFixture.awaitAt;
import static io.hookgate.queue.QueueFixture.deliveries;
import static io.hookgate.queue.QueueFixture.event;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Disabling a webhook parks its retrying deliveries and stops its fan-out; enabling it again resets
 * its failure count and requeues the parked deliveries, oldest first. One try in flight per webhook,
 * so the arrival order at the receiver is the order of the deliveries stream.
 */
class ParkingTest {
    /** Long enough that the retries are still waiting when the test disables the webhook. */
    private static final long STEP_MS = 3_000;

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create(Map.of(ConfigKey.RETRY_SCHEDULE, "3s,3s,3s",
        ConfigKey.MAX_IN_FLIGHT_PER_WEBHOOK, "1"));

    @Test
    void disablingParksRetryingDeliveriesAndEnablingDeliversThemOldestFirst() {
        Gateway.ProjectClient p = env.gateway().project(projectId("park"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            AtomicBoolean failing = new AtomicBoolean(true);
            r.respond(req -> req.path().equals("/parked") && failing.get() ? Answer.of(500, "not now") : Answer.status(200));
            String url = r.url("/parked");
            p.webhook("parked", url, "users.*.create");
            // Same events, never disabled: once it has an event, that event's fan-out is done.
            p.webhook("sentinel", r.url("/sentinel"), "users.*.create");

            List<String> deliveryIds = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                send(p, event("users.u1.create", "e" + i));
                deliveryIds.add(awaitAt(r, "/parked", i, WAIT).get(i - 1).header("webhook-id"));
            }
            long lastFailure = at(r, "/parked").get(2).receivedAtNanos();
            Await.until("3 retrying deliveries", WAIT, () -> deliveries(p, "parked", "retrying").size() == 3);
            assertThat(p.get("parked").getInteger("attempts")).isEqualTo(3);

            JsonObject disabled = put(p, "parked", url, false, "users.*.create");
            assertThat(disabled.getBoolean("enabled")).isFalse();
            List<JsonObject> parked = deliveries(p, "parked", "parked");
            assertThat(parked).as("parked, newest first").extracting(d -> d.getString("$id"))
                .containsExactly(deliveryIds.get(2), deliveryIds.get(1), deliveryIds.get(0));
            assertThat(parked).allSatisfy(d -> {
                assertThat(d.getString("nextRetryAt")).isEmpty();
                assertThat(d.getInteger("attemptCount")).isEqualTo(1);
            });
            assertThat(deliveries(p, "parked", "retrying")).isEmpty();

            // An event while disabled: the sentinel gets it, the disabled webhook records it as skipped, untried.
            String whileDisabled = send(p, event("users.u2.create", "e4"));
            awaitAt(r, "/sentinel", 4, WAIT);
            assertThat(deliveries(p, "parked", "skipped")).extracting(d -> d.getString("eventId"))
                .containsExactly(whileDisabled);
            assertThat(deliveries(p, "parked", "parked")).hasSize(3);

            // Past the moment the retries were due (step + 20% jitter + the timer's tick): none came.
            long dueBy = lastFailure + (STEP_MS * 6 / 5 + 400) * 1_000_000;
            r.assertCountStays(3 + 4, Duration.ofNanos(Math.max(0, dueBy - System.nanoTime())));
            assertThat(at(r, "/parked")).hasSize(3);

            failing.set(false);
            JsonObject enabled = put(p, "parked", url, true, "users.*.create");
            assertThat(enabled.getBoolean("enabled")).isTrue();
            assertThat(enabled.getInteger("attempts")).as("failure count reset").isZero();

            List<RecordedRequest> resumed = awaitAt(r, "/parked", 6, WAIT).subList(3, 6);
            r.assertCountStays(3 + 4 + 3, QUIET);
            assertThat(resumed).as("requeued oldest first").extracting(QueueFixture::marker)
                .containsExactly("e1", "e2", "e3");
            assertThat(resumed).extracting(x -> x.header("webhook-id")).containsExactlyElementsOf(deliveryIds);
            Await.until("3 delivered", WAIT, () -> deliveries(p, "parked", "delivered").size() == 3);
            assertThat(deliveries(p, "parked", "delivered")).hasSize(3).allSatisfy(d -> {
                assertThat(d.getInteger("attemptCount")).isEqualTo(2);
            });
            assertThat(deliveries(p, "parked", "skipped")).as("not replayed on its own").hasSize(1);
            assertThat(at(r, "/parked")).extracting(QueueFixture::marker).doesNotContain("e4");
        }
    }
}
