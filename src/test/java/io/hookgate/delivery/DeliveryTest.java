package io.hookgate.delivery;

import static io.hookgate.delivery.Deliveries.QUIET;
import static io.hookgate.delivery.Deliveries.USER_AGENT;
import static io.hookgate.delivery.Deliveries.WAIT;
import static io.hookgate.delivery.Deliveries.appwriteSignature;
import static io.hookgate.delivery.Deliveries.bytes;
import static io.hookgate.delivery.Deliveries.epochSeconds;
import static io.hookgate.delivery.Deliveries.event;
import static io.hookgate.delivery.Deliveries.expansion;
import static io.hookgate.delivery.Deliveries.find;
import static io.hookgate.delivery.Deliveries.marker;
import static io.hookgate.delivery.Deliveries.markersByPath;
import static io.hookgate.delivery.Deliveries.projectId;
import static io.hookgate.delivery.Deliveries.send;
import static io.hookgate.delivery.Deliveries.webhookParams;
import static io.hookgate.delivery.Deliveries.whsec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import io.hookgate.testsupport.Contract;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The delivery path end to end against a real Redis and real HTTP receivers: who gets an event
 * (fan-out and matching), and what exactly arrives (method, URL, headers, both signatures, body
 * bytes, basic auth), at volume and next to a slow receiver.
 */
class DeliveryTest {
    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create();

    @Test
    void eachMatchingWebhookGetsExactlyOneDeliveryPerEventAndNoOtherWebhookGetsAny() {
        Gateway.ProjectClient a = env.gateway().project(projectId("fan"));
        Gateway.ProjectClient b = env.gateway().project(projectId("fanb"));
        try (Receiver r = Deliveries.receiver(env.vertx())) {
            a.webhook("create", r.url("/create"), "users.*.create");
            a.webhook("u1", r.url("/u1"), "users.u1");
            a.webhook("docs", r.url("/docs"), "databases.*.collections.*.documents.*.create");
            a.webhook("rows", r.url("/rows"), "databases.db1.tables.*.rows.*.create");
            a.webhook("email", r.url("/email"), "users.*.update.email");
            a.webhook("multi", r.url("/multi"), "users.*.create", "users.u1", "users.u1.create", "users.*");
            a.webhook("none", r.url("/none"), "users.*.delete", "users.u9",
                "databases.*.collections.*.documents.*.delete");
            b.webhook("other", r.url("/other"), "users.*.create", "users.u1", "users.*", "databases.*");

            send(a, event("users.u1.create", marker("e1")));
            send(a, event("users.u1.update.email", marker("e2")), event("users.u2.update.email", marker("e3")),
                event("databases.db1.collections.c1.documents.d1.create", marker("e4")),
                event("users.u2.create", marker("e5")));
            r.awaitCount(12, WAIT);
            // Sentinel: an event of the other project, which only its own webhook may get. Once it is
            // in, every fan-out of project a (same partition, earlier in the stream) is done.
            send(b, event("users.u1.create", marker("b1")));
            r.awaitCount(13, WAIT);
            List<RecordedRequest> all = r.assertCountStays(13, QUIET);

            assertThat(markersByPath(all)).isEqualTo(Map.of(
                "/create", List.of("e1", "e5"),
                "/u1", List.of("e1", "e2"),
                "/docs", List.of("e4"),
                "/rows", List.of("e4"),
                "/email", List.of("e2", "e3"),
                "/multi", List.of("e1", "e2", "e3", "e5"),
                "/other", List.of("b1")));
            assertThat(all).allSatisfy(req -> {
                assertThat(req.header("X-Appwrite-Webhook-Id")).isEqualTo(req.path().substring(1));
                assertThat(req.header("X-Appwrite-Webhook-Project-Id"))
                    .isEqualTo(req.path().equals("/other") ? b.projectId() : a.projectId());
            });
        }
    }

    @Test
    void deliveryCarriesTheContractHeaders() {
        Gateway.ProjectClient p = env.gateway().project(projectId("hdr"));
        try (Receiver r = Deliveries.receiver(env.vertx())) {
            String url = r.url("/hooks/orders?x=1&y=two");
            p.webhook(webhookParams("hdr", url, "users.*.update.email").put("name", "Orders hook (prod)"));
            String unicodeName = "Caf\u00e9 \u2603 \u65e5\u672c";
            p.webhook(webhookParams("hdr2", r.url("/hooks/second"), "users.u1").put("name", unicodeName));

            long before = epochSeconds();
            Gateway.Reply first = send(p, event("users.u1.update.email", marker("one"))
                .put("userId", "user-7").put("$id", "evt-hdr-1"));
            Gateway.Reply second = send(p, event("users.u1.update.email", marker("two")));
            List<RecordedRequest> got = r.awaitCount(4, WAIT);
            long after = epochSeconds();
            r.assertCountStays(4, QUIET);

            List<String> expansion = expansion(first, 0);
            assertThat(expansion).containsExactly("users.u1.update", "users.*.update", "users.u1.update.email",
                "users.*.update.email", "users.u1", "users.*");
            assertThat(first.json().getJsonArray("events").getJsonObject(0).getString("$id")).isEqualTo("evt-hdr-1");
            assertThat(expansion(second, 0)).isEqualTo(expansion);

            RecordedRequest d = find(got, "/hooks/orders", "one");
            assertThat(d.method()).isEqualTo("POST");
            assertThat(d.uri()).isEqualTo("/hooks/orders?x=1&y=two");
            assertThat(d.header("Host")).isEqualTo("127.0.0.1:" + r.port());
            assertThat(d.headerValues("Content-Type")).containsExactly("application/json");
            assertThat(d.headerValues("User-Agent")).containsExactly(USER_AGENT);
            assertThat(d.headerValues("X-Appwrite-Webhook-Id")).containsExactly("hdr");
            assertThat(d.headerValues("X-Appwrite-Webhook-Name")).containsExactly("Orders hook (prod)");
            assertThat(d.headerValues("X-Appwrite-Webhook-User-Id")).containsExactly("user-7");
            assertThat(d.headerValues("X-Appwrite-Webhook-Project-Id")).containsExactly(p.projectId());
            assertThat(d.headerValues("X-Appwrite-Webhook-Events")).containsExactly(String.join(",", expansion));
            assertThat(d.headerValues("X-Appwrite-Webhook-Signature")).hasSize(1);
            assertThat(d.headerValues("Authorization")).isEmpty();
            assertThat(d.headerValues("webhook-id")).hasSize(1);
            assertThat(d.headerValues("webhook-signature")).hasSize(1);
            assertThat(Long.parseLong(d.header("webhook-timestamp"))).isBetween(before, after);

            // No userId given: the header is there and empty.
            RecordedRequest noUser = find(got, "/hooks/orders", "two");
            assertThat(noUser.headerValues("X-Appwrite-Webhook-User-Id")).containsExactly("");
            assertThat(noUser.header("X-Appwrite-Webhook-Events")).isEqualTo(String.join(",", expansion));

            RecordedRequest other = find(got, "/hooks/second", "one");
            assertThat(other.header("X-Appwrite-Webhook-Id")).isEqualTo("hdr2");
            // The name goes out as its UTF-8 bytes, as Appwrite sends it (the receiver sees bytes as ISO-8859-1 chars).
            assertThat(other.headerValues("X-Appwrite-Webhook-Name")).containsExactly(bytes(unicodeName));
            assertThat(other.uri()).isEqualTo("/hooks/second");

            // One webhook-id per (event, webhook): four deliveries, four IDs.
            Set<String> ids = got.stream().map(req -> req.header("webhook-id")).collect(Collectors.toSet());
            assertThat(ids).hasSize(4).allSatisfy(id -> assertThat(id).isNotBlank().doesNotContain(" ", ","));
        }
    }

    @Test
    void independentAppwriteSignerAgreesWithTheContractVectors() {
        JsonNode vectors = Contract.read("signatures.json").get("appwrite");
        assertThat(vectors.size()).isGreaterThanOrEqualTo(5);
        for (JsonNode v : vectors) {
            assertThat(appwriteSignature(v.get("url").asText(), v.get("body").asText().getBytes(StandardCharsets.UTF_8),
                v.get("secret").asText())).as(v.get("url").asText()).isEqualTo(v.get("signature").asText());
        }
    }

    @Test
    void bothSignaturesVerifyWithoutTheGatewaysSigningCode() throws Exception {
        Gateway.ProjectClient p = env.gateway().project(projectId("sig"));
        try (Receiver r = Deliveries.receiver(env.vertx())) {
            String pathAndQuery = "/hooks/caf%C3%A9/a%20b/%2541?q=%2Fx%3Dy&name=J%C3%BCrgen+S&end=%2F";
            String givenUrl = r.url(pathAndQuery);
            String givenSecret = "s3cr\u00e9t-\u2603-k3y!";
            p.webhook(webhookParams("given", givenUrl, "users.*.create").put("secret", givenSecret));
            String plainUrl = r.url("/plain");
            String generatedSecret = p.webhook("generated", plainUrl, "users.*.create").getString("secret");
            assertThat(generatedSecret).matches("[0-9a-f]{128}");

            JsonObject payload = marker("sig").put("title", "caf\u00e9 \u2603").put("emoji", "\ud83d\ude00");
            send(p, event("users.u1.create", payload));
            List<RecordedRequest> got = r.awaitCount(2, WAIT);

            Map<String, String> urls = Map.of("given", givenUrl, "generated", plainUrl);
            Map<String, String> secrets = Map.of("given", givenSecret, "generated", generatedSecret);
            for (RecordedRequest d : got) {
                String id = d.header("X-Appwrite-Webhook-Id");
                String url = urls.get(id);
                String secret = secrets.get(id);
                byte[] body = d.body();
                assertThat(url).as("webhook of %s", d.summary()).isNotNull();
                assertThat(r.url(d.uri())).isEqualTo(url);
                assertThat(d.headerValues("X-Appwrite-Webhook-Signature")).as(id)
                    .containsExactly(appwriteSignature(url, body, secret));

                String swSignature = d.header("webhook-signature");
                assertThat(swSignature).matches("v1,[A-Za-z0-9+/]{43}=");
                new Webhook(whsec(secret)).verify(d.bodyString(), d.headers());
                assertThatThrownBy(() -> new Webhook(whsec(secret + "x")).verify(d.bodyString(), d.headers()))
                    .isInstanceOf(WebhookVerificationException.class);
                assertThatThrownBy(() -> new Webhook(whsec(secret)).verify(d.bodyString() + " ", d.headers()))
                    .isInstanceOf(WebhookVerificationException.class);
            }
            // The percent-decoding matters: signing the URL as stored gives another value.
            RecordedRequest given = got.stream().filter(d -> d.path().startsWith("/hooks/")).findFirst().orElseThrow();
            assertThat(given.uri()).isEqualTo(pathAndQuery);
            assertThat(given.header("X-Appwrite-Webhook-Signature")).isNotEqualTo(
                Base64.getEncoder().encodeToString(hmacSha1(givenSecret, (givenUrl + given.bodyString())
                    .getBytes(StandardCharsets.UTF_8))));
        }
    }

    @Test
    void bodyIsThePayloadBytesExactlyAsIngested() {
        Gateway.ProjectClient p = env.gateway().project(projectId("raw"));
        try (Receiver r = Deliveries.receiver(env.vertx())) {
            String url = r.url("/raw");
            String secret = p.webhook("raw", url, "users.*.create").getString("secret");
            String php = "{ \"z\" : 1,\t\"a\":\"\\/path\\/to\" , \"name\":\"Jos\\u00e9\",\"emoji\":\"\\ud83d\\ude00\",\r\n"
                + "  \"raw\":\"\u00fc\u4e2d\",\"nested\" : {\"b\":[1 , 2.50, -0.0, 1e3],\"a\":null,\"t\":true}  ,"
                + "\"empty\":{ }, \"s\":\"tab\\tquote\\\"back\\\\\"\n}";
            String spaced = "{\n\n    \"list\" : [ ]  ,  \"n\"  :  1.000 ,\"x\":\"\\u002F\"\t}";
            String empty = "{}";

            p.send("{\n  \"event\" : \"users.u1.create\",\n  \"payload\":" + php + "   ,\"userId\":\"u1\"}").expect(202);
            p.send("{\"events\":[ {\"payload\":" + spaced + ",\"event\":\"users.u2.create\"},\r\n"
                + "{\"event\":\"users.u3.create\",\"payload\":" + empty + "} ]}").expect(202);
            List<RecordedRequest> got = r.awaitCount(3, WAIT);
            r.assertCountStays(3, QUIET);

            assertThat(got).extracting(d -> bytes(d.body()))
                .containsExactlyInAnyOrder(bytes(php), bytes(spaced), bytes(empty));
            for (RecordedRequest d : got) {
                assertThat(d.header("Content-Length")).isEqualTo(String.valueOf(d.body().length));
                assertThat(d.header("X-Appwrite-Webhook-Signature")).isEqualTo(appwriteSignature(url, d.body(), secret));
            }
        }
    }

    @Test
    void basicAuthIsSentOnlyWhenUsernameAndPasswordAreBothSet() {
        Gateway.ProjectClient p = env.gateway().project(projectId("auth"));
        try (Receiver r = Deliveries.receiver(env.vertx())) {
            p.webhook(webhookParams("both", r.url("/both"), "users.*.create")
                .put("authUsername", "ada").put("authPassword", "p:ss w\u00f6rd"));
            p.webhook(webhookParams("user", r.url("/user"), "users.*.create").put("authUsername", "ada"));
            p.webhook(webhookParams("pass", r.url("/pass"), "users.*.create").put("authPassword", "secret-pass"));

            send(p, event("users.u1.create", marker("auth")));
            List<RecordedRequest> got = r.awaitCount(3, WAIT);

            Map<String, List<String>> auth = new HashMap<>();
            got.forEach(d -> auth.put(d.path(), d.headerValues("Authorization")));
            String expected = "Basic " + Base64.getEncoder()
                .encodeToString("ada:p:ss w\u00f6rd".getBytes(StandardCharsets.UTF_8));
            assertThat(auth).isEqualTo(Map.of("/both", List.of(expected), "/user", List.of(), "/pass", List.of()));
        }
    }

    @Test
    void aBatchOf200EventsFansOutTo400DistinctDeliveries() {
        Gateway.ProjectClient p = env.gateway().project(projectId("batch"));
        try (Receiver r = Deliveries.receiver(env.vertx())) {
            p.webhook("a", r.url("/a"), "users.*.create");
            p.webhook("b", r.url("/b"), "users.*");
            JsonArray events = new JsonArray();
            for (int i = 0; i < 200; i++) {
                events.add(event("users.u" + i + ".create", new JsonObject().put("i", i)));
            }
            Gateway.Reply accepted = p.send(new JsonObject().put("events", events).encode()).expect(202);
            assertThat(accepted.json().getInteger("total")).isEqualTo(200);

            r.awaitCount(400, WAIT);
            List<RecordedRequest> got = r.assertCountStays(400, QUIET);

            assertThat(got.stream().map(d -> d.header("webhook-id")).distinct().count()).isEqualTo(400);
            List<Integer> all = IntStream.range(0, 200).boxed().toList();
            Map<String, List<Integer>> byPath = got.stream().collect(Collectors.groupingBy(RecordedRequest::path,
                Collectors.mapping(d -> d.bodyJson().getInteger("i"), Collectors.toList())));
            byPath.values().forEach(list -> list.sort(Comparator.naturalOrder()));
            assertThat(byPath).isEqualTo(Map.of("/a", all, "/b", all));
        }
    }

    @Test
    void aSlowReceiverDoesNotHoldBackAFastOne() {
        Gateway.ProjectClient p = env.gateway().project(projectId("slow"));
        Duration slowness = Duration.ofSeconds(3);
        try (Receiver slow = Deliveries.receiver(env.vertx()); Receiver fast = Deliveries.receiver(env.vertx())) {
            slow.delay(slowness);
            p.webhook("slow", slow.url("/slow"), "users.*.create");
            p.webhook("fast", fast.url("/fast"), "users.*.create");

            send(p, event("users.u0.create", marker("e0")));
            RecordedRequest firstSlow = slow.awaitRequest(WAIT);
            List<JsonObject> more = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                more.add(event("users.u" + i + ".create", marker("e" + i)));
            }
            send(p, more.toArray(JsonObject[]::new));
            List<RecordedRequest> fastGot = fast.awaitCount(6, WAIT);

            // Every fast delivery, including those of events sent after the slow one was already
            // stuck, arrived before the slow receiver even answered its first request.
            long slowFirstAnswerAt = firstSlow.receivedAtNanos() + slowness.toNanos();
            assertThat(fastGot).allSatisfy(d -> assertThat(d.receivedAtNanos()).isLessThan(slowFirstAnswerAt));
            assertThat(markersByPath(fastGot)).isEqualTo(Map.of("/fast", List.of("e0", "e1", "e2", "e3", "e4", "e5")));
            // And the slow one is not starved either: it gets all six.
            assertThat(markersByPath(slow.awaitCount(6, WAIT)))
                .isEqualTo(Map.of("/slow", List.of("e0", "e1", "e2", "e3", "e4", "e5")));
        }
    }

    private static byte[] hmacSha1(String secret, byte[] message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return mac.doFinal(message);
    }
}
