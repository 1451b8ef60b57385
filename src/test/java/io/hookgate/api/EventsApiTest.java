package io.hookgate.api;

import static io.hookgate.api.ApiAssertions.assertInvalid;
import static io.hookgate.api.ApiAssertions.fresh;
import static io.hookgate.api.ApiAssertions.webhookBody;
import static io.hookgate.testsupport.AppwriteError.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code POST /v1/events} against a gateway with small limits (5 events per batch, 256-byte
 * payloads, 4 KiB requests) so every limit is cheap to cross.
 */
class EventsApiTest {
    private static final int MAX_BATCH = 5;
    private static final int MAX_EVENT_BYTES = 256;
    private static final int MAX_REQUEST_BYTES = 4096;
    private static final Duration DELIVERY = Duration.ofSeconds(10);

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create(Map.of(
        ConfigKey.MAX_BATCH_EVENTS, String.valueOf(MAX_BATCH),
        ConfigKey.MAX_EVENT_BYTES, String.valueOf(MAX_EVENT_BYTES),
        ConfigKey.MAX_REQUEST_BYTES, String.valueOf(MAX_REQUEST_BYTES)));

    private static Gateway.ProjectClient project() {
        return env.gateway().project(fresh("ev"));
    }

    private static String event(String name, String payload) {
        return "{\"event\":\"" + name + "\",\"payload\":" + payload + "}";
    }

    @Test
    void oneEventIsAcceptedWith202AnIdAndItsExpansion() {
        JsonObject answer = project().send(event("users.u1.update.email", "{\"x\":1}")).expect(202).json();

        assertThat(answer.getInteger("total")).isEqualTo(1);
        JsonObject accepted = answer.getJsonArray("events").getJsonObject(0);
        assertThat(accepted.getString("$id")).matches("[0-9a-f]{20}");
        assertThat(accepted.getString("event")).isEqualTo("users.u1.update.email");
        assertThat(accepted.getJsonArray("expansion").getList()).containsExactly("users.u1.update", "users.*.update",
            "users.u1.update.email", "users.*.update.email", "users.u1", "users.*");
    }

    @Test
    void givenIdAndUserIdAreAccepted() {
        JsonObject answer = project().send("{\"$id\":\"evt-42\",\"event\":\"users.u1.create\",\"userId\":\"u1\","
            + "\"payload\":{}}").expect(202).json();

        assertThat(answer.getJsonArray("events").getJsonObject(0).getString("$id")).isEqualTo("evt-42");
    }

    @Test
    void aBatchIsAcceptedInOrder() {
        JsonObject body = new JsonObject().put("events", new JsonArray()
            .add(new JsonObject().put("$id", "b1").put("event", "users.u1.create").put("payload", new JsonObject()))
            .add(new JsonObject().put("event", "teams.t1.delete").put("payload", new JsonObject().put("n", 2))));

        JsonObject answer = project().send(body.encode()).expect(202).json();

        assertThat(answer.getInteger("total")).isEqualTo(2);
        JsonArray events = answer.getJsonArray("events");
        assertThat(events.getJsonObject(0).getString("$id")).isEqualTo("b1");
        assertThat(events.getJsonObject(0).getString("event")).isEqualTo("users.u1.create");
        assertThat(events.getJsonObject(1).getString("event")).isEqualTo("teams.t1.delete");
        assertThat(events.getJsonObject(1).getString("$id")).matches("[0-9a-f]{20}");
        assertThat(events.getJsonObject(1).getJsonArray("expansion").getList()).contains("teams.*.delete");
    }

    @Test
    void aBatchOfExactlyTheLimitIsAccepted() {
        JsonArray events = new JsonArray();
        for (int i = 0; i < MAX_BATCH; i++) {
            events.add(new JsonObject().put("event", "users.u" + i + ".create").put("payload", new JsonObject()));
        }
        assertThat(project().send(new JsonObject().put("events", events).encode()).expect(202).json()
            .getInteger("total")).isEqualTo(MAX_BATCH);
    }

    @Test
    void anAcceptedEventReachesASubscribedWebhookWithThePayloadBytesUnchanged() {
        Gateway.ProjectClient p = project();
        try (Receiver receiver = Receiver.start(env.gateway().vertx()).await()) {
            p.webhook(webhookBody("sub", receiver.url("/in"), "users.*.create"));
            String payload = "{ \"b\" : 2,\n  \"a\":[1, 2.50, \"\\u00e9\"] }";

            p.send(event("users.u7.create", payload)).expect(202);

            RecordedRequest delivered = receiver.awaitRequest(DELIVERY);
            assertThat(new String(delivered.body(), StandardCharsets.UTF_8)).isEqualTo(payload);
            assertThat(delivered.header("X-Appwrite-Webhook-Events")).startsWith("users.u7.create,users.*.create");
        }
    }

    @Test
    void aRefusedBatchStoresNoneOfItsEvents() {
        Gateway.ProjectClient p = project();
        try (Receiver receiver = Receiver.start(env.gateway().vertx()).await()) {
            p.webhook(webhookBody("sub", receiver.url("/in"), "users.*.create"));
            String batch = "{\"events\":[" + event("users.first.create", "{\"n\":\"first\"}") + ","
                + event("users.second.explode", "{}") + "]}";

            assertInvalid(p.send(batch), "events[1]", "explode");

            // A later valid event arrives alone: the valid half of the refused batch was never stored.
            p.send(event("users.marker.create", "{\"n\":\"marker\"}")).expect(202);
            receiver.awaitRequest(DELIVERY);
            List<RecordedRequest> all = receiver.assertCountStays(1, Duration.ofMillis(300));
            assertThat(new String(all.get(0).body(), StandardCharsets.UTF_8)).contains("marker");
        }
    }

    /** Name, body, fragments the 400 message must contain. */
    static Stream<Arguments> invalidBodies() {
        String tooMany = "{\"events\":[" + String.join(",", Collections.nCopies(MAX_BATCH + 1,
            event("users.u1.create", "{}"))) + "]}";
        String bigPayload = "{\"s\":\"" + "x".repeat(MAX_EVENT_BYTES) + "\"}";
        return Stream.of(
            Arguments.of("unknown event name", event("users.u1.explode", "{}"), List.of("event", "explode")),
            Arguments.of("unknown type", event("robots.r1.create", "{}"), List.of("robots")),
            Arguments.of("empty part", event("users..create", "{}"), List.of("users..create", "empty")),
            Arguments.of("star as id", event("users.*.create", "{}"), List.of("*", "concrete")),
            Arguments.of("one part", event("users", "{}"), List.of("users", "parts")),
            Arguments.of("id with invalid char", event("users._u1.create", "{}"), List.of("_u1")),
            Arguments.of("missing event", "{\"payload\":{}}", List.of("event", "required")),
            Arguments.of("event not a string", "{\"event\":5,\"payload\":{}}", List.of("event", "string")),
            Arguments.of("missing payload", "{\"event\":\"users.u1.create\"}", List.of("payload", "required")),
            Arguments.of("payload is a string", event("users.u1.create", "\"{}\""), List.of("payload", "object")),
            Arguments.of("payload is an array", event("users.u1.create", "[]"), List.of("payload", "object")),
            Arguments.of("payload is null", event("users.u1.create", "null"), List.of("payload", "object")),
            Arguments.of("unknown field", "{\"event\":\"users.u1.create\",\"payload\":{},\"data\":1}",
                List.of("data")),
            Arguments.of("invalid $id", "{\"$id\":\"-x\",\"event\":\"users.u1.create\",\"payload\":{}}",
                List.of("$id")),
            Arguments.of("invalid userId", "{\"userId\":\"a b\",\"event\":\"users.u1.create\",\"payload\":{}}",
                List.of("userId")),
            Arguments.of("duplicate field", "{\"event\":\"users.u1.create\",\"event\":\"users.u2.create\","
                + "\"payload\":{}}", List.of("event")),
            Arguments.of("empty batch", "{\"events\":[]}", List.of("events", "empty")),
            Arguments.of("batch not an array", "{\"events\":{}}", List.of("events", "array")),
            Arguments.of("batch item not an object", "{\"events\":[1]}", List.of("events[0]", "object")),
            Arguments.of("bad event inside a batch", "{\"events\":[" + event("users.u1.create", "{}") + ","
                + "{\"event\":\"users.u2.create\"}]}", List.of("events[1]", "payload")),
            Arguments.of("batch over the limit", tooMany, List.of("events", String.valueOf(MAX_BATCH))),
            Arguments.of("payload over the limit", event("users.u1.create", bigPayload),
                List.of("payload", String.valueOf(MAX_EVENT_BYTES))),
            Arguments.of("empty body", "", List.of("empty")),
            Arguments.of("array body", "[" + event("users.u1.create", "{}") + "]", List.of("object")),
            Arguments.of("malformed JSON", "{\"event\":\"users.u1.create\",\"payload\":{", List.of("JSON")),
            Arguments.of("trailing content", event("users.u1.create", "{}") + "{}", List.of("after")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidBodies")
    void invalidEventBodyIs400NamingTheProblem(String name, String body, List<String> fragments) {
        assertInvalid(project().send(body), fragments.toArray(String[]::new));
    }

    @Test
    void bodyOverMaxRequestBytesIs413InTheErrorShape() {
        String huge = event("users.u1.create", "{\"s\":\"" + "x".repeat(MAX_REQUEST_BYTES) + "\"}");

        String message = assertError(project().send(huge), 413, "general_payload_too_large");

        assertThat(message).containsIgnoringCase("larger");
    }

    @Test
    void ingestionForADeletedProjectIsRefused() {
        Gateway.ProjectClient p = project();
        env.gateway().admin("DELETE", "/projects/" + p.projectId(), null).expect(204);

        // Appwrite checks the project before the key: its key says nothing more.
        assertError(p.send(event("users.u1.create", "{}")), 404, "project_not_found");
        assertError(env.gateway().call("POST", "/events", event("users.u1.create", "{}"), "X-Appwrite-Project",
            p.projectId(), "X-Appwrite-Key", Gateway.ADMIN_KEY), 404, "project_not_found");
    }
}
