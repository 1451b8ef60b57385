package io.hookgate.api;

import static io.hookgate.api.ApiAssertions.assertInvalid;
import static io.hookgate.api.ApiAssertions.fresh;
import static io.hookgate.api.ApiAssertions.webhookBody;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every refused create body: 400 general_argument_invalid in the error shape, a message that names
 * the problem, and no webhook stored.
 */
class WebhookValidationTest {
    private static final String URL = "https://example.com/hook";

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create();

    private static String valid() {
        return webhookBody("w1", URL, "users.*.create").encode();
    }

    private static String without(String field) {
        JsonObject b = webhookBody("w1", URL, "users.*.create");
        b.remove(field);
        return b.encode();
    }

    private static String with(String field, Object value) {
        return webhookBody("w1", URL, "users.*.create").put(field, value).encode();
    }

    private static JsonArray manyEvents(int n) {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add("users.u" + i + ".create");
        }
        return new JsonArray(events);
    }

    /** Name, body, fragments the message must contain. */
    static Stream<Arguments> invalidBodies() {
        return Stream.of(
            Arguments.of("missing url", without("url"), List.of("url")),
            Arguments.of("missing name", without("name"), List.of("name")),
            Arguments.of("missing events", without("events"), List.of("events")),
            Arguments.of("ftp url", with("url", "ftp://example.com/x"), List.of("url", "http")),
            Arguments.of("relative url", with("url", "/hook"), List.of("url")),
            Arguments.of("url without host", with("url", "http:///x"), List.of("url")),
            Arguments.of("unparsable url", with("url", "http://exa mple.com/"), List.of("url")),
            Arguments.of("url with credentials", with("url", "https://user:pw@example.com/x"),
                List.of("url", "credentials")),
            Arguments.of("url too long", with("url", "https://example.com/" + "a".repeat(2030)), List.of("url", "2048")),
            Arguments.of("url not a string", with("url", 42), List.of("url", "string")),
            Arguments.of("empty name", with("name", " "), List.of("name")),
            Arguments.of("name too long", with("name", "n".repeat(129)), List.of("name", "128")),
            Arguments.of("name with a line break", with("name", "evil\r\nX-Injected: 1"), List.of("name", "control")),
            Arguments.of("unknown event", with("events", new JsonArray().add("users.*.explode")),
                List.of("events", "explode")),
            Arguments.of("unknown event type", with("events", new JsonArray().add("robots.*.create")),
                List.of("events", "robots")),
            Arguments.of("star alone", with("events", new JsonArray().add("*")), List.of("events", "*")),
            Arguments.of("databases.*.*", with("events", new JsonArray().add("databases.*.*")), List.of("events")),
            Arguments.of("event too long", with("events", new JsonArray().add("users." + "a".repeat(260))),
                List.of("events", "255")),
            Arguments.of("101 events", with("events", manyEvents(101)), List.of("events", "100")),
            Arguments.of("events as string", with("events", "users.*.create"), List.of("events", "array")),
            Arguments.of("events with a number", with("events", new JsonArray().add(1)), List.of("events")),
            Arguments.of("enabled as string", with("enabled", "yes"), List.of("enabled", "boolean")),
            Arguments.of("tls as number", with("tls", 1), List.of("tls", "boolean")),
            Arguments.of("authUsername as object", with("authUsername", new JsonObject()), List.of("authUsername")),
            Arguments.of("authPassword too long", with("authPassword", "p".repeat(257)), List.of("authPassword")),
            Arguments.of("secret too short", with("secret", "1234567"), List.of("secret", "8")),
            Arguments.of("secret too long", with("secret", "s".repeat(257)), List.of("secret")),
            Arguments.of("invalid webhookId", with("webhookId", "_bad"), List.of("webhookId")),
            Arguments.of("webhookId too long", with("webhookId", "w".repeat(37)), List.of("webhookId")),
            Arguments.of("missing webhookId", without("webhookId"), List.of("webhookId")),
            Arguments.of("duplicate key", "{\"webhookId\":\"w1\",\"url\":\"" + URL
                + "\",\"url\":\"https://evil.example.com/\",\"name\":\"n\",\"events\":[\"users.*\"]}", List.of("url")),
            Arguments.of("malformed JSON", "{\"webhookId\":\"w1\",", List.of("JSON")),
            Arguments.of("trailing garbage", valid() + "x", List.of("JSON")),
            Arguments.of("array body", "[" + valid() + "]", List.of("object")),
            Arguments.of("string body", "\"hello\"", List.of("object")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidBodies")
    void invalidCreateBodyIs400NamingTheProblemAndStoresNothing(String name, String body, List<String> fragments) {
        Gateway.ProjectClient p = env.gateway().project(fresh("val"));

        assertInvalid(p.call("POST", "/webhooks", body), fragments.toArray(String[]::new));

        assertThat(p.call("GET", "/webhooks", null).expect(200).json().getInteger("total")).isZero();
    }

    /**
     * Appwrite ignores body parameters a route does not declare (a newer SDK sends some an older server does
     * not know): so do its routes here, the legacy ones too, while the known fields keep their types and
     * limits. Hookgate's own routes (operational webhooks here) refuse them.
     */
    @Test
    void unknownFieldsAreIgnoredOnAppwritesRoutesAndRefusedOnHookgatesOwn() {
        Gateway.ProjectClient p = env.gateway().project(fresh("unknown"));
        String legacy = "/projects/" + p.projectId() + "/webhooks";

        JsonObject created = p.webhook(webhookBody("w1", URL, "users.*").put("futureParam", new JsonObject().put("a", 1))
            .put("signatureKey", "ignored-here").put("security", true));
        assertThat(created.getBoolean("tls")).as("security is no 1.9.1 name: ignored").isFalse();
        assertThat(created.getString("secret")).matches("[0-9a-f]{128}");
        JsonObject put = new JsonObject().put("url", URL).put("name", "renamed").put("events", new JsonArray()
            .add("users.*")).put("futureParam", 1);
        assertThat(p.call("PUT", "/webhooks/w1", put.encode()).expect(200).json().getString("name")).isEqualTo("renamed");
        assertThat(p.call("PATCH", "/webhooks/w1/secret", "{\"futureParam\":true}").expect(200).json()
            .getString("secret")).matches("[0-9a-f]{128}");
        env.gateway().admin("POST", legacy, webhookBody("w2", URL, "users.*").put("futureParam", "x").encode())
            .expect(201);
        env.gateway().admin("PUT", legacy + "/w2", put.encode()).expect(200);
        env.gateway().admin("PATCH", legacy + "/w2/signature", "{\"futureParam\":[]}").expect(200);
        // Known fields stay strict among unknown ones.
        assertInvalid(p.call("POST", "/webhooks", webhookBody("w3", URL, "users.*").put("futureParam", 1)
            .put("tls", "yes").encode()), "tls", "boolean");

        String ops = "/operational-webhooks";
        assertInvalid(p.call("POST", ops, webhookBody("o1", URL).put("futureParam", 1).encode()), "futureParam");
        JsonObject op = p.call("POST", ops, webhookBody("o1", URL).encode()).expect(201).json();
        assertInvalid(p.call("PUT", ops + "/o1", new JsonObject().put("url", URL).put("name", "n")
            .put("futureParam", 1).encode()), "futureParam");
        assertInvalid(p.call("PATCH", ops + "/o1/secret", "{\"futureParam\":1}"), "futureParam");
        assertThat(p.call("GET", ops + "/o1", null).expect(200).json().getString("$updatedAt"))
            .isEqualTo(op.getString("$updatedAt"));
        assertThat(p.call("GET", "/webhooks", null).expect(200).json().getInteger("total")).isEqualTo(2);
    }

    @Test
    void emptyBodyIs400NamingARequiredField() {
        Gateway.ProjectClient p = env.gateway().project(fresh("val"));
        assertInvalid(p.call("POST", "/webhooks", ""), "not optional");
    }

    @Test
    void exactlyTheLimitsAreAccepted() {
        Gateway.ProjectClient p = env.gateway().project(fresh("limits"));
        String url = "https://example.com/" + "a".repeat(2048 - "https://example.com/".length());
        JsonObject body = webhookBody("w".repeat(36), url, "users.*").put("name", "n".repeat(128))
            .put("events", manyEvents(100)).put("secret", "12345678");

        JsonObject w = p.webhook(body);

        assertThat(w.getString("url")).hasSize(2048);
        assertThat(w.getJsonArray("events")).hasSize(100);
        assertThat(w.getString("secret")).isEqualTo("12345678");
    }

    /**
     * A port outside 1-65535, or not plain digits, was stored and then tried on the default port (or
     * failed forever): refused at create and update, on the current and legacy routes, with one
     * message, whether the host is an address or a name; nothing is stored or changed.
     */
    @ParameterizedTest(name = "\":{0}\"")
    @ValueSource(strings = {"99999999999", "-1", "+80", "0", "00000", "65536", "99999", "4294967376", "", "0x50",
        "80a", "000080", "\u0668\u0660"})
    void aPortThatIsNot1To65535IsRefusedAtCreateAndUpdate(String port) {
        Gateway.ProjectClient p = env.gateway().project(fresh("port"));
        JsonObject created = p.webhook(webhookBody("w1", "http://127.0.0.1:8080/x", "users.*"));
        String legacy = "/projects/" + p.projectId() + "/webhooks";

        for (String host : List.of("127.0.0.1", "[::1]", "example.com")) {
            String url = "http://" + host + ":" + port + "/x";
            String message = "Invalid `url` param: the port must be 1-65535.";
            assertThat(assertInvalid(p.call("POST", "/webhooks", webhookBody("w2", url, "users.*").encode()), "url"))
                .as(url).isEqualTo(message);
            assertThat(assertInvalid(env.gateway().admin("POST", legacy, webhookBody("w2", url, "users.*").encode()), "url"))
                .as("legacy " + url).isEqualTo(message);
            JsonObject put = new JsonObject().put("url", url).put("name", "n").put("events", new JsonArray().add("users.*"));
            assertThat(assertInvalid(p.call("PUT", "/webhooks/w1", put.encode()), "url")).as(url).isEqualTo(message);
            assertThat(assertInvalid(env.gateway().admin("PUT", legacy + "/w1", put.encode()), "url"))
                .as("legacy " + url).isEqualTo(message);
        }
        assertThat(p.get("w1").put("secret", created.getString("secret"))).isEqualTo(created);
        assertThat(p.call("GET", "/webhooks", null).expect(200).json().getInteger("total")).isEqualTo(1);
    }

    @Test
    void portsFrom1To65535AreStoredAsWritten() {
        Gateway.ProjectClient p = env.gateway().project(fresh("port"));
        for (String port : List.of("1", "80", "08080", "65535")) {
            String url = "http://127.0.0.1:" + port + "/x";
            assertThat(p.webhook(webhookBody("p" + port, url, "users.*")).getString("url")).isEqualTo(url);
        }
    }

    @Test
    void invalidPutBodyIs400AndLeavesTheWebhookUnchanged() {
        Gateway.ProjectClient p = env.gateway().project(fresh("valput"));
        JsonObject created = p.webhook(webhookBody("w1", URL, "users.*"));
        JsonObject put = new JsonObject().put("url", URL).put("name", "n").put("events", new JsonArray().add("*"));

        assertInvalid(p.call("PUT", "/webhooks/w1", put.encode()), "events");
        assertInvalid(p.call("PUT", "/webhooks/w1", put.put("events", new JsonArray().add("users.*"))
            .put("url", "https://u:p@example.com/").encode()), "url");

        assertThat(p.get("w1").put("secret", created.getString("secret"))).isEqualTo(created);
    }
}
