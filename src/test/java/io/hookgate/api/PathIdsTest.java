package io.hookgate.api;

import static io.hookgate.api.ApiAssertions.fresh;
import static io.hookgate.testsupport.AppwriteError.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Answer;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.Receiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every route with an ID in its path, every ID of that path in turn malformed (the others naming real
 * resources): Appwrite IDs ({@code projectId}, {@code keyId}, {@code webhookId}) answer Appwrite's 400
 * {@code general_argument_invalid} naming the parameter; a {@code deliveryId} that is not 28 lowercase
 * hex chars answers the 404 {@code delivery_not_found} of an unknown delivery; on the legacy
 * {@code /v1/projects/{projectId}/webhooks} routes the project ID is the authentication scope and
 * answers what an unknown project does, 404 {@code project_not_found}. Never a 5xx (a delivery ID with
 * {@code :tries} appended used to name another Redis key: 503 and a WRONGTYPE error), and nothing is
 * changed: the project, key, webhook and delivery are all there afterwards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PathIdsTest {
    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create(Map.of(ConfigKey.RETRY_SCHEDULE, "100ms"));

    private static Receiver receiver;
    private static Gateway.ProjectClient project;
    private static String keyId;
    private static String deliveryId;

    /** Method, path with {@code {name}} slots, who calls it, a valid body. */
    private record Route(String method, String path, boolean admin, JsonObject body) {
        @Override
        public String toString() {
            return method + " /v1" + path;
        }
    }

    private static final JsonObject WEBHOOK = new JsonObject().put("url", "http://127.0.0.1:9/x").put("name", "n")
        .put("events", new JsonArray().add("users.*"));

    private static final List<Route> ROUTES = List.of(
        new Route("GET", "/projects/{projectId}", true, null),
        new Route("DELETE", "/projects/{projectId}", true, null),
        new Route("POST", "/projects/{projectId}/keys", true,
            new JsonObject().put("name", "k").put("scopes", new JsonArray().add("webhooks.read"))),
        new Route("GET", "/projects/{projectId}/keys", true, null),
        new Route("DELETE", "/projects/{projectId}/keys/{keyId}", true, null),
        new Route("GET", "/webhooks/{webhookId}", false, null),
        new Route("PUT", "/webhooks/{webhookId}", false, WEBHOOK),
        new Route("PATCH", "/webhooks/{webhookId}/secret", false, new JsonObject()),
        new Route("DELETE", "/webhooks/{webhookId}", false, null),
        new Route("GET", "/webhooks/{webhookId}/deliveries", false, null),
        new Route("GET", "/webhooks/{webhookId}/deliveries/{deliveryId}", false, null),
        new Route("POST", "/webhooks/{webhookId}/deliveries/{deliveryId}/retry", false, null),
        new Route("POST", "/webhooks/{webhookId}/recover", false, new JsonObject().put("since", "2020-01-01T00:00:00Z")),
        new Route("POST", "/projects/{projectId}/webhooks", true, WEBHOOK),
        new Route("GET", "/projects/{projectId}/webhooks", true, null),
        new Route("GET", "/projects/{projectId}/webhooks/{webhookId}", true, null),
        new Route("PUT", "/projects/{projectId}/webhooks/{webhookId}", true, WEBHOOK),
        new Route("PATCH", "/projects/{projectId}/webhooks/{webhookId}/signature", true, new JsonObject()),
        new Route("DELETE", "/projects/{projectId}/webhooks/{webhookId}", true, null));

    /** Malformed Appwrite IDs, as they appear in the path (percent-encoded where needed). */
    private static final List<String> BAD_APPWRITE_IDS = List.of("w1:tries", "w1%3Atries", "bad%20id", "%7Bp%7D",
        ".dot", "-dash", "a".repeat(37), "%C3%A9t%C3%A9");

    @BeforeAll
    static void createEverything() throws Exception {
        receiver = Receiver.start(env.vertx()).await(10, TimeUnit.SECONDS);
        // The first try fails, so the delivery keeps its older try in a list at "<its key>:tries".
        AtomicInteger tries = new AtomicInteger();
        receiver.respond(req -> tries.incrementAndGet() == 1 ? Answer.status(500) : Answer.status(200));
        project = env.gateway().project(fresh("ids"));
        keyId = env.gateway().admin("POST", "/projects/" + project.projectId() + "/keys",
            new JsonObject().put("name", "k").put("scopes", new JsonArray().add("webhooks.read")).encode())
            .expect(201).json().getString("$id");
        project.webhook("w1", receiver.url("/w1"), "users.*.create");
        project.send(new JsonObject().put("event", "users.u1.create").put("payload", new JsonObject()).encode())
            .expect(202);
        deliveryId = Await.until("the delivery, delivered at its second try", Duration.ofSeconds(10), () -> {
            JsonArray d = project.call("GET", "/webhooks/w1/deliveries", null).expect(200).json()
                .getJsonArray("deliveries");
            return d.isEmpty() || d.getJsonObject(0).getInteger("attemptCount") < 2
                || !d.getJsonObject(0).getString("status").equals("delivered") ? null : d.getJsonObject(0).getString("$id");
        });
        assertThat(deliveryId).matches("[0-9a-f]{28}");
    }

    @AfterAll
    static void stopReceiver() {
        if (receiver != null) {
            receiver.close();
        }
    }

    static Stream<Arguments> malformedIds() {
        List<Arguments> cases = new ArrayList<>();
        for (Route r : ROUTES) {
            boolean legacy = r.path().startsWith("/projects/{projectId}/webhooks");
            for (String slot : List.of("projectId", "keyId", "webhookId", "deliveryId")) {
                if (!r.path().contains("{" + slot + "}")) {
                    continue;
                }
                List<String> bad = slot.equals("deliveryId") ? List.of("{real}:tries", "{real}%3Atries",
                    "{REAL}", "{real}0", "{short}", "w1", "bad%20id", "a".repeat(37)) : BAD_APPWRITE_IDS;
                for (String value : bad) {
                    if (slot.equals("deliveryId")) {
                        cases.add(Arguments.of(r, slot, value, 404, "delivery_not_found"));
                    } else if (slot.equals("projectId") && legacy) {
                        cases.add(Arguments.of(r, slot, value, 404, "project_not_found"));
                    } else {
                        cases.add(Arguments.of(r, slot, value, 400, "general_argument_invalid"));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} with {1} = {2}: {3} {4}")
    @Order(1)
    @MethodSource("malformedIds")
    void aMalformedIdInThePathIsRefusedBeforeTheStore(Route route, String slot, String value, int status, String type) {
        String bad = value.replace("{real}", deliveryId).replace("{REAL}", deliveryId.toUpperCase())
            .replace("{short}", deliveryId.substring(1));
        Map<String, String> ids = Map.of("projectId", project.projectId(), "keyId", keyId, "webhookId", "w1",
            "deliveryId", deliveryId);
        String path = route.path();
        for (Map.Entry<String, String> id : ids.entrySet()) {
            path = path.replace("{" + id.getKey() + "}", id.getKey().equals(slot) ? bad : id.getValue());
        }
        String body = route.body() == null ? null : route.body().encode();

        Gateway.Reply reply = route.admin() ? env.gateway().admin(route.method(), path, body)
            : project.call(route.method(), path, body);

        String message = assertError(reply, status, type);
        if (status == 400) {
            assertThat(message).isEqualTo("Invalid `" + slot + "` param: Parameter must contain at most 36 chars."
                + " Valid chars are a-z, A-Z, 0-9, period, hyphen, and underscore. Can't start with a special char.");
        }
    }

    @Test
    @Order(2)
    void nothingWasChangedByAnyOfThem() {
        env.gateway().admin("GET", "/projects/" + project.projectId(), null).expect(200);
        assertThat(env.gateway().admin("GET", "/projects/" + project.projectId() + "/keys", null).expect(200).json()
            .getJsonArray("keys").stream().map(k -> ((JsonObject) k).getString("$id"))).contains(keyId);
        assertThat(project.get("w1").getString("url")).isEqualTo(receiver.url("/w1"));
        project.call("GET", "/webhooks/w1/deliveries/" + deliveryId, null).expect(200);
    }
}
