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
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code failurePolicy=appwrite} is Appwrite's policy: no circuit, {@code maxFailedAttempts} consecutive
 * failed tries disable the webhook, and its events are skipped while it is disabled (here recorded as
 * {@code skipped}, which nothing replays on its own; {@code recover} does, once enabled). Retries stay
 * Hookgate's: the deliveries still retrying at the disabling are parked, and go out again on enabling.
 */
class AppwritePolicyTest {
    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create(Map.of(ConfigKey.FAILURE_POLICY, "appwrite",
        ConfigKey.MAX_FAILED_ATTEMPTS, "3"));

    @Test
    void threeFailuresDisableAndLaterEventsAreSkippedUntilRecovered() {
        Gateway.ProjectClient p = env.gateway().project(projectId("appwrite"));
        AtomicBoolean failing = new AtomicBoolean(true);
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            r.respond(req -> failing.get() ? Answer.of(500, "down") : Answer.status(200));
            p.webhook("aw", r.url("/aw"), "users.*.create");
            long since = System.currentTimeMillis();
            for (int i = 0; i < 3; i++) {
                send(p, event("users.u" + i + ".create", "f" + i));
                r.awaitCount(i + 1, WAIT);
                if (i < 2) {
                    // Its retry recorded before the next try: a retry recorded after the disabling is not
                    // parked by it, and keeps its own schedule (an hour here) instead of going out on enabling.
                    int n = i + 1;
                    Await.until(n + " retrying", WAIT, () -> deliveries(p, "aw", "retrying").size() == n ? true : null);
                }
            }
            JsonObject disabled = awaitWebhook(p, "aw", "disabled", w -> !w.getBoolean("enabled"));
            assertThat(disabled.getInteger("attempts")).isEqualTo(3);
            assertThat(disabled.getString("status")).isEqualTo("disabled");
            assertThat(disabled.getString("logs")).startsWith("URL: " + r.url("/aw") + "\nMethod: POST\nStatus code: 500");
            assertThat(deliveries(p, "aw", "held")).as("no circuit under Appwrite's policy").isEmpty();

            // Disabled: the next events reach nobody, and are kept as skipped.
            send(p, event("users.u7.create", "s1"));
            send(p, event("users.u8.create", "s2"));
            Await.until("two skipped deliveries", WAIT, () -> deliveries(p, "aw", "skipped").size() == 2 ? true : null);
            r.assertCountStays(3, QUIET);

            // Enabled again: attempts start afresh; the deliveries parked at the disabling go out again (their
            // retries had been waiting), the skipped ones wait for recover.
            failing.set(false);
            put(p, "aw", r.url("/aw"), true, "users.*.create");
            assertThat(p.get("aw").getInteger("attempts")).isZero();
            assertThat(r.awaitCount(6, WAIT).subList(3, 6).stream().map(QueueFixture::marker).toList())
                .containsExactlyInAnyOrder("f0", "f1", "f2");
            r.assertCountStays(6, QUIET);
            JsonObject recovered = p.call("POST", "/webhooks/aw/recover",
                new JsonObject().put("since", iso(since)).encode()).expect(202).json();
            assertThat(recovered.getInteger("requeued")).as("the 2 skipped").isEqualTo(2);
            List<String> got = r.awaitCount(8, WAIT).subList(6, 8).stream().map(QueueFixture::marker).toList();
            assertThat(got).containsExactlyInAnyOrder("s1", "s2");
        }
    }
}
