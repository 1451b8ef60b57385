package io.hookgate.delivery;

import static io.hookgate.delivery.Deliveries.QUIET;
import static io.hookgate.delivery.Deliveries.WAIT;
import static io.hookgate.delivery.Deliveries.event;
import static io.hookgate.delivery.Deliveries.marker;
import static io.hookgate.delivery.Deliveries.projectId;
import static io.hookgate.delivery.Deliveries.send;
import static io.hookgate.delivery.Deliveries.webhookParams;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.hookgate.config.ConfigKey;
import io.hookgate.security.ScriptedResolver;
import io.hookgate.security.ScriptedResolver.Caller;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.LogCapture;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.hookgate.testsupport.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The target guard at both of its places. At create/update time ({@code TargetCheck}) a URL whose host
 * spells a refused address, or a name that resolves to one, is a 400 naming the address and its range;
 * that check only resolves, it never connects. At delivery time the one lookup of each try is checked
 * again, so a name that changed its answer after creation is refused without a connection. With
 * loopback allowed, every spelling of it is delivered.
 *
 * <p>Safety: only loopback is ever connected to. Non-loopback answers (10.0.0.1, 169.254.169.254,
 * 93.184.216.34, ...) come from a {@link ScriptedResolver} that gives them to the create-time check
 * only, and loopback-only answers to deliveries. Each test starts its own gateway (its configuration
 * is the subject), one after the other on the class's Redis.
 */
class TargetTest {
    private static final String EVENT = "users.*.create";
    private static final String CHECK_LOGGER = "io.hookgate.api.TargetCheck";
    private static final String REFUSED_ADDRESS = "Invalid `url` param: the host is an address that deliveries may not reach.";
    private static final String REFUSED_NAME =
        "Invalid `url` param: the host resolves to an address that deliveries may not reach.";

    private static RedisServer redis;
    private static Vertx vertx;
    private Gateway gateway;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (vertx != null) {
                vertx.close().await(10, TimeUnit.SECONDS);
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    @AfterEach
    void closeGateway() {
        if (gateway != null) {
            gateway.close();
            gateway = null;
        }
    }

    @Test
    void withNothingAllowedEveryLoopbackSpellingIsRefusedAtCreate() {
        ScriptedResolver resolver = new ScriptedResolver().systemLoopback("localhost").systemLoopback("LOCALHOST");
        gateway = Gateway.start(redis.url(), Map.of(ConfigKey.ALLOWED_TARGET_CIDRS, ""), resolver);
        Gateway.ProjectClient p = gateway.project(projectId("refuse"));
        int port = 8080;
        String v4Loopback = "target address 127.0.0.1 is not allowed (loopback range)";
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("http://127.0.0.1:" + port + "/", v4Loopback);
        refusals.put("http://0x7f000001:" + port + "/", v4Loopback);
        refusals.put("http://2130706433:" + port + "/", v4Loopback);
        refusals.put("http://0177.0.0.1:" + port + "/", v4Loopback);
        refusals.put("http://[::ffff:127.0.0.1]:" + port + "/", v4Loopback);
        refusals.put("http://[::ffff:7f00:1]:" + port + "/", v4Loopback);
        refusals.put("http://127.255.255.254:" + port + "/", "target address 127.255.255.254 is not allowed (loopback range)");
        refusals.put("http://[::1]:" + port + "/", "target address 0:0:0:0:0:0:0:1 is not allowed (loopback range)");
        refusals.put("http://localhost:" + port + "/", "is not allowed (loopback range)");
        refusals.put("http://LOCALHOST:" + port + "/", "is not allowed (loopback range)");
        String thisHost = "target address 0.0.0.0 is not allowed (\"this host on this network\" range)";
        refusals.put("http://0.0.0.0:" + port + "/", thisHost);
        refusals.put("http://0:" + port + "/", thisHost);

        int n = 0;
        try (LogCapture log = LogCapture.attach(CHECK_LOGGER, Level.INFO)) {
            for (Map.Entry<String, String> r : refusals.entrySet()) {
                String url = r.getKey();
                assertRefused(p.call("POST", "/webhooks", webhookParams("w" + n++, url, EVENT).encode()), log, url,
                    url.contains("localhost") || url.contains("LOCALHOST") ? REFUSED_NAME : REFUSED_ADDRESS,
                    r.getValue() + "; allow it with HOOKGATE_ALLOWED_TARGET_CIDRS");
            }
            // The legacy route goes through the same check.
            String url = "http://2130706433:" + port + "/";
            assertRefused(gateway.admin("POST", "/projects/" + p.projectId() + "/webhooks",
                webhookParams("legacy", url, EVENT).encode()), log, url, REFUSED_ADDRESS, v4Loopback);
        }
        // Short inet_aton forms are not hosts to java.net.URI (its registry-based authority): refused
        // at create time before the guard is reached ("needs a host name"), never stored.
        for (String shortForm : List.of("127.1", "0x7f.1", "127.0.0.1.", "0177.1")) {
            JsonObject error = p.call("POST", "/webhooks",
                webhookParams("s" + n++, "http://" + shortForm + ":" + port + "/", EVENT).encode()).expect(400).json();
            assertThat(error.getString("type")).as(shortForm).isEqualTo("general_argument_invalid");
        }
        assertThat(p.call("GET", "/webhooks", null).expect(200).json().getInteger("total")).isZero();
        assertThat(resolver.calls()).extracting(ScriptedResolver.Call::caller).containsOnly(Caller.CHECK);
    }

    @Test
    void aNameThatResolvesToAPrivateOrMetadataAddressIsRefusedAtCreate() {
        ScriptedResolver resolver = new ScriptedResolver()
            .onCheck("internal.test", "10.0.0.1")
            .onCheck("metadata.test", "169.254.169.254")
            .onCheck("ula.test", "fd00::1")
            .onCheck("nat64.test", "64:ff9b::a9fe:a9fe")
            .onCheck("cgnat.test", "100.64.0.1");
        gateway = Gateway.start(redis.url(), Map.of(), resolver); // loopback allowed, nothing else
        Gateway.ProjectClient p = gateway.project(projectId("names"));
        Map<String, String> refusals = Map.of(
            "internal.test", "target address 10.0.0.1 is not allowed (private range)",
            "metadata.test", "target address 169.254.169.254 is not allowed (link-local range)",
            "ula.test", "target address fd00:0:0:0:0:0:0:1 is not allowed (unique-local range)",
            "nat64.test", "target address 169.254.169.254 is not allowed (link-local range, embedded in 64:ff9b:0:0:0:0:a9fe:a9fe);",
            "cgnat.test", "target address 100.64.0.1 is not allowed (carrier-grade NAT range)");

        try (LogCapture log = LogCapture.attach(CHECK_LOGGER, Level.INFO)) {
            for (Map.Entry<String, String> r : refusals.entrySet()) {
                String url = "http://" + r.getKey() + "/hook";
                assertRefused(p.call("POST", "/webhooks",
                    webhookParams(r.getKey().replace('.', '-'), url, EVENT).encode()), log, url, REFUSED_NAME, r.getValue());
            }
        }
        // Each name was looked up once, by the check, which judges the answer and connects to nothing.
        assertThat(resolver.calls()).hasSize(refusals.size())
            .allSatisfy(c -> assertThat(c.caller()).isEqualTo(Caller.CHECK));
        assertThat(p.call("GET", "/webhooks", null).expect(200).json().getInteger("total")).isZero();
    }

    /**
     * IPv6 ranges that are not globally reachable (IANA IPv6 Special-Purpose Address Registry) or that
     * carry a non-global IPv4 address, as URL literals and as a name's answer: refused at create, with
     * loopback allowed as in every test gateway, and nothing stored.
     */
    @Test
    void ipv6RangesThatAreNotGloballyReachableOrCarryAnInternalIpv4AreRefusedAtCreate() {
        ScriptedResolver resolver = new ScriptedResolver().onCheck("nat64-local.test", "64:ff9b:1::a9fe:a9fe");
        gateway = Gateway.start(redis.url(), Map.of(), resolver); // 127.0.0.0/8 and ::1/128
        Gateway.ProjectClient p = gateway.project(projectId("v6"));
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("http://[64:ff9b:1::a9fe:a9fe]/", "(local-use IPv4/IPv6 translation range)");
        refusals.put("http://[64:ff9b:1::7f00:1]/", "(local-use IPv4/IPv6 translation range)");
        refusals.put("http://nat64-local.test/", "(local-use IPv4/IPv6 translation range)");
        refusals.put("http://[100:0:0:1::1]/", "(dummy IPv6 prefix range)");
        refusals.put("http://[5f00::1]/", "(SRv6 SIDs range)");
        refusals.put("http://[2001:2::1]/", "(benchmarking range)");
        refusals.put("http://[::ffff:0:a9fe:a9fe]/", "169.254.169.254 is not allowed (link-local range, embedded in");
        refusals.put("http://[2001:0:a9fe:a9fe::f7f7:f7f7]/", "169.254.169.254 is not allowed (link-local range, embedded in");

        int n = 0;
        try (LogCapture log = LogCapture.attach(CHECK_LOGGER, Level.INFO)) {
            for (Map.Entry<String, String> r : refusals.entrySet()) {
                String url = r.getKey();
                assertRefused(p.call("POST", "/webhooks", webhookParams("w" + n++, url, EVENT).encode()), log, url,
                    url.contains(".test") ? REFUSED_NAME : REFUSED_ADDRESS, r.getValue());
            }
        }
        assertThat(p.call("GET", "/webhooks", null).expect(200).json().getInteger("total")).isZero();
    }

    @Test
    void withLoopbackAllowedEverySpellingIsDelivered() {
        ScriptedResolver resolver = new ScriptedResolver().map("hook.test", "127.0.0.1").systemLoopback("localhost");
        gateway = Gateway.start(redis.url(), Map.of(), resolver); // 127.0.0.0/8 and ::1/128
        Gateway.ProjectClient p = gateway.project(projectId("spell"));
        try (Receiver v4 = Deliveries.receiver(vertx); Receiver v6 = receiver("::1")) {
            int port = v4.port();
            Map<String, String> v4Urls = new LinkedHashMap<>();
            v4Urls.put("dotted", "http://127.0.0.1:" + port + "/dotted");
            v4Urls.put("hex", "http://0x7f000001:" + port + "/hex");
            v4Urls.put("decimal", "http://2130706433:" + port + "/decimal");
            v4Urls.put("octal", "http://0177.0.0.1:" + port + "/octal");
            v4Urls.put("mapped", "http://[::ffff:127.0.0.1]:" + port + "/mapped");
            v4Urls.put("mappedhex", "http://[::ffff:7f00:1]:" + port + "/mappedhex");
            v4Urls.put("localhost", "http://localhost:" + port + "/localhost");
            v4Urls.put("name", "http://hook.test:" + port + "/name");
            v4Urls.forEach((id, url) -> p.webhook(id, url, EVENT));
            p.webhook("v6", v6.url("/v6"), EVENT);
            assertThat(v6.url("/v6")).startsWith("http://[::1]:");

            send(p, event("users.u1.create", marker("e1")));

            List<RecordedRequest> got = v4.awaitCount(v4Urls.size(), WAIT);
            assertThat(got).extracting(RecordedRequest::path)
                .containsExactlyInAnyOrderElementsOf(v4Urls.keySet().stream().map(id -> "/" + id).toList());
            for (RecordedRequest r : got) {
                assertThat(r.header("X-Appwrite-Webhook-Id")).isEqualTo(r.path().substring(1));
                assertThat(r.bodyJson().getString("n")).isEqualTo("e1");
            }
            RecordedRequest overV6 = v6.awaitRequest(WAIT);
            assertThat(overV6.path()).isEqualTo("/v6");
            assertThat(overV6.header("X-Appwrite-Webhook-Id")).isEqualTo("v6");
            assertThat(v4.assertCountStays(v4Urls.size(), QUIET)).hasSize(v4Urls.size());
            assertThat(v6.count()).isEqualTo(1);
            for (String id : v4Urls.keySet()) {
                assertThat(p.get(id).getInteger("attempts")).as(id).isZero();
            }
        }
        // The name was looked up once at create time and once for its one try.
        assertThat(resolver.calls("hook.test", Caller.CHECK)).hasSize(1);
        assertThat(resolver.calls("hook.test", Caller.DELIVERY)).hasSize(1);
    }

    @Test
    void aNameThatTurnsToARefusedAddressAfterCreationIsRefusedAtDelivery() {
        // At create time the name answers a public address (accepted, never connected to: the check
        // only resolves); at delivery it answers 127.0.0.2, outside the one allowed address.
        ScriptedResolver resolver = new ScriptedResolver()
            .onCheck("rebind.test", "93.184.216.34")
            .onDelivery("rebind.test", "127.0.0.2");
        gateway = Gateway.start(redis.url(), Map.of(ConfigKey.ALLOWED_TARGET_CIDRS, "127.0.0.1/32"), resolver);
        Gateway.ProjectClient p = gateway.project(projectId("late"));
        // A receiver on 127.0.0.2 itself: had the guard let the try through, it would have got it.
        try (Receiver trap = receiver("127.0.0.2");
             LogCapture logs = LogCapture.attach("hookgate.delivery", Level.INFO)) {
            String url = "http://rebind.test:" + trap.port() + "/x";
            p.webhook("late", url, EVENT);
            assertThat(resolver.calls()).containsExactly(
                new ScriptedResolver.Call("rebind.test", Caller.CHECK, "93.184.216.34"));
            resolver.closeChecks();

            send(p, event("users.u1.create", marker("e1")));

            JsonObject refusedTry = Await.until("the refused try of late", WAIT, () -> {
                JsonArray list = p.call("GET", "/webhooks/late/deliveries", null).expect(200).json()
                    .getJsonArray("deliveries");
                return list.isEmpty() || list.getJsonObject(0).getInteger("attemptCount") == 0 ? null
                    : list.getJsonObject(0).getJsonArray("attempts").getJsonObject(0);
            });
            // The owner sees that the name is refused, not the address it resolved to nor its range;
            // the operator's log has both.
            assertThat(refusedTry.getInteger("statusCode")).isZero();
            assertThat(refusedTry.getString("error"))
                .isEqualTo("the host resolves to an address that deliveries may not reach");
            assertThat(logs.lines()).anyMatch(l -> l.contains("rebind.test") && l.contains("127.0.0.2")
                && l.contains("loopback"));
            // Appwrite's worker returns before the request when the host is refused: the webhook's
            // attempts and logs stay as they were.
            JsonObject w = p.get("late");
            assertThat(w.getInteger("attempts")).isZero();
            assertThat(w.getString("logs")).isEmpty();
            assertThat(w.getBoolean("enabled")).isTrue();
            assertThat(trap.assertCountStays(0, QUIET)).isEmpty();
        }
        assertThat(resolver.calls()).containsExactly(
            new ScriptedResolver.Call("rebind.test", Caller.CHECK, "93.184.216.34"),
            new ScriptedResolver.Call("rebind.test", Caller.DELIVERY, "127.0.0.2"));
    }

    @Test
    void aRefusedUrlOnPutIsA400AndLeavesTheWebhookUnchanged() {
        ScriptedResolver resolver = new ScriptedResolver().onCheck("internal.test", "10.0.0.1")
            .onCheck("metadata.test", "169.254.169.254").onCheck("mapped.test", "::ffff:192.168.1.1");
        gateway = Gateway.start(redis.url(), Map.of(ConfigKey.ALLOWED_TARGET_CIDRS, "127.0.0.1/32"), resolver);
        Gateway.ProjectClient p = gateway.project(projectId("put"));
        try (Receiver r = Deliveries.receiver(vertx)) {
            p.webhook(webhookParams("ok", r.url("/ok"), EVENT).put("authUsername", "u").put("authPassword", "pw-123"));
            JsonObject before = p.get("ok");
            Map<String, String> refused = Map.of(
                "http://127.0.0.2:" + r.port() + "/x", "target address 127.0.0.2 is not allowed (loopback range)",
                "http://[::1]:" + r.port() + "/x", "target address 0:0:0:0:0:0:0:1 is not allowed (loopback range)",
                "http://0x7f000002:" + r.port() + "/x", "target address 127.0.0.2 is not allowed (loopback range)",
                "http://internal.test/x", "target address 10.0.0.1 is not allowed (private range)",
                "http://metadata.test/latest/meta-data/", "target address 169.254.169.254 is not allowed (link-local range)",
                "http://mapped.test/x", "target address 192.168.1.1 is not allowed (private range)");

            try (LogCapture log = LogCapture.attach(CHECK_LOGGER, Level.INFO)) {
                for (Map.Entry<String, String> e : refused.entrySet()) {
                    String url = e.getKey();
                    String message = url.contains(".test") ? REFUSED_NAME : REFUSED_ADDRESS;
                    JsonObject put = new JsonObject().put("url", url).put("name", "changed")
                        .put("events", new JsonArray().add("users.*.delete")).put("enabled", false);
                    assertRefused(p.call("PUT", "/webhooks/ok", put.encode()), log, url, message, e.getValue());
                    assertRefused(gateway.admin("PUT", "/projects/" + p.projectId() + "/webhooks/ok", put.encode()), log,
                        url, message, e.getValue());
                }
            }
            assertThat(p.get("ok")).isEqualTo(before);
            resolver.closeChecks();

            // Still delivered where it was, and a PUT to an allowed URL still works.
            send(p, event("users.u1.create", marker("e1")));
            assertThat(r.awaitRequest(WAIT).path()).isEqualTo("/ok");
            p.call("PUT", "/webhooks/ok", new JsonObject().put("url", r.url("/moved")).put("name", "moved")
                .put("events", new JsonArray().add(EVENT)).encode()).expect(200);
            send(p, event("users.u2.create", marker("e2")));
            assertThat(r.awaitCount(2, WAIT).get(1).path()).isEqualTo("/moved");
        }
        assertThat(resolver.calls()).extracting(ScriptedResolver.Call::caller).containsOnly(Caller.CHECK);
    }

    /**
     * The API's 400 says what is wrong in its own words and nothing more (no address, no range, no
     * configuration hint); the operator's log line for it holds the URL's host and the guard's reason.
     */
    private static void assertRefused(Gateway.Reply reply, LogCapture log, String url, String message, String detail) {
        JsonObject error = reply.expect(400).json();
        assertThat(error.getString("type")).as(url).isEqualTo("general_argument_invalid");
        assertThat(error.getString("message")).as(url).isEqualTo(message);
        String host = java.net.URI.create(url).getRawAuthority().replaceFirst(":\\d+$", "");
        assertThat(log.lines()).as("log of %s", url).singleElement().asString()
            .startsWith("INFO " + CHECK_LOGGER + " - request ")
            .contains("refused, host " + host + ": ", detail);
        log.clear();
    }

    private static Receiver receiver(String loopback) {
        try {
            return Receiver.start(vertx, false, loopback).await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("receiver on " + loopback + " did not start", e);
        }
    }
}
