package io.hookgate.queue;

import static io.hookgate.queue.QueueFixture.QUIET;
import static io.hookgate.queue.QueueFixture.WAIT;
import static io.hookgate.queue.QueueFixture.at;
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
import io.hookgate.testsupport.RecordedRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /v1/operational-webhooks}: a project's receivers of Hookgate's notices about its webhooks,
 * managed apart from its webhooks (neither kind is found through the other's routes), subscribed to
 * {@code webhook.failing}, {@code webhook.recovered} and {@code webhook.disabled} only; a platform cannot
 * send those; and no notice is ever made about an operational webhook.
 */
class OperationalWebhooksTest {
    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create(Map.of(ConfigKey.CIRCUIT_OPEN_AFTER, "2",
        ConfigKey.RETRY_SCHEDULE, "300ms,300ms,300ms,300ms"));

    @Test
    void theyAreManagedApartFromWebhooksAndSubscribeToNoticesOnly() {
        Gateway.ProjectClient p = env.gateway().project(projectId("opsapi"));
        p.webhook("regular", "http://127.0.0.1:9/r", "users.*.create");
        JsonObject ops = p.call("POST", "/operational-webhooks", new JsonObject().put("webhookId", "ops")
            .put("name", "pager").put("url", "http://127.0.0.1:9/ops").encode()).expect(201).json();
        assertThat(ops.getJsonArray("events")).containsExactly("webhook.failing", "webhook.recovered",
            "webhook.disabled");
        assertThat(ops.getString("secret")).hasSize(128);
        assertThat(ops.getString("status")).isEqualTo("healthy");

        assertThat(p.call("GET", "/operational-webhooks", null).expect(200).json().getJsonArray("webhooks"))
            .extracting(w -> ((JsonObject) w).getString("$id")).containsExactly("ops");
        assertThat(p.call("GET", "/webhooks", null).expect(200).json().getJsonArray("webhooks"))
            .extracting(w -> ((JsonObject) w).getString("$id")).containsExactly("regular");
        assertThat(p.call("GET", "/webhooks/ops", null).status()).isEqualTo(404);
        assertThat(p.call("GET", "/operational-webhooks/regular", null).status()).isEqualTo(404);
        assertThat(p.call("DELETE", "/webhooks/ops", null).status()).isEqualTo(404);
        p.call("GET", "/operational-webhooks/ops", null).expect(200);

        JsonObject one = p.call("PUT", "/operational-webhooks/ops", new JsonObject().put("name", "pager")
            .put("url", "http://127.0.0.1:9/ops").put("events", new JsonArray().add("webhook.disabled")).encode())
            .expect(200).json();
        assertThat(one.getJsonArray("events")).containsExactly("webhook.disabled");

        JsonObject bad = p.call("POST", "/operational-webhooks", new JsonObject().put("webhookId", "bad").put("name", "x")
            .put("url", "http://127.0.0.1:9/x").put("events", new JsonArray().add("users.*.create")).encode())
            .expect(400).json();
        assertThat(bad.getString("message")).contains("webhook.failing");
        assertThat(p.call("POST", "/webhooks", new JsonObject().put("webhookId", "sneaky").put("name", "x")
            .put("url", "http://127.0.0.1:9/x").put("events", new JsonArray().add("webhook.failing")).encode())
            .status()).as("a webhook cannot subscribe to notices").isEqualTo(400);
        assertThat(p.send(new JsonObject().put("event", "webhook.failing").put("payload", new JsonObject()).encode())
            .status()).as("a platform cannot send one").isEqualTo(400);

        p.call("DELETE", "/operational-webhooks/ops", null).expect(204);
        assertThat(p.call("GET", "/operational-webhooks/ops", null).status()).isEqualTo(404);
    }

    @Test
    void noticesFollowAWebhooksCircuitButNeverAnOperationalWebhooksOwn() {
        Gateway.ProjectClient p = env.gateway().project(projectId("opsflow"));
        AtomicBoolean down = new AtomicBoolean(true);
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            // The hook's receiver, and one operational webhook that fails too: its circuit opens, silently.
            r.respond(req -> switch (req.path()) {
                case "/hook" -> down.get() ? Answer.status(503) : Answer.status(200);
                case "/broken-ops" -> Answer.status(500);
                default -> Answer.status(200);
            });
            p.webhook("hook", r.url("/hook"), "users.*.create");
            for (String id : List.of("ops", "broken-ops")) {
                p.call("POST", "/operational-webhooks", new JsonObject().put("webhookId", id).put("name", id)
                    .put("url", r.url("/" + id)).encode()).expect(201);
            }
            for (int i = 0; i < 3; i++) {
                send(p, event("users.u" + i + ".create", "e" + i));
            }
            Await.until("a failing notice", WAIT, () -> !at(r, "/ops").isEmpty());
            down.set(false);
            Await.until("a recovered notice", WAIT, () -> at(r, "/ops").size() >= 2);
            List<RecordedRequest> notices = at(r, "/ops");
            assertThat(notices).extracting(n -> n.bodyJson().getString("type"))
                .containsExactly("webhook.failing", "webhook.recovered");
            assertThat(notices).extracting(n -> n.bodyJson().getJsonObject("data").getString("webhookId"))
                .containsOnly("hook");
            // broken-ops got the same notices, failed them and opened its own circuit: no notice about it.
            Await.until("broken-ops failing", WAIT,
                () -> "failing".equals(p.call("GET", "/operational-webhooks/broken-ops", null).json().getString("status")));
            // Over a quiet moment (broken-ops keeps being probed meanwhile), /ops gets nothing more.
            r.assertCountStays(req -> req.path().equals("/ops"), 2, QUIET);
        }
    }
}
