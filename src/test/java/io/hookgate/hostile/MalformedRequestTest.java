package io.hookgate.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.AppwriteError;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The malformed requests the fuzzing found answered with a 500 (or a plain-text 400), each pinned
 * down: what the gateway answers now, over a raw socket so nothing in between tidies the request.
 */
class MalformedRequestTest {
    private static final int TIMEOUT_MS = 10_000;

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create(Map.of(ConfigKey.INGEST_RATE_PER_SECOND, "0"));

    private static Receiver receiver;
    private static Gateway.ProjectClient project;
    private static int port;

    @BeforeAll
    static void start() {
        receiver = Receiver.start(env.gateway().vertx()).await();
        project = env.gateway().project(FullPath.fresh("mal"));
        project.webhook("wh1", receiver.url("/in"), "users.*.create");
        port = URI.create(env.gateway().endpoint()).getPort();
    }

    @AfterAll
    static void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }

    /** A request as the project's client, with the given extra headers; Content-Length from the body. */
    private static RawHttp.Outcome send(String method, String target, Map<String, String> headers, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\n")
            .append("Host: 127.0.0.1:").append(port).append("\r\nConnection: close\r\n")
            .append("X-Appwrite-Project: ").append(project.projectId()).append("\r\n")
            .append("X-Appwrite-Key: ").append(project.key()).append("\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (body != null && !headers.containsKey("Transfer-Encoding")) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        out.writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            out.writeBytes(body);
        }
        return RawHttp.exchange(port, out.toByteArray(), method.equals("HEAD"), TIMEOUT_MS);
    }

    private static RawHttp.Response answered(RawHttp.Outcome outcome) {
        assertThat(outcome.response()).as("an answer (%s)", outcome.failure()).isNotNull();
        return outcome.response();
    }

    /** Appwrite's error shape with this status and type; answers the message. */
    private static String assertError(RawHttp.Outcome outcome, int status, String type) {
        RawHttp.Response r = answered(outcome);
        assertThat(r.status()).as("status of %s", r.bodyText()).isEqualTo(status);
        assertThat(r.header("Content-Type")).as("Content-Type of %s", r.bodyText()).startsWith("application/json");
        JsonObject body = new JsonObject(r.bodyText());
        assertThat(body.fieldNames()).containsExactlyInAnyOrder("message", "code", "type", "version");
        assertThat(body.getValue("code")).isEqualTo(status);
        assertThat(body.getValue("type")).isEqualTo(type);
        assertThat(body.getValue("version")).isEqualTo(AppwriteError.VERSION);
        return body.getString("message");
    }

    private static Map<String, String> json() {
        return Map.of("Content-Type", "application/json");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/webhooks?%ZZ=1", "/v1/webhooks?queries%5B0%5D=%", "/v1/webhooks/wh1/deliveries?limit=%G1",
        "/v1/webhooks/wh1/deliveries?status=%u0041", "/v1/projects?x=%E"})
    void aMalformedPercentEncodingInTheQueryIsA400(String target) {
        // Was a 500 (IllegalArgumentException from getParam/queryParams inside the route).
        String message = assertError(send("GET", target, Map.of(), null), 400, "general_argument_invalid");
        assertThat(message).contains("query");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/webhooks/%ZZ", "/v1/webhooks/%", "/v1/webhooks/wh1/deliveries/%u0041", "/v1/projects/%E"})
    void aMalformedPercentEncodingInThePathIsA400InTheErrorShape(String target) {
        // Was Vert.x's plain-text "Bad Request" (the router fails while matching, outside any route).
        assertError(send("GET", target, Map.of(), null), 400, "general_argument_invalid");
    }

    @ParameterizedTest
    @ValueSource(strings = {"multipart/form-data; boundary=XYZ", "multipart/form-data; boundary=", "multipart/form-data",
        "MULTIPART/mixed; boundary=q"})
    void aMultipartBodyIsA415(String type) {
        // Was a 500: BodyHandler decoded the form itself (empty boundary, field too long, a GET...).
        byte[] body = utf8("--XYZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n" + "b".repeat(10_000) + "\r\n--XYZ--\r\n");
        assertError(send("POST", "/v1/webhooks", Map.of("Content-Type", type), body), 415, "general_unsupported_media_type");
        assertError(send("GET", "/v1/webhooks", Map.of("Content-Type", type), null), 415, "general_unsupported_media_type");
    }

    @Test
    void aFormTypeIsReadAsTheRawBodyAsCurlDashDSendsIt() {
        // curl -d '{...}' sends JSON as application/x-www-form-urlencoded. Over 8 KiB (Vert.x's form
        // field limit) or on a GET that used to be a 500; now the body is read as it is.
        Map<String, String> form = Map.of("Content-Type", "application/x-www-form-urlencoded");
        String payload = "{\"big\":\"" + "x".repeat(20_000) + "\",\"a\":\"b&c=%ZZ\"}";
        RawHttp.Response accepted = answered(send("POST", "/v1/events", form,
            utf8("{\"event\":\"users.u1.create\",\"payload\":" + payload + "}")));
        assertThat(accepted.status()).as(accepted.bodyText()).isEqualTo(202);
        RecordedRequest delivered = receiver.awaitRequest(Duration.ofSeconds(10));
        assertThat(delivered.bodyString()).isEqualTo(payload);

        assertThat(answered(send("GET", "/v1/webhooks", form, null)).status()).isEqualTo(200);
        assertThat(answered(send("GET", "/v1/webhooks", form, utf8("a=b"))).status()).isEqualTo(200);
        assertError(send("POST", "/v1/webhooks", form, utf8("webhookId=x&url=y")), 400, "general_argument_invalid");
    }

    @Test
    void aUtf16EventBodyIsA400() {
        // Was a 500: Jackson reads UTF-16 through a char reader, the payload's byte offsets were -1.
        String event = "{\"event\":\"users.u1.create\",\"payload\":{\"a\":1}}";
        String message = assertError(send("POST", "/v1/events", json(), event.getBytes(StandardCharsets.UTF_16)), 400,
            "general_argument_invalid");
        assertThat(message).contains("UTF-8");
        assertError(send("POST", "/v1/events", json(), event.getBytes(StandardCharsets.UTF_16LE)), 400,
            "general_argument_invalid");
    }

    @ParameterizedTest
    @ValueSource(strings = {"+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "+292278994-08-17T07:12:55.808Z"})
    void aRecoverDateBeyondEpochMillisecondsIsA400(String since) {
        // Was a 500: Instant.toEpochMilli overflowed.
        assertError(send("POST", "/v1/webhooks/wh1/recover", json(), utf8(new JsonObject().put("since", since).encode())), 400,
            "general_argument_invalid");
    }

    @Test
    void aMalformedChunkSizeEndsTheConnectionWithoutA5xx() {
        Map<String, String> chunked = new LinkedHashMap<>(json());
        chunked.put("Transfer-Encoding", "chunked");
        RawHttp.Outcome outcome = send("POST", "/v1/events", chunked, utf8("zz\r\n{}\r\n0\r\n\r\n"));
        // Vert.x closes the connection on a framing error before any handler can answer; if an
        // answer does get out, it is the shaped 400 (a 500 before the fix).
        if (outcome.response() != null) {
            assertError(outcome, 400, "general_argument_invalid");
        } else {
            assertThat(outcome.failure()).contains("connection closed without an answer");
        }
        assertThat(answered(send("GET", "/v1/webhooks", Map.of(), null)).status()).isEqualTo(200);
    }

    static Stream<Arguments> bodiesTheParserRefuses() {
        String event = "{\"event\":\"users.u1.create\",\"payload\":";
        return Stream.of(
            Arguments.of("/v1/webhooks", utf8("{\"a\":".repeat(65) + "1" + "}".repeat(65)),
                "The JSON body is nested too deeply (at most 64 levels)."),
            Arguments.of("/v1/events", utf8(event + "{\"a\":" + "[".repeat(300) + "]".repeat(300) + "}}"),
                "The JSON body is nested too deeply (at most 256 levels)."),
            Arguments.of("/v1/webhooks", utf8("{\"name\":\"a\",\"name\":\"b\"}"),
                "The JSON body has the field 'name' more than once."),
            Arguments.of("/v1/events", utf8(event + "{\"k\":1,\"k\":2}}"), "The JSON body has the field 'k' more than once."),
            Arguments.of("/v1/webhooks", utf8("{} []"), "Unexpected content after the JSON body."),
            Arguments.of("/v1/webhooks", utf8("{\"name\":}"), "The request body is not valid JSON (line 1, column 9)."),
            Arguments.of("/v1/events", utf8(event + "{\"a\":tru}}"), "The request body is not valid JSON (line 1, column 47)."),
            Arguments.of("/v1/webhooks", utf8("{\"name\":"), "The JSON body ends before its value is complete."),
            Arguments.of("/v1/webhooks", HostileInputs.concat(utf8("{\"name\":\""), new byte[] {(byte) 0xc3, 0x28, '"', '}'}),
                "The request body is not valid UTF-8."),
            Arguments.of("/v1/webhooks", utf8("{\"n\":" + "9".repeat(2000) + "}"), "A number in the JSON body has too many digits."));
    }

    @ParameterizedTest
    @MethodSource("bodiesTheParserRefuses")
    void aBodyTheParserRefusesIsA400InTheApisWords(String path, byte[] body, String expected) {
        // Was Jackson's own message, e.g. "Document nesting depth (65) exceeds the maximum allowed (64,
        // from `StreamReadConstraints.getMaxNestingDepth()`)".
        String message = assertError(send("POST", path, json(), body), 400, "general_argument_invalid");

        assertThat(message).isEqualTo(expected).doesNotContainPattern(ErrorShape.PARSER_INTERNALS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"18446744073709551621", "-18446744073709551611", "99999999999999999999999"})
    void aListLimitBeyondALongIsA400(String value) {
        String query = "{\"method\":\"limit\",\"values\":[" + value + "]}";
        RawHttp.Outcome outcome = send("GET", "/v1/webhooks?queries%5B0%5D=" + URLEncoder.encode(query, StandardCharsets.UTF_8),
            Map.of(), null);

        assertError(outcome, 400, "general_argument_invalid");
    }

    @Test
    void anUnknownHttpVersionGetsVertxsOwn501() {
        // Vert.x core answers an HTTP version it does not know with a bare 501 before any handler of
        // the gateway runs (Http1xServerRequestHandler); documented here so a change is noticed.
        byte[] request = utf8("GET /v1/webhooks HTTP/9.9\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        RawHttp.Response r = answered(RawHttp.exchange(port, request, false, TIMEOUT_MS));
        assertThat(r.status()).isEqualTo(501);
        assertThat(r.bodyText()).isEmpty();
    }
}
