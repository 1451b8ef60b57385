package io.hookgate.api;

import static io.hookgate.api.ApiAssertions.fresh;
import static io.hookgate.testsupport.AppwriteError.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.hookgate.events.CatalogueListing;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.LogCapture;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;

/**
 * The console's routes: its files with their security headers, the catalogue, the reveal of a
 * webhook's signature key (scope, audit line, never the value in a log) and the rebuilt request of a
 * delivery, checked against what a real receiver got. The browser walk is {@code ConsoleBrowserTest}.
 */
class ConsoleRoutesTest {
    private static final Path CONSOLE = Path.of("src/main/resources/console");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create();

    @Test
    void theConsoleIsServedFromTheJarWithAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> root = get("/console");
        assertThat(root.statusCode()).isEqualTo(302);
        assertThat(root.headers().firstValue("Location")).hasValue("/console/");

        HttpResponse<String> index = get("/console/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type"))
            .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(index.body()).contains("<script type=\"module\" src=\"js/main.js\"></script>");
        String csp = index.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp)
            .contains("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "connect-src 'self'")
            .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:", "*");
        assertThat(index.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(index.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(index.headers().firstValue("Cache-Control")).hasValue("no-cache");

        HttpResponse<String> module = get("/console/js/main.js");
        assertThat(module.statusCode()).isEqualTo(200);
        assertThat(module.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        String etag = module.headers().firstValue("ETag").orElseThrow();
        assertThat(send(HttpRequest.newBuilder(uri("/console/js/main.js")).header("If-None-Match", etag).build())
            .statusCode()).isEqualTo(304);
        assertThat(get("/console/console.css").headers().firstValue("Content-Type"))
            .hasValue("text/css; charset=utf-8");

        // Nothing outside the folder, nothing but its file types, and the API's 404 otherwise.
        for (String path : List.of("/console/missing.js", "/console/%2e%2e/events.json", "/console/../logback.xml",
                "/console/logback.xml", "/console/js/../../events.json", "/console/index.HTML")) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).contains("general_route_not_found");
        }
        assertThat(send(HttpRequest.newBuilder(uri("/console/")).POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build()).statusCode()).isEqualTo(404);
    }

    @Test
    void noConsoleCodeTurnsStringsIntoHtmlAndThePageHasNoInlineCodeOrStyle() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(CONSOLE)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString()).contains("index.html", "main.js", "console.css");
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            assertThat(text).as(file.toString()).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML",
                "document.write", "eval(", "new Function", "localStorage", "document.cookie");
            if (!file.toString().endsWith(".js")) {
                assertThat(text).as(file.toString()).doesNotContain("http://", "https://");
            } else if (!file.endsWith(Path.of("js", "api.js"))) {
                // One place talks to the gateway (relative /v1 URLs); the browser walk checks every request.
                assertThat(text).as(file.toString()).doesNotContain("fetch(", "XMLHttpRequest", "WebSocket");
            }
        }
        String index = Files.readString(CONSOLE.resolve("index.html"), StandardCharsets.UTF_8);
        assertThat(index).doesNotContainPattern("<script(?![^>]*\\bsrc=)").doesNotContainPattern("\\sstyle=")
            .doesNotContainPattern("\\son[a-z]+=").doesNotContain("<style");
    }

    @Test
    void theCatalogueListsTheSubscribableEventsAndExpandsAConcreteOne() {
        Gateway.ProjectClient p = env.gateway().project(fresh("cat"));
        JsonObject catalogue = p.call("GET", "/catalogue", null).expect(200).json();
        assertThat(catalogue.getInteger("total")).isEqualTo(CatalogueListing.load().size());
        assertThat(catalogue.getJsonArray("events").getJsonObject(0).getString("event")).isEqualTo("users.*");
        assertThat(catalogue.getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("event")))
            .contains("users.*.update.email", "databases.*.collections.*.documents.*.create");

        JsonObject expansion = p.call("GET", "/catalogue/expansion?event=users.u1.update.email", null).expect(200)
            .json();
        assertThat(expansion.getJsonArray("expansion")).containsExactly("users.u1.update", "users.*.update",
            "users.u1.update.email", "users.*.update.email", "users.u1", "users.*");
        ApiAssertions.assertInvalid(p.call("GET", "/catalogue/expansion?event=users.*.update", null), "event");
        ApiAssertions.assertInvalid(p.call("GET", "/catalogue/expansion?event=users.u1.explode", null), "explode");
        ApiAssertions.assertInvalid(p.call("GET", "/catalogue/expansion", null), "event");

        // No project and no key: Appwrite's guest, who has no scope.
        assertError(env.gateway().call("GET", "/catalogue", null), 401, "general_unauthorized_scope");
        assertError(env.gateway().call("GET", "/catalogue", null, "X-Appwrite-Project", p.projectId(),
            "X-Appwrite-Key", env.gateway().key(p.projectId(), "events.write")), 401, "general_unauthorized_scope");
        env.gateway().call("GET", "/catalogue", null, "X-Appwrite-Project", p.projectId(),
            "X-Appwrite-Key", env.gateway().adminKey()).expect(200);
    }

    @Test
    void revealingTheSignatureKeyNeedsWriteAccessIsLoggedAndNeverLogsTheValue() {
        Gateway.ProjectClient p = env.gateway().project(fresh("reveal"));
        String secret = "reveal-me-secret-F6";
        p.webhook(new JsonObject().put("webhookId", "w").put("name", "w").put("url", "https://example.com/hook")
            .put("events", new JsonArray().add("users.*")).put("secret", secret));
        try (LogCapture log = LogCapture.attach(Logger.ROOT_LOGGER_NAME).open(Level.DEBUG, "io.hookgate", "hookgate")
                .quiet()) {
            Gateway.Reply reply = p.call("GET", "/webhooks/w/secret", null).expect(200);
            assertThat(reply.header("Cache-Control")).isEqualTo("no-store");
            JsonObject keys = reply.json();
            assertThat(keys.getString("secret")).isEqualTo(secret);
            assertThat(keys.getString("standardWebhooksSecret")).isEqualTo("whsec_"
                + Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
            assertThat(keys.getJsonArray("previousSecrets")).isEmpty();

            // A rotation with a grace period: the new key, and the previous one while it still signs.
            String next = p.call("PATCH", "/webhooks/w/secret", new JsonObject().put("graceSeconds", 3600).encode())
                .expect(200).json().getString("secret");
            JsonObject rotated = p.call("GET", "/webhooks/w/secret", null).expect(200).json();
            assertThat(rotated.getString("secret")).isEqualTo(next);
            assertThat(rotated.getJsonArray("previousSecrets")).singleElement()
                .satisfies(o -> assertThat(((JsonObject) o).getString("secret")).isEqualTo(secret));

            assertThat(log.lines()).filteredOn(l -> l.contains("hookgate.audit - webhook secret revealed")).hasSize(2);
            assertThat(log.records()).filteredOn(l -> l.contains("webhook secret revealed"))
                .allSatisfy(l -> assertThat(l)
                    .contains("webhook=\"w\"", "project=\"" + p.projectId() + "\"", "requestId="));
            assertThat(log.records()).isNotEmpty().allSatisfy(l -> assertThat(l).doesNotContain(secret, next));
        }

        String readOnly = env.gateway().key(p.projectId(), "webhooks.read");
        assertError(env.gateway().call("GET", "/webhooks/w/secret", null, "X-Appwrite-Project", p.projectId(),
            "X-Appwrite-Key", readOnly), 401, "general_unauthorized_scope");
        Gateway.ProjectClient other = env.gateway().project(fresh("other"));
        assertError(env.gateway().call("GET", "/webhooks/w/secret", null, "X-Appwrite-Project", p.projectId(),
            "X-Appwrite-Key", other.key()), 401, "user_unauthorized");
        assertError(other.call("GET", "/webhooks/w/secret", null), 404, "webhook_not_found");
        assertError(p.call("GET", "/operational-webhooks/w/secret", null), 404, "webhook_not_found");
    }

    @Test
    void theRebuiltRequestIsWhatTheReceiverGot() throws Exception {
        Gateway.ProjectClient p = env.gateway().project(fresh("req"));
        Receiver receiver = Receiver.start(env.vertx()).await(10, TimeUnit.SECONDS);
        try {
            String url = receiver.url("/hooks/a%20b?x=1");
            p.webhook(new JsonObject().put("webhookId", "w").put("name", "Orders \u00e9").put("url", url)
                .put("events", new JsonArray().add("users.*.update.email")).put("authUsername", "alice")
                .put("authPassword", "pw-1").put("secret", "request-secret-G7"));
            p.call("PATCH", "/webhooks/w/secret", new JsonObject().put("secret", "request-secret-H8")
                .put("graceSeconds", 600).encode()).expect(200);
            p.send("{\"event\":\"users.u-9.update.email\",\"userId\":\"u-9\",\"payload\":{\"a\":\"\\u00e9\\/\"}}")
                .expect(202);
            RecordedRequest got = receiver.awaitRequest(Duration.ofSeconds(10));
            String deliveryId = got.header("webhook-id");
            Await.until("the try is recorded", Duration.ofSeconds(10), () -> p.call("GET",
                "/webhooks/w/deliveries/" + deliveryId, null).json().getInteger("attemptCount") == 1 ? true : null);

            JsonObject request = p.call("GET", "/webhooks/w/deliveries/" + deliveryId + "/request", null).expect(200)
                .json();
            assertThat(request.getString("method")).isEqualTo("POST");
            assertThat(request.getString("url")).isEqualTo(url);
            assertThat(request.getString("body")).isEqualTo(got.bodyString());
            JsonObject headers = request.getJsonObject("headers");
            for (String name : List.of("Content-Type", "X-Appwrite-Webhook-Id", "X-Appwrite-Webhook-Events",
                    "X-Appwrite-Webhook-User-Id", "X-Appwrite-Webhook-Project-Id", "X-Appwrite-Webhook-Signature",
                    "Authorization", "webhook-id")) {
                assertThat(headers.getString(name)).as(name).isEqualTo(got.header(name));
            }
            // The name goes out as its UTF-8 bytes; the view shows the name.
            assertThat(new String(got.header("X-Appwrite-Webhook-Name").getBytes(StandardCharsets.ISO_8859_1),
                StandardCharsets.UTF_8)).isEqualTo(headers.getString("X-Appwrite-Webhook-Name"));
            // The Standard Webhooks timestamp is the try's second, which the dispatcher reads a moment later.
            long ours = Long.parseLong(headers.getString("webhook-timestamp"));
            long theirs = Long.parseLong(got.header("webhook-timestamp"));
            assertThat(theirs - ours).isBetween(0L, 1L);
            assertThat(request.getLong("timestamp")).isEqualTo(ours);
            assertThat(headers.getString("webhook-signature").split(" ")).containsExactly(
                standardSignature("request-secret-H8", deliveryId, ours, got.body()),
                standardSignature("request-secret-G7", deliveryId, ours, got.body()));
            if (ours == theirs) {
                assertThat(headers.getString("webhook-signature")).isEqualTo(got.header("webhook-signature"));
            }

            String readOnly = env.gateway().key(p.projectId(), "webhooks.read");
            env.gateway().call("GET", "/webhooks/w/deliveries/" + deliveryId + "/request", null,
                "X-Appwrite-Project", p.projectId(), "X-Appwrite-Key", readOnly).expect(200);
            p.webhook("other", url, "users.*");
            assertError(p.call("GET", "/webhooks/other/deliveries/" + deliveryId + "/request", null), 404,
                "delivery_not_found");
            assertError(p.call("GET", "/webhooks/w/deliveries/" + "0".repeat(28) + "/request", null), 404,
                "delivery_not_found");
        } finally {
            receiver.close();
        }
    }

    /** The Standard Webhooks signature written from the contract, not with io.hookgate.signing. */
    private static String standardSignature(String secret, String id, long timestamp, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    }

    private static URI uri(String path) {
        return URI.create(env.gateway().endpoint().replaceFirst("/v1$", "") + path);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).build());
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
