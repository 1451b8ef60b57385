package io.hookgate.api;

import static io.hookgate.api.ApiAssertions.fresh;
import static io.hookgate.api.ApiAssertions.query;
import static io.hookgate.api.ApiAssertions.queries;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.Receiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The OpenAPI document against the running gateway: one walk through every operation, each real
 * answer validated against the schema the document gives for its operation and status (the
 * {@code default} answer when the status is not listed). The walk must reach every operation with a
 * success, so a route added to the document is also held to what the gateway answers.
 */
class OpenApiConformanceTest {
    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create();

    private static OpenApiDocument document;
    private static Receiver receiver;
    private final Set<String> succeeded = new TreeSet<>();
    private final List<String> failures = new ArrayList<>();

    @BeforeAll
    static void start() {
        document = OpenApiDocument.load();
        receiver = Receiver.start(env.gateway().vertx()).await();
    }

    @AfterAll
    static void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void everyOperationAnswersAsTheDocumentSays() {
        Gateway gw = env.gateway();
        String pid = fresh("oas");
        String admin = gw.adminKey();
        String[] asAdmin = {"X-Appwrite-Key", admin};

        // Projects and keys.
        call("POST", "/projects", "/projects", new JsonObject().put("projectId", pid).put("name", "OpenAPI").encode(),
            201, asAdmin);
        call("GET", "/projects", "/projects", null, 200, asAdmin);
        call("GET", "/projects/{projectId}", "/projects/" + pid, null, 200, asAdmin);
        String key = call("POST", "/projects/{projectId}/keys", "/projects/" + pid + "/keys", new JsonObject()
            .put("name", "all").put("scopes", new JsonArray(List.of("webhooks.read", "webhooks.write", "events.write")))
            .putNull("expire").encode(), 201, asAdmin).getString("secret");
        JsonObject keys = call("GET", "/projects/{projectId}/keys", "/projects/" + pid + "/keys", null, 200, asAdmin);
        String[] asProject = {"X-Appwrite-Project", pid, "X-Appwrite-Key", key};

        // The three webhook flavours.
        String url = receiver.url("/oas");
        webhooks("/webhooks", "/webhooks", "secret", new JsonObject().put("webhookId", "w1").put("url", url)
            .put("name", "w1").put("events", new JsonArray(List.of("users.*"))), asProject);
        webhooks("/projects/{projectId}/webhooks", "/projects/" + pid + "/webhooks", "signature", new JsonObject()
            .put("url", url).put("name", "legacy").put("events", new JsonArray(List.of("users.*")))
            .put("security", false),
            "X-Appwrite-Key", key);
        webhooks("/operational-webhooks", "/operational-webhooks", "secret", new JsonObject().put("webhookId", "ops")
            .put("url", url).put("name", "ops"), asProject);

        // Events, then the deliveries they made.
        call("POST", "/events", "/events", new JsonObject().put("event", "users.u1.create")
            .put("payload", new JsonObject().put("$id", "u1")).encode(), 202, asProject);
        call("POST", "/events", "/events", new JsonObject().put("events", new JsonArray()
            .add(new JsonObject().put("event", "users.u2.create").put("payload", new JsonObject()).put("userId", "u2"))
            .add(new JsonObject().put("$id", "e3").put("event", "users.u3.delete").put("payload", new JsonObject())))
            .encode(), 202, "X-Appwrite-Project", pid, "X-Appwrite-Key", key, "Idempotency-Key", "oas-batch");
        receiver.awaitCount(3, Duration.ofSeconds(20));
        String deliveryId = deliveries(asProject);
        call("GET", "/webhooks/{webhookId}/deliveries", "/webhooks/w1/deliveries?status=delivered&limit=2", null, 200,
            asProject);
        call("GET", "/webhooks/{webhookId}/deliveries/{deliveryId}", "/webhooks/w1/deliveries/" + deliveryId, null,
            200, asProject);
        call("GET", "/webhooks/{webhookId}/deliveries/{deliveryId}/request",
            "/webhooks/w1/deliveries/" + deliveryId + "/request", null, 200, asProject);
        call("GET", "/catalogue", "/catalogue", null, 200, asProject);
        call("GET", "/catalogue/expansion", "/catalogue/expansion?event=users.u1.create", null, 200, asProject);
        call("GET", "/catalogue/expansion", "/catalogue/expansion?event=nope", null, 400, asProject);
        call("POST", "/webhooks/{webhookId}/deliveries/{deliveryId}/retry",
            "/webhooks/w1/deliveries/" + deliveryId + "/retry", null, 202, asProject);
        call("POST", "/webhooks/{webhookId}/recover", "/webhooks/w1/recover",
            new JsonObject().put("since", "2020-01-01T00:00:00.000+00:00").encode(), 202, asProject);

        // Errors, in the documented shape of their status.
        call("GET", "/webhooks/{webhookId}", "/webhooks/nope", null, 404, asProject);
        call("GET", "/webhooks/{webhookId}", "/webhooks/w1", null, 401, "X-Appwrite-Project", pid);
        call("POST", "/webhooks", "/webhooks", "{\"webhookId\": \"w2\"}", 400, asProject);
        call("POST", "/webhooks", "/webhooks", new JsonObject().put("webhookId", "w1").put("url", url).put("name", "w1")
            .put("events", new JsonArray(List.of("users.*"))).encode(), 409, asProject);
        call("GET", "/webhooks", "/webhooks" + queries(query("nonsense", 1)), null, 400, asProject);
        // The legacy routes follow X-Appwrite-Response-Format as the current ones do.
        call("GET", "/projects/{projectId}/webhooks", "/projects/" + pid + "/webhooks", null, 200,
            "X-Appwrite-Project", pid, "X-Appwrite-Key", admin, "X-Appwrite-Response-Format", "1.9.5");
        call("GET", "/webhooks/{webhookId}/deliveries/{deliveryId}", "/webhooks/w1/deliveries/x", null, 404, asProject);

        // Deleting, the document itself.
        call("DELETE", "/webhooks/{webhookId}", "/webhooks/w1", null, 204, asProject);
        call("DELETE", "/projects/{projectId}/keys/{keyId}", "/projects/" + pid + "/keys/"
            + keys.getJsonArray("keys").getJsonObject(0).getString("$id"), null, 204, asAdmin);
        call("DELETE", "/projects/{projectId}", "/projects/" + pid, null, 204, asAdmin);
        call("GET", "/openapi.json", "/openapi.json", null, 200);

        assertThat(failures).as("answers that do not match the OpenAPI document").isEmpty();
        assertThat(succeeded).as("operations the walk reached with a success")
            .isEqualTo(new TreeSet<>(document.operations().stream().map(OpenApiDocument.Operation::name).toList()));
    }

    /** Create, list, get, replace, rotate and delete on one flavour's routes; answers nothing. */
    private void webhooks(String template, String base, String rotate, JsonObject create, String... headers) {
        String id = call("POST", template, base, create.encode(), 201, headers).getString("$id");
        call("GET", template, base + queries(query("limit", 10)), null, 200, headers);
        JsonObject byName = new JsonObject().put("method", "orderDesc").put("attribute", "name");
        call("GET", template, base + queries(byName, query("cursorBefore", id), query("limit", 10)) + "&total=false",
            null, 200, headers);
        call("GET", template, base + queries(query("cursorAfter", "nope")), null, 400, headers);
        call("GET", template + "/{webhookId}", base + "/" + id, null, 200, headers);
        JsonObject update = create.copy();
        update.remove("webhookId");
        call("PUT", template + "/{webhookId}", base + "/" + id, update.put("enabled", true).encode(), 200, headers);
        call("PATCH", template + "/{webhookId}/" + rotate, base + "/" + id + "/" + rotate,
            new JsonObject().put("graceSeconds", 60).encode(), 200, headers);
        if (rotate.equals("secret")) { // the signature key as the console reveals it
            call("GET", template + "/{webhookId}/secret", base + "/" + id + "/secret", null, 200, headers);
        }
        if (!template.equals("/webhooks")) { // the deliveries of /webhooks/w1 come first
            call("DELETE", template + "/{webhookId}", base + "/" + id, null, 204, headers);
        }
    }

    /** The ID of a delivery of w1, once one is listed. */
    private String deliveries(String... headers) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            JsonArray page = call("GET", "/webhooks/{webhookId}/deliveries", "/webhooks/w1/deliveries", null, 200,
                headers).getJsonArray("deliveries");
            if (!page.isEmpty()) {
                return page.getJsonObject(0).getString("$id");
            }
            assertThat(System.nanoTime()).as("a delivery of w1 listed in time").isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * Makes the request, expects {@code status}, and validates the answer against the document's schema
     * for the operation {@code method template} and that status; answers the body (null when empty).
     */
    private JsonObject call(String method, String template, String path, String body, int status, String... headers) {
        Gateway.Reply reply = env.gateway().call(method, path, body, headers).expect(status);
        String operation = method + " " + template;
        String pointer = "/paths/" + OpenApiDocument.escape(template) + "/" + method.toLowerCase(Locale.ROOT);
        JsonNode responses = document.root.at(pointer + "/responses");
        assertThat(responses.isObject()).as("%s is in the document", operation).isTrue();
        String answer = responses.has(Integer.toString(status)) ? Integer.toString(status) : "default";
        JsonNode response = responses.path(answer);
        String responsePointer = pointer + "/responses/" + answer;
        if (response.has("$ref")) {
            responsePointer = response.get("$ref").asText().substring(1);
            response = document.root.at(responsePointer);
        }
        if (response.isMissingNode()) {
            failures.add(operation + " " + status + ": the document lists no such answer");
            return null;
        }
        JsonNode content = response.path("content").path("application/json");
        if (content.isMissingNode()) {
            if (!reply.body().isEmpty()) {
                failures.add(operation + " " + status + ": a body where the document has none");
            }
        } else {
            try {
                List<String> errors = OpenApiDocument.messages(document.schemaAt(responsePointer
                    + "/content/application~1json/schema").validate(OpenApiDocument.MAPPER.readTree(reply.body())));
                if (!errors.isEmpty()) {
                    failures.add(operation + " " + status + ": " + errors + " in " + reply.body());
                }
            } catch (java.io.IOException e) {
                failures.add(operation + " " + status + ": not JSON: " + reply.body());
            }
        }
        if (status < 300) {
            succeeded.add(operation);
        }
        return reply.body().isEmpty() || !reply.body().startsWith("{") ? null : reply.json();
    }
}
