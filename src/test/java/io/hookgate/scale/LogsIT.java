package io.hookgate.scale;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.testsupport.Answer;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.ChildGateway;
import io.hookgate.testsupport.ChildGatewayEnv;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The logs of a gateway process ({@code java -jar}), as an operator ships them: in JSON every
 * line is one object, there is one {@code hookgate.access} line per API request carrying the
 * answer's {@code X-Request-Id}, and every delivery try has a {@code hookgate.delivery} line whose
 * {@code requestId} is the one of the {@code POST /v1/events} that ingested the event, across the
 * event bus, the queue and a retry. No line holds a key, a webhook secret or a password. In the
 * default text format the same key/values read as {@code requestId=...}. Both run with
 * {@code deliveryLog=all}; which tries are logged by default is {@code TryLogTest}'s.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LogsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper()
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String PROJECT = "logsproject";
    private static final String WEBHOOK_SECRET = "logs-webhook-secret-4f9a2c81";
    private static final String AUTH_PASSWORD = "logs-auth-password-7d1e0b55";
    private static final String CALLER_REQUEST_ID = "caller-chosen-id-1";
    private static final Pattern TEXT_LINE = Pattern.compile(
        "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) (TRACE|DEBUG|INFO |WARN |ERROR) \\[.+] \\S+ - .*");
    /** The lines after a WARN or ERROR line that carries an exception: its class and message, then its trace. */
    private static final Pattern STACK_TRACE_LINE = Pattern.compile(
        "^([\\w.$]+(Exception|Error|Throwable)(: .*)?|\\s+at .+|\\s+\\.\\.\\. \\d+ (more|common frames omitted)|(\\s+)?(Caused by|Suppressed): .+)$");

    @RegisterExtension
    static final ChildGatewayEnv env = ChildGatewayEnv.create(Map.of());

    private Receiver receiver;
    private ChildGateway gateway;

    /** One API request made by the test: what the access log must show for it. */
    private record Call(String method, String path, int status, String requestId, String project) {
    }

    private final List<Call> calls = new ArrayList<>();

    @BeforeEach
    void setUp() {
        receiver = env.receiver();
    }

    @Test
    void jsonLinesCarryTheIngestingRequestIdToEveryTryAndNoSecret() throws Exception {
        gateway = env.start("json", Map.of("HOOKGATE_LOG_FORMAT", "json", "HOOKGATE_RETRY_SCHEDULE", "500ms",
            "HOOKGATE_DELIVERY_LOG", "all"));
        AtomicInteger flaky = new AtomicInteger();
        receiver.respond(r -> r.path().equals("/flaky") && flaky.incrementAndGet() == 1 ? Answer.of(500, "once") : null);

        call("POST", "/projects", new JsonObject().put("projectId", PROJECT).put("name", "Logs"), null, 201,
            "X-Appwrite-Key", ChildGateway.ADMIN_KEY);
        String key = call("POST", "/projects/" + PROJECT + "/keys", new JsonObject().put("name", "k")
                .put("scopes", new JsonArray(List.of("webhooks.read", "webhooks.write", "events.write"))), null, 201,
            "X-Appwrite-Key", ChildGateway.ADMIN_KEY).json().getString("secret");
        String[] asProject = {"X-Appwrite-Project", PROJECT, "X-Appwrite-Key", key};
        call("POST", "/webhooks", new JsonObject().put("webhookId", "logged").put("name", "logged")
            .put("url", receiver.url("/logged?token=url-token-9c2e")).put("events", new JsonArray(List.of("users.*.create")))
            .put("secret", WEBHOOK_SECRET).put("authUsername", "hookuser").put("authPassword", AUTH_PASSWORD),
            PROJECT, 201, asProject);
        String flakySecret = call("POST", "/webhooks", new JsonObject().put("webhookId", "flaky").put("name", "flaky")
            .put("url", receiver.url("/flaky")).put("events", new JsonArray(List.of("users.*.update"))), PROJECT, 201,
            asProject).json().getString("secret");

        Map<String, String> requestIdOfMarker = new HashMap<>();
        String single = call("POST", "/events", event("users.u1.create", "e1"), PROJECT, 202, asProject)
            .header("X-Request-Id");
        requestIdOfMarker.put("e1", single);
        JsonObject batch = new JsonObject().put("events", new JsonArray(List.of(event("users.u2.create", "e2"),
            event("users.u3.create", "e3"), event("users.u4.create", "e4"))));
        String chosen = call("POST", "/events", batch, PROJECT, 202, "X-Appwrite-Project", PROJECT,
            "X-Appwrite-Key", key, "X-Request-Id", CALLER_REQUEST_ID).header("X-Request-Id");
        assertThat(chosen).as("a valid caller X-Request-Id is kept").isEqualTo(CALLER_REQUEST_ID);
        List.of("e2", "e3", "e4").forEach(m -> requestIdOfMarker.put(m, chosen));
        String retried = call("POST", "/events", event("users.u5.update", "e5"), PROJECT, 202, asProject)
            .header("X-Request-Id");
        requestIdOfMarker.put("e5", retried);
        call("GET", "/webhooks", null, PROJECT, 200, asProject);
        call("GET", "/nothing-here", null, PROJECT, 404, asProject);
        call("POST", "/events", event("users.u6.create", "e6"), PROJECT, 401, "X-Appwrite-Project", PROJECT,
            "X-Appwrite-Key", "wrong-key-0123456789");

        List<RecordedRequest> tries = receiver.awaitCount(6, WAIT);
        Await.until("the logs of " + calls.size() + " requests and 6 tries", WAIT, () ->
            lines("hookgate.access").size() >= calls.size() && lines("hookgate.delivery").size() >= 6);
        tries = receiver.assertCountStays(6, Duration.ofMillis(500));

        List<String> stdout = gateway.stdoutLines();
        List<JsonNode> all = new ArrayList<>();
        for (String line : stdout) {
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new AssertionError("not a JSON line: " + line, e);
            }
            assertThat(node.isObject()).as("a JSON object: %s", line).isTrue();
            assertThat(node.path("level").asText()).as("level of %s", line).isNotEmpty();
            assertThat(node.path("loggerName").asText()).as("logger of %s", line).isNotEmpty();
            all.add(node);
        }

        List<JsonNode> access = all.stream().filter(n -> n.path("loggerName").asText().equals("hookgate.access")).toList();
        assertThat(access).as("one access line per API request").hasSize(calls.size());
        for (Call c : calls) {
            List<JsonNode> mine = access.stream().filter(n -> c.requestId().equals(kvp(n).get("requestId"))).toList();
            assertThat(mine).as("access lines of %s", c).hasSize(1);
            assertThat(mine.get(0).path("formattedMessage").asText())
                .startsWith(c.method() + " /v1" + c.path() + " " + c.status() + " ");
            assertThat(kvp(mine.get(0)).get("project")).isEqualTo(c.project() == null ? "-" : c.project());
        }

        List<JsonNode> delivery = all.stream().filter(n -> n.path("loggerName").asText().equals("hookgate.delivery"))
            .toList();
        assertThat(delivery).as("one delivery line per try").hasSize(tries.size());
        Map<String, Integer> triesPerDelivery = new LinkedHashMap<>();
        for (RecordedRequest t : tries) {
            String deliveryId = t.header("webhook-id");
            triesPerDelivery.merge(deliveryId, 1, Integer::sum);
            String marker = t.bodyJson().getString("n");
            List<JsonNode> lines = delivery.stream().filter(n -> deliveryId.equals(kvp(n).get("deliveryId"))).toList();
            assertThat(lines).as("delivery lines of %s (%s)", deliveryId, marker).isNotEmpty();
            for (JsonNode line : lines) {
                Map<String, String> kv = kvp(line);
                assertThat(kv.get("requestId")).as("requestId of the try of %s", marker)
                    .isEqualTo(requestIdOfMarker.get(marker));
                assertThat(kv.get("webhookId")).isEqualTo(t.header("X-Appwrite-Webhook-Id"));
                assertThat(kv.get("project")).isEqualTo(PROJECT);
                assertThat(kv.get("event")).isEqualTo(t.header("X-Appwrite-Webhook-Events").split(",")[0]);
            }
        }
        for (Map.Entry<String, Integer> e : triesPerDelivery.entrySet()) {
            assertThat(delivery.stream().filter(n -> e.getKey().equals(kvp(n).get("deliveryId"))).count())
                .as("lines of delivery %s", e.getKey()).isEqualTo((long) e.getValue());
        }
        assertThat(triesPerDelivery.values()).as("tries per delivery: e5 was retried once").containsExactlyInAnyOrder(
            1, 1, 1, 1, 2);
        assertThat(delivery.stream().map(n -> n.path("formattedMessage").asText()))
            .anyMatch(m -> m.startsWith("try answered 500 ")).anyMatch(m -> m.startsWith("try answered 200 "));

        List<String> secrets = List.of(ChildGateway.ADMIN_KEY, key, WEBHOOK_SECRET, flakySecret, AUTH_PASSWORD,
            "url-token-9c2e");
        for (String line : stdout) {
            assertThat(secrets).as("secrets in %s", line).noneMatch(line::contains);
        }
        for (String line : gateway.stderrLines()) {
            assertThat(secrets).as("secrets in stderr %s", line).noneMatch(line::contains);
        }
    }

    @Test
    void textLinesAreReadableWithRequestIdKeyValues() {
        gateway = env.start("text", Map.of("HOOKGATE_DELIVERY_LOG", "all"));
        String key = gateway.project(PROJECT).key();
        String[] asProject = {"X-Appwrite-Project", PROJECT, "X-Appwrite-Key", key};
        gateway.call("POST", "/webhooks", new JsonObject().put("webhookId", "texty").put("name", "texty")
            .put("url", receiver.url("/texty")).put("events", new JsonArray(List.of("users.*.create"))).encode(),
            asProject).expect(201);
        String requestId = gateway.call("POST", "/events", event("users.t1.create", "t1").encode(), asProject)
            .expect(202).header("X-Request-Id");
        String deliveryId = receiver.awaitRequest(WAIT).header("webhook-id");

        String accessLine = Await.until("the access line of the event", WAIT, () -> gateway.stdoutLines().stream()
            .filter(l -> l.contains(" hookgate.access - POST /v1/events 202 ")).findFirst().orElse(null));
        assertThat(accessLine).matches(TEXT_LINE).contains("requestId=" + requestId).contains("project=" + PROJECT);
        String tryLine = Await.until("the delivery line", WAIT, () -> gateway.stdoutLines().stream()
            .filter(l -> l.contains(" hookgate.delivery - ")).findFirst().orElse(null));
        assertThat(tryLine).matches(TEXT_LINE).contains("try answered 200 ").contains("requestId=" + requestId)
            .contains("deliveryId=" + deliveryId).contains("webhookId=texty").contains("project=" + PROJECT)
            .contains("event=users.t1.create");
        // Every record starts with a text line. Logback writes a logged exception's trace on the lines after
        // its record (a Vert.x start-up race can log one: a connection accepted just as a server binds).
        String record = null;
        for (String line : gateway.stdoutLines()) {
            assertThat(line).doesNotContain(ChildGateway.ADMIN_KEY).doesNotContain(key);
            if (TEXT_LINE.matcher(line).matches()) {
                record = line;
                continue;
            }
            assertThat(line).as("a text line, or the trace of an exception logged by the record before: %s", record)
                .matches(STACK_TRACE_LINE);
            assertThat(record).as("the record before %s", line).isNotNull().containsPattern(" (WARN |ERROR) ");
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Makes an API request, checks its status and notes it for the access-log assertions. */
    private Gateway.Reply call(String method, String path, JsonObject body, String project, int status,
                               String... headers) {
        Gateway.Reply reply = gateway.call(method, path, body == null ? null : body.encode(), headers).expect(status);
        String requestId = reply.header("X-Request-Id");
        assertThat(requestId).as("X-Request-Id of %s %s", method, path).isNotBlank();
        calls.add(new Call(method, path, status, requestId, project));
        return reply;
    }

    private List<String> lines(String logger) {
        return gateway.stdoutLines().stream().filter(l -> l.contains("\"loggerName\":\"" + logger + "\"")).toList();
    }

    /** The key/values of a JSON line: Logback's JsonEncoder writes them as {@code "kvpList": [{"k": "v"}, ...]}. */
    private static Map<String, String> kvp(JsonNode line) {
        Map<String, String> out = new HashMap<>();
        for (JsonNode pair : line.path("kvpList")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = pair.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put(e.getKey(), e.getValue().asText());
            }
        }
        return out;
    }

    private static JsonObject event(String name, String marker) {
        return new JsonObject().put("event", name).put("payload", new JsonObject().put("n", marker));
    }
}
