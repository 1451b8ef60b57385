package io.hookgate.api;

import static io.hookgate.api.ApiAssertions.fresh;
import static io.hookgate.testsupport.AppwriteError.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.AppwriteError;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every error leaves in Appwrite's shape: {@code {message, code, type, version}} as application/json. */
class ErrorShapeTest {
    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create();

    private static Gateway.ProjectClient project;

    @BeforeAll
    static void start() {
        project = env.gateway().project(fresh("shape"));
        project.webhook("existing", "https://example.com/", "users.*");
    }

    @Test
    void unknownRouteIs404RouteNotFound() {
        String message = assertError(env.gateway().call("GET", "/nothing/here", null), 404, "general_route_not_found");
        assertThat(message).contains("route");
        assertError(env.gateway().call("POST", "/webhooks/a/b/c", "{}"), 404, "general_route_not_found");
        assertError(project.call("GET", "/webhooks/existing/signature", null), 404, "general_route_not_found");
        assertError(project.call("PATCH", "/webhooks", "{}"), 404, "general_route_not_found");
    }

    /** Name, request, status, type. */
    static Stream<Arguments> errors() {
        return Stream.of(
            error("no key", g -> g.call("GET", "/webhooks", null, "X-Appwrite-Project", project.projectId()), 401,
                "general_unauthorized_scope"),
            error("wrong key", g -> g.call("GET", "/webhooks", null, "X-Appwrite-Project", project.projectId(),
                "X-Appwrite-Key", "standard_wrong"), 401, "user_unauthorized"),
            error("no project", g -> g.call("GET", "/webhooks", null, "X-Appwrite-Key", "standard_wrong"), 403,
                "project_id_missing"),
            error("unknown project", g -> g.call("GET", "/webhooks", null, "X-Appwrite-Project", "nope"), 404,
                "project_not_found"),
            error("no scope", g -> g.call("GET", "/webhooks", null, "X-Appwrite-Project", project.projectId(),
                "X-Appwrite-Key", g.key(project.projectId(), "events.write")), 401, "general_unauthorized_scope"),
            error("bad argument", g -> project.call("POST", "/webhooks", "{}"), 400, "general_argument_invalid"),
            error("bad query", g -> project.call("GET", "/webhooks?queries%5B0%5D=x", null), 400,
                "general_argument_invalid"),
            error("cursor not found", g -> project.call("GET", "/webhooks?queries%5B0%5D="
                + "%7B%22method%22%3A%22cursorAfter%22%2C%22values%22%3A%5B%22nope%22%5D%7D", null), 400,
                "general_cursor_not_found"),
            error("webhook not found", g -> project.call("GET", "/webhooks/nope", null), 404, "webhook_not_found"),
            error("webhook exists", g -> project.call("POST", "/webhooks",
                ApiAssertions.webhookBody("existing", "https://example.com/", "users.*").encode()), 409,
                "webhook_already_exists"),
            error("project not found", g -> g.admin("GET", "/projects/nope", null), 404, "project_not_found"),
            error("project exists", g -> g.admin("POST", "/projects",
                "{\"projectId\":\"" + project.projectId() + "\",\"name\":\"x\"}"), 409, "project_already_exists"),
            error("key not found", g -> g.admin("DELETE", "/projects/" + project.projectId() + "/keys/nope", null), 404,
                "key_not_found"),
            error("body too large", g -> project.call("POST", "/events", "{\"s\":\"" + "x".repeat(17 << 20) + "\"}"),
                413, "general_payload_too_large"),
            error("route not found", g -> g.call("DELETE", "/", null), 404, "general_route_not_found"));
    }

    private static Arguments error(String name, Function<Gateway, Gateway.Reply> request, int status, String type) {
        return Arguments.of(name, request, status, type);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void everyErrorHasTheAppwriteShapeAndARequestId(String name, Function<Gateway, Gateway.Reply> request, int status,
                                                   String type) {
        Gateway.Reply reply = request.apply(env.gateway());

        assertError(reply, status, type);
        assertThat(reply.header("X-Request-Id")).isNotBlank();
    }

    @Test
    void aGivenValidRequestIdIsEchoedAndAnInvalidOneReplaced() {
        Gateway.Reply echoed = env.gateway().call("GET", "/nothing", null, "X-Request-Id", "req-123");
        assertThat(echoed.header("X-Request-Id")).isEqualTo("req-123");

        Gateway.Reply replaced = env.gateway().call("GET", "/nothing", null, "X-Request-Id", "bad id <script>");
        assertThat(replaced.header("X-Request-Id")).matches("[0-9a-f]{20}");
    }

    @Test
    void oversizedRequestHeadIsRefusedInTheErrorShape() throws IOException {
        String response = rawHttp1("GET /v1/webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Appwrite-Key: "
            + "k".repeat(20_000) + "\r\nConnection: close\r\n\r\n");

        assertRawError(response, 431);
    }

    @Test
    void oversizedRequestLineIsRefusedInTheErrorShape() throws IOException {
        String response = rawHttp1("GET /v1/webhooks?x=" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Connection: close\r\n\r\n");

        assertRawError(response, 414);
    }

    private static void assertRawError(String response, int status) {
        // An unparsable request line leaves the protocol version unknown: the answer may be HTTP/1.0.
        assertThat(response).matches("(?s)HTTP/1\\.[01] " + status + " .*");
        int split = response.indexOf("\r\n\r\n");
        assertThat(split).as("end of the head in %s", response).isPositive();
        assertThat(response.substring(0, split).toLowerCase(Locale.ROOT))
            .contains("content-type: application/json");
        JsonObject body = new JsonObject(response.substring(split + 4));
        assertThat(body.fieldNames()).containsExactlyInAnyOrder("message", "code", "type", "version");
        assertThat(body.getInteger("code")).isEqualTo(status);
        assertThat(body.getString("type")).isEqualTo("general_argument_invalid");
        assertThat(body.getString("version")).isEqualTo(AppwriteError.VERSION);
    }

    /** One HTTP/1.1 exchange on a plain socket: the whole response as text. */
    private static String rawHttp1(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", env.gateway().hookgate().apiPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
