package io.hookgate.delivery;

import static io.hookgate.delivery.Deliveries.QUIET;
import static io.hookgate.delivery.Deliveries.WAIT;
import static io.hookgate.delivery.Deliveries.awaitAttempts;
import static io.hookgate.delivery.Deliveries.awaitPathCount;
import static io.hookgate.delivery.Deliveries.event;
import static io.hookgate.delivery.Deliveries.expansion;
import static io.hookgate.delivery.Deliveries.marker;
import static io.hookgate.delivery.Deliveries.markersByPath;
import static io.hookgate.delivery.Deliveries.projectId;
import static io.hookgate.delivery.Deliveries.send;
import static io.hookgate.delivery.Deliveries.webhookParams;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Answer;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failure bookkeeping (contract section 3) as a real receiver provokes it: the {@code logs} text
 * for a status and for a transport error, {@code attempts} counting consecutive failures, the
 * automatic disabling at {@code maxFailedAttempts} (3 here) and the re-enabling by PUT; plus which
 * answers count as success (3xx, never followed, and read whole within 5 MB) and TLS verification.
 */
class BookkeepingTest {
    private static final int MAX_FAILED_ATTEMPTS = 3;

    @RegisterExtension
    static final GatewayEnv env =
        // Appwrite's policy: its bookkeeping (contract section 3) disables at the limit, without a circuit.
        GatewayEnv.create(Map.of(ConfigKey.MAX_FAILED_ATTEMPTS, String.valueOf(MAX_FAILED_ATTEMPTS),
            ConfigKey.FAILURE_POLICY, "appwrite"));

    @Test
    void aFailedStatusIsLoggedExactlyAndOnlyConsecutiveFailuresCount() {
        Gateway.ProjectClient p = env.gateway().project(projectId("log"));
        try (Receiver r = Deliveries.receiver(env.vertx())) {
            String url = r.url("/fail?x=1");
            p.webhook("w", url, "users.*.create");

            r.respondWith(500, "{\"error\":\"boom\"}\nline 2");
            send(p, event("users.u1.create", marker("e1")));
            JsonObject once = awaitAttempts(p, "w", 1);
            assertThat(once.getString("logs"))
                .isEqualTo("URL: " + url + "\nMethod: POST\nStatus code: 500\nBody: \n{\"error\":\"boom\"}\nline 2\n");
            assertThat(once.getBoolean("enabled")).isTrue();

            r.respondWith(404, "nope");
            send(p, event("users.u1.create", marker("e2")));
            JsonObject twice = awaitAttempts(p, "w", 2);
            assertThat(twice.getString("logs")).isEqualTo("URL: " + url + "\nMethod: POST\nStatus code: 404\nBody: \nnope\n");
            assertThat(twice.getBoolean("enabled")).isTrue();

            r.respondWith(200, "fine");
            send(p, event("users.u1.create", marker("e3")));
            assertThat(awaitAttempts(p, "w", 0).getBoolean("enabled")).isTrue();

            // Counting starts over after a success: one more failure is 1, not 3 (which would disable).
            r.respondWith(503, "");
            send(p, event("users.u1.create", marker("e4")));
            JsonObject again = awaitAttempts(p, "w", 1);
            assertThat(again.getString("logs")).isEqualTo("URL: " + url + "\nMethod: POST\nStatus code: 503\nBody: \n\n");
            assertThat(again.getBoolean("enabled")).isTrue();
            assertThat(markersByPath(r.requests())).isEqualTo(Map.of("/fail", List.of("e1", "e2", "e3", "e4")));
        }
    }

    @Test
    void theLimitDisablesTheWebhookAndAPutWithEnabledResetsItAndResumesDeliveries() {
        Gateway.ProjectClient p = env.gateway().project(projectId("off"));
        try (Receiver r = Deliveries.receiver(env.vertx())) {
            r.respond(req -> req.path().equals("/dead") ? Answer.of(500, "down") : Answer.status(200));
            String deadUrl = r.url("/dead");
            p.webhook("dead", deadUrl, "users.*.create");
            p.webhook("alive", r.url("/alive"), "users.*.create");

            for (int i = 1; i <= MAX_FAILED_ATTEMPTS; i++) {
                send(p, event("users.u1.create", marker("e" + i)));
                JsonObject w = awaitAttempts(p, "dead", i);
                assertThat(w.getBoolean("enabled")).as("enabled after %d failure(s)", i).isEqualTo(i < MAX_FAILED_ATTEMPTS);
            }
            JsonObject disabled = p.get("dead");
            assertThat(disabled.getString("logs")).isEqualTo("URL: " + deadUrl + "\nMethod: POST\nStatus code: 500\nBody: \ndown\n");

            // Disabled: the next event reaches only the healthy webhook.
            send(p, event("users.u1.create", marker("e4")));
            awaitPathCount(r, "/alive", 4);
            List<RecordedRequest> afterDisable = r.assertCountStays(MAX_FAILED_ATTEMPTS + 4, QUIET);
            assertThat(markersByPath(afterDisable)).isEqualTo(Map.of(
                "/dead", List.of("e1", "e2", "e3"),
                "/alive", List.of("e1", "e2", "e3", "e4")));
            assertThat(p.get("dead").getInteger("attempts")).isEqualTo(MAX_FAILED_ATTEMPTS);

            // The endpoint recovers; enabling the webhook again resets attempts and delivers what was
            // parked while it was disabled (e1, e2 were waiting for a retry, e3 was its last failure),
            // oldest first, then new events.
            r.respond(req -> Answer.status(200));
            JsonObject reenabled = p.call("PUT", "/webhooks/dead", new JsonObject().put("name", "dead").put("url", deadUrl)
                .put("events", new JsonArray().add("users.*.create")).put("enabled", true).encode()).expect(200).json();
            assertThat(reenabled.getBoolean("enabled")).isTrue();
            assertThat(reenabled.getInteger("attempts")).isZero();
            List<String> dead = awaitPathCount(r, "/dead", 6).stream().filter(x -> x.path().equals("/dead"))
                .map(x -> x.bodyJson().getString("n")).toList();
            assertThat(dead.subList(0, 3)).containsExactly("e1", "e2", "e3");
            // requeued oldest first, but tried concurrently: arrival order among them is not fixed
            assertThat(dead.subList(3, 6)).containsExactlyInAnyOrder("e1", "e2", "e3");

            send(p, event("users.u1.create", marker("e5")));
            assertThat(markersByPath(awaitPathCount(r, "/dead", 7)).get("/dead")).endsWith("e5");
            assertThat(p.get("dead").getInteger("attempts")).isZero();
            assertThat(p.get("dead").getBoolean("enabled")).isTrue();
        }
    }

    @Test
    void theLoggedResponseBodyIsCutAt10000Bytes() {
        Gateway.ProjectClient p = env.gateway().project(projectId("cut"));
        try (Receiver r = Deliveries.receiver(env.vertx())) {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 15_000; i++) {
                body.append((char) ('a' + (i / 1000)));
            }
            r.respondWith(500, body.toString());
            String url = r.url("/big");
            p.webhook("w", url, "users.*.create");

            send(p, event("users.u1.create", marker("e1")));
            String logs = awaitAttempts(p, "w", 1).getString("logs");

            String head = "URL: " + url + "\nMethod: POST\nStatus code: 500\nBody: \n";
            assertThat(logs).isEqualTo(head + body.substring(0, 10_000) + "\n");
            assertThat(logs).endsWith("j\n").doesNotContain("k");
        }
    }

    /**
     * Appwrite's worker sets curl's {@code CURLOPT_MAXFILESIZE} to 5 MB: a bigger answer fails the transfer
     * (curl's file-size error), whatever its status, and is logged as a CURL Error. curl says so at once
     * when {@code Content-Length} announces too much, and when the bytes pass the limit otherwise.
     */
    @Test
    void anAnswerOverFiveMegabytesIsAFailedTryWithCurlsFileSizeError() {
        int limit = 5 * 1024 * 1024;
        Gateway.ProjectClient p = env.gateway().project(projectId("huge"));
        HttpServer server = env.vertx().createHttpServer().requestHandler(req -> req.body().onSuccess(x -> {
            HttpServerResponse response = req.response().setStatusCode(200);
            Buffer big = Buffer.buffer(new byte[limit + 1]);
            switch (req.path()) {
                case "/announced" -> response.end(big);
                case "/streamed" -> response.setChunked(true).write(big.slice(0, limit / 2))
                    .compose(v -> response.end(big.slice(limit / 2, limit + 1)));
                default -> response.end(Buffer.buffer(new byte[limit]));
            }
        }));
        int port = server.listen(0, "127.0.0.1").await().actualPort();
        try {
            String announced = "http://127.0.0.1:" + port + "/announced";
            String streamed = "http://127.0.0.1:" + port + "/streamed";
            p.webhook("announced", announced, "users.*.create");
            p.webhook("streamed", streamed, "users.*.create");
            p.webhook("exact", "http://127.0.0.1:" + port + "/exact", "users.*.create");

            Gateway.Reply accepted = send(p, event("users.u1.create", marker("e1")));
            String events = "\nEvents: " + String.join(", ", expansion(accepted, 0)) + "\n";

            assertThat(awaitAttempts(p, "announced", 1).getString("logs"))
                .isEqualTo("URL: " + announced + "\nMethod: POST\nCURL Error: Maximum file size exceeded" + events);
            assertThat(awaitAttempts(p, "streamed", 1).getString("logs")).isEqualTo("URL: " + streamed
                + "\nMethod: POST\nCURL Error: Exceeded the maximum allowed file size (" + limit + ") with " + limit
                + " bytes" + events);
            // The try keeps the status that came, and the error that failed it.
            JsonObject tryOfAnnounced = Await.until("the try of announced", WAIT, () -> {
                JsonArray list = p.call("GET", "/webhooks/announced/deliveries", null).expect(200).json()
                    .getJsonArray("deliveries");
                return list.isEmpty() || list.getJsonObject(0).getInteger("attemptCount") == 0 ? null
                    : list.getJsonObject(0);
            });
            assertThat(tryOfAnnounced.getString("status")).isEqualTo("retrying");
            assertThat(tryOfAnnounced.getJsonArray("attempts").getJsonObject(0).getInteger("statusCode")).isEqualTo(200);
            assertThat(tryOfAnnounced.getJsonArray("attempts").getJsonObject(0).getString("error"))
                .isEqualTo("Maximum file size exceeded");
            // Exactly the limit is an answer read whole: delivered.
            Await.until("exact delivered", WAIT, () -> p.call("GET", "/webhooks/exact/deliveries?status=delivered",
                null).expect(200).json().getJsonArray("deliveries").size() == 1);
            JsonObject exact = p.get("exact");
            assertThat(exact.getInteger("attempts")).isZero();
            assertThat(exact.getString("logs")).isEmpty();
        } finally {
            server.close().await();
        }
    }

    @Test
    void aRedirectCountsAsSuccessAndIsNotFollowed() {
        Gateway.ProjectClient p = env.gateway().project(projectId("moved"));
        try (Receiver r = Deliveries.receiver(env.vertx())) {
            AtomicReference<Answer> movedAnswer = new AtomicReference<>(Answer.of(500, "not yet"));
            r.respond(req -> req.path().equals("/moved") ? movedAnswer.get() : Answer.status(200));
            p.webhook("w", r.url("/moved"), "users.*.create");

            send(p, event("users.u1.create", marker("e1")));
            awaitAttempts(p, "w", 1);

            movedAnswer.set(Answer.status(302).withHeader("Location", r.url("/elsewhere")));
            send(p, event("users.u1.create", marker("e2")));
            JsonObject afterRedirect = awaitAttempts(p, "w", 0);
            assertThat(afterRedirect.getBoolean("enabled")).isTrue();

            List<RecordedRequest> got = r.assertCountStays(2, QUIET);
            assertThat(markersByPath(got)).isEqualTo(Map.of("/moved", List.of("e1", "e2")));
        }
    }

    @Test
    void tlsTrueRefusesASelfSignedReceiverAndTlsFalseAcceptsIt() {
        Gateway.ProjectClient p = env.gateway().project(projectId("tls"));
        try (Receiver r = Deliveries.receiver(env.vertx(), true)) {
            String insecureUrl = r.url("/insecure");
            String verifyingUrl = r.url("/verifying");
            assertThat(verifyingUrl).startsWith("https://127.0.0.1:");
            p.webhook(webhookParams("insecure", insecureUrl, "users.*.create").put("tls", false));
            p.webhook(webhookParams("verifying", verifyingUrl, "users.*.create").put("tls", true));

            Gateway.Reply accepted = send(p, event("users.u1.create", marker("e1")));
            JsonObject refused = awaitAttempts(p, "verifying", 1);

            assertThat(refused.getString("logs"))
                .startsWith("URL: " + verifyingUrl + "\nMethod: POST\nCURL Error: ")
                .contains("\nEvents: ")
                .endsWith("\nEvents: " + String.join(", ", expansion(accepted, 0)) + "\n");
            assertThat(refused.getBoolean("enabled")).isTrue();
            RecordedRequest delivered = r.awaitRequest(WAIT);
            assertThat(r.assertCountStays(1, QUIET)).containsExactly(delivered);
            assertThat(delivered.path()).isEqualTo("/insecure");
            assertThat(delivered.bodyJson().getString("n")).isEqualTo("e1");
            JsonObject insecure = p.get("insecure");
            assertThat(insecure.getInteger("attempts")).isZero();
            assertThat(insecure.getString("logs")).isEmpty();
        }
    }

    @Test
    void aDroppedConnectionIsLoggedAsACurlErrorWithTheEvents() {
        Gateway.ProjectClient p = env.gateway().project(projectId("drop"));
        try (Receiver r = Deliveries.receiver(env.vertx())) {
            r.respond(req -> Answer.dropConnection());
            String url = r.url("/drop");
            p.webhook("w", url, "users.*.update.email");

            send(p, event("users.u1.update.email", marker("e1")));
            JsonObject w = awaitAttempts(p, "w", 1);

            assertThat(w.getString("logs"))
                .startsWith("URL: " + url + "\nMethod: POST\nCURL Error: ")
                .endsWith("\nEvents: users.u1.update, users.*.update, users.u1.update.email, users.*.update.email,"
                    + " users.u1, users.*\n");
            assertThat(w.getBoolean("enabled")).isTrue();
            assertThat(r.requests()).hasSize(1);
        }
    }
}
