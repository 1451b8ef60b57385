package io.hookgate.queue;

import static io.hookgate.queue.QueueFixture.QUIET;
import static io.hookgate.queue.QueueFixture.WAIT;
import static io.hookgate.queue.QueueFixture.attempts;
import static io.hookgate.queue.QueueFixture.awaitAt;
import static io.hookgate.queue.QueueFixture.awaitStatus;
import static io.hookgate.queue.QueueFixture.delivery;
import static io.hookgate.queue.QueueFixture.event;
import static io.hookgate.queue.QueueFixture.iso;
import static io.hookgate.queue.QueueFixture.projectId;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replaying deliveries by hand: {@code POST .../deliveries/{id}/retry} sends one again now with a
 * fresh schedule, {@code POST .../recover} requeues every failed delivery created since a moment.
 * The schedule is one 200 ms step: a failing delivery fails for good after two tries (and webhooks
 * are not disabled by the failures these tests cause).
 */
class ReplayTest {
    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create(Map.of(ConfigKey.RETRY_SCHEDULE, "200ms",
        ConfigKey.MAX_FAILED_ATTEMPTS, "100", ConfigKey.CIRCUIT_OPEN_AFTER, "1000"));

    @Test
    void aManualRetrySendsAFailedDeliveryAgainAtOnceWithAFreshSchedule() {
        Gateway.ProjectClient p = env.gateway().project(projectId("manual"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            AtomicBoolean failing = new AtomicBoolean(true);
            r.respond(req -> failing.get() ? Answer.of(500, "down") : Answer.of(200, "up"));
            p.webhook("manual", r.url("/manual"), "users.*.create");
            send(p, event("users.u1.create", "e1"));
            String deliveryId = r.awaitCount(2, WAIT).get(0).header("webhook-id");
            awaitStatus(p, "manual", deliveryId, "failed");
            r.assertCountStays(2, QUIET);

            long asked = System.nanoTime();
            JsonObject answer = p.call("POST", "/webhooks/manual/deliveries/" + deliveryId + "/retry", null)
                .expect(202).json();
            assertThat(answer.getString("$id")).isEqualTo(deliveryId);
            assertThat(answer.getString("status")).isIn("pending", "retrying", "failed");
            // A fresh schedule: the failing retry earns one more automatic try before failing again.
            List<RecordedRequest> got = r.awaitCount(4, WAIT);
            assertThat((got.get(2).receivedAtNanos() - asked) / 1_000_000).as("ms from the retry call to the try")
                .isLessThan(2_000);
            JsonObject failedAgain = awaitDelivery(p, deliveryId, "failed", 4);
            r.assertCountStays(4, QUIET);
            assertThat(got).extracting(x -> x.header("webhook-id")).containsOnly(deliveryId);
            assertThat(attempts(failedAgain)).extracting(a -> a.getInteger("statusCode")).containsExactly(500, 500, 500, 500);

            failing.set(false);
            p.call("POST", "/webhooks/manual/deliveries/" + deliveryId + "/retry", null).expect(202);
            r.awaitCount(5, WAIT);
            JsonObject delivered = awaitDelivery(p, deliveryId, "delivered", 5);
            assertThat(attempts(delivered)).extracting(a -> a.getInteger("statusCode"))
                .containsExactly(200, 500, 500, 500, 500);
            assertThat(attempts(delivered).get(0).getString("responseBody")).isEqualTo("up");
            r.assertCountStays(5, QUIET);
        }
    }

    private static JsonObject awaitDelivery(Gateway.ProjectClient p, String deliveryId, String status, int tries) {
        return QueueFixture.awaitDelivery(p, "manual", deliveryId, status + " after " + tries + " tries",
            d -> status.equals(d.getString("status")) && d.getInteger("attemptCount") == tries);
    }

    @Test
    void recoverRequeuesTheFailedDeliveriesCreatedSinceAMoment() {
        Gateway.ProjectClient p = env.gateway().project(projectId("recover"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            AtomicBoolean failing = new AtomicBoolean(true);
            r.respond(req -> failing.get() && !QueueFixture.marker(req).startsWith("ok") ? Answer.status(500)
                : Answer.status(200));
            p.webhook("rec", r.url("/rec"), "users.*.create");

            List<String> before = new ArrayList<>();
            for (String m : List.of("old1", "old2")) {
                send(p, event("users.u1.create", m));
                before.add(awaitFailed(p, r, m));
            }
            long since = System.currentTimeMillis();
            List<String> after = new ArrayList<>();
            for (String m : List.of("new1", "new2", "new3")) {
                send(p, event("users.u1.create", m));
                after.add(awaitFailed(p, r, m));
            }
            send(p, event("users.u1.create", "ok1"));
            String delivered = awaitAt(r, "/rec", 11, WAIT).get(10).header("webhook-id");
            awaitStatus(p, "rec", delivered, "delivered");
            r.assertCountStays(11, QUIET);

            failing.set(false);
            JsonObject none = p.call("POST", "/webhooks/rec/recover",
                new JsonObject().put("since", iso(System.currentTimeMillis() + 60_000)).encode()).expect(202).json();
            assertThat(none.getInteger("requeued")).as("nothing failed after a minute from now").isZero();
            JsonObject recovered = p.call("POST", "/webhooks/rec/recover",
                new JsonObject().put("since", iso(since)).encode()).expect(202).json();
            assertThat(recovered.getInteger("requeued")).isEqualTo(3);

            List<RecordedRequest> replayed = r.awaitCount(14, WAIT).subList(11, 14);
            r.assertCountStays(14, QUIET);
            assertThat(replayed).extracting(x -> x.header("webhook-id")).containsExactlyInAnyOrderElementsOf(after);
            for (String id : after) {
                JsonObject d = awaitStatus(p, "rec", id, "delivered");
                assertThat(d.getInteger("attemptCount")).isEqualTo(3);
                // Every try is kept, newest first: the newest lives in the record, the older ones in a list.
                assertThat(d.getJsonArray("attempts").stream().map(a -> ((JsonObject) a).getInteger("statusCode")))
                    .as("attempts of %s", id).containsExactly(200, 500, 500);
                List<String> at = d.getJsonArray("attempts").stream().map(a -> ((JsonObject) a).getString("$createdAt"))
                    .toList();
                assertThat(at).as("newest first").isSortedAccordingTo(java.util.Comparator.reverseOrder());
            }
            for (String id : before) {
                JsonObject d = delivery(p, "rec", id);
                assertThat(d.getString("status")).isEqualTo("failed");
                assertThat(d.getInteger("attemptCount")).isEqualTo(2);
                assertThat(d.getJsonArray("attempts").stream().map(a -> ((JsonObject) a).getInteger("statusCode")))
                    .containsExactly(500, 500);
            }
            assertThat(delivery(p, "rec", delivered).getInteger("attemptCount")).as("delivered ones stay as they are")
                .isEqualTo(1);
        }
    }

    /** Waits until the delivery of the event with {@code marker} failed for good; answers its ID. */
    private static String awaitFailed(Gateway.ProjectClient p, Receiver r, String marker) {
        List<RecordedRequest> tries = Await.until("2 tries of " + marker, WAIT, () -> {
            List<RecordedRequest> got = r.requests().stream().filter(x -> marker.equals(QueueFixture.marker(x))).toList();
            return got.size() >= 2 ? got : null;
        });
        String id = tries.get(0).header("webhook-id");
        awaitStatus(p, "rec", id, "failed");
        return id;
    }
}
