package io.hookgate.security;

import static io.hookgate.security.Fixtures.WAIT;
import static io.hookgate.security.Fixtures.appwriteSignature;
import static io.hookgate.security.Fixtures.assertSignedBy;
import static io.hookgate.security.Fixtures.awaitFinalDeliveries;
import static io.hookgate.security.Fixtures.awaitWebhook;
import static io.hookgate.security.Fixtures.deliveries;
import static io.hookgate.security.Fixtures.projectId;
import static io.hookgate.security.Fixtures.send;
import static io.hookgate.security.Fixtures.webhookParams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.hookgate.config.ConfigKey;
import io.hookgate.redis.FieldCipher;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.LogCapture;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.hookgate.testsupport.RedisServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Secrets at rest, in logs and in answers. Webhook secrets and auth passwords are stored encrypted
 * (and still sign and authenticate deliveries); a gateway with another encryption key cannot read
 * them and never delivers with a wrong secret; no admin key, project key, webhook secret, auth
 * password or encryption key reaches the log, on any path; the secret is shown only by create and
 * rotate. Real Redis (read raw with its own client), real receivers on loopback.
 */
class SecretsTest {
    private static final String EVENT = "users.*.create";

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create();

    @Test
    void redisHoldsSecretAndPasswordEncryptedAndDeliveriesStillSignAndAuthenticate() {
        String secret = "plain-signing-secret-A1";
        String password = "plain-auth-password-B2";
        Gateway.ProjectClient p = env.gateway().project(projectId("rest"));
        try (Receiver r = Fixtures.receiver(env.vertx())) {
            String url = r.url("/rest");
            p.webhook(webhookParams("w", url, EVENT).put("authUsername", "alice").put("authPassword", password)
                .put("secret", secret));
            String key = "hg:{p:" + p.projectId() + "}:wh:w";

            String storedSecret = env.redis().command("HGET", key, "secret");
            String storedPassword = env.redis().command("HGET", key, "authPassword");
            assertThat(storedSecret).startsWith("enc:v1:").doesNotContain(secret);
            assertThat(storedPassword).startsWith("enc:v1:").doesNotContain(password);
            assertThat(env.redis().command("HGET", key, "authUsername")).isEqualTo("alice");
            assertThat(env.redis().command("HGETALL", key)).contains(url).doesNotContain(secret)
                .doesNotContain(password);
            // The field name is bound in: the two sealed values differ in more than their text.
            assertThat(storedSecret).isNotEqualTo(storedPassword);

            send(p, "e1");
            RecordedRequest d = r.awaitRequest(WAIT);
            assertThat(d.header("Authorization")).isEqualTo("Basic " + Base64.getEncoder()
                .encodeToString(("alice:" + password).getBytes(StandardCharsets.UTF_8)));
            assertThat(d.header("X-Appwrite-Webhook-Signature")).isEqualTo(appwriteSignature(url, d.body(), secret));
            assertSignedBy(d, secret);

            // A rotation with a grace period keeps the old secret, sealed too.
            String rotated = "rotated-signing-secret-C3";
            p.call("PATCH", "/webhooks/w/secret", new JsonObject().put("secret", rotated).put("graceSeconds", 60).encode())
                .expect(200);
            String retired = env.redis().command("HGET", key, "retired");
            assertThat(new JsonArray(retired)).hasSize(1);
            assertThat(new JsonArray(retired).getJsonObject(0).getString("s")).startsWith("enc:v1:");
            assertThat(env.redis().command("HGETALL", key)).doesNotContain(secret).doesNotContain(rotated)
                .doesNotContain(password);

            // Nowhere else in Redis either (queue entries, delivery records, caches).
            assertThat(everythingIn(env.redis())).doesNotContain(secret).doesNotContain(rotated)
                .doesNotContain(password);
        }
    }

    @Test
    void aGatewayWithAnotherEncryptionKeyCannotReadTheSecretsAndNeverSignsWithAWrongOne() throws Exception {
        String k1 = FieldCipher.newKey();
        String k2 = FieldCipher.newKey();
        String secret = "secret-under-key-one";
        String password = "password-under-key-one";
        try (RedisServer own = RedisServer.start(); Receiver r = Fixtures.receiver(env.vertx())) {
            String url = r.url("/k");
            Gateway.ProjectClient p;
            try (Gateway a = Gateway.start(own.url(), Map.of(ConfigKey.ENCRYPTION_KEY, k1))) {
                p = a.project(projectId("keys"));
                p.webhook(webhookParams("w", url, EVENT).put("authUsername", "bob").put("authPassword", password)
                    .put("secret", secret));
                // The configured key seals the values and is not stored in Redis.
                String key = "hg:{p:" + p.projectId() + "}:wh:w";
                assertThat(FieldCipher.fromBase64(k1).decrypt("secret", own.command("HGET", key, "secret"))).isEqualTo(secret);
                assertThat(own.command("EXISTS", "hg:encryption-key")).isEqualTo("0");

                // (1) Another key on a Redis that holds webhooks: the start fails, naming the problem,
                // not the key or the value.
                assertThatThrownBy(() -> Gateway.start(own.url(), Map.of(ConfigKey.ENCRYPTION_KEY, k2)).close())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("HOOKGATE_ENCRYPTION_KEY differs from the key the data in this Redis was written with;"
                        + " every replica needs the same key");

                send(p, "e1");
                RecordedRequest d = r.awaitRequest(WAIT);
                assertSignedBy(d, secret);
            }

            // (2) Even on a Redis that holds no webhook yet, a replica with another key than the first
            // one refuses to start: it could not read the webhooks created later, and would fan events
            // out to nobody. The replica with the right key delivers every event, signed correctly.
            r.clearRequests();
            own.command("FLUSHALL");
            try (Gateway right = Gateway.start(own.url(), Map.of(ConfigKey.ENCRYPTION_KEY, k1))) {
                assertThatThrownBy(() -> Gateway.start(own.url(), Map.of(ConfigKey.ENCRYPTION_KEY, k2)).close())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("every replica needs the same key");
                Gateway.ProjectClient q = right.project(projectId("keys2"));
                q.webhook(webhookParams("w", url, EVENT).put("authUsername", "bob").put("authPassword", password)
                    .put("secret", secret));
                for (int i = 0; i < 4; i++) {
                    send(q, "m" + i);
                }
                List<RecordedRequest> got = r.awaitCount(4, WAIT);
                assertThat(r.assertCountStays(4, Duration.ofMillis(500))).hasSize(4);
                for (RecordedRequest d : got) {
                    assertSignedBy(d, secret);
                    assertThat(d.header("Authorization")).isEqualTo("Basic " + Base64.getEncoder()
                        .encodeToString(("bob:" + password).getBytes(StandardCharsets.UTF_8)));
                }
            }
        }
    }

    @Test
    void noKeySecretOrPasswordEverReachesTheLog() throws Exception {
        String encryptionKey = FieldCipher.newKey();
        List<String> secrets = new ArrayList<>(List.of(Gateway.ADMIN_KEY, encryptionKey));
        ScriptedResolver resolver = new ScriptedResolver()
            .onCheck("turns-bad.test", "127.0.0.1").onDelivery("turns-bad.test", "127.0.0.2");
        List<String> records;
        try (LogCapture logs = LogCapture.attach(org.slf4j.Logger.ROOT_LOGGER_NAME).open(Level.TRACE,
                 org.slf4j.Logger.ROOT_LOGGER_NAME, "io.hookgate", "io.vertx", "io.netty").quiet();
             RedisServer own = RedisServer.start();
             Receiver ok = Fixtures.receiver(env.vertx()); Receiver failing = Fixtures.receiver(env.vertx())) {
            failing.respondWith(400, "rejected by the receiver");
            Gateway g = Gateway.start(own.url(), Map.of(ConfigKey.ENCRYPTION_KEY, encryptionKey,
                ConfigKey.ALLOWED_TARGET_CIDRS, "127.0.0.1/32", ConfigKey.RETRY_SCHEDULE, "100ms"), resolver);
            try {
                Gateway.ProjectClient p = g.project(projectId("logs"));
                secrets.add(p.key());
                Map<String, String> passwords = new LinkedHashMap<>();
                Map<String, String> urls = Map.of("ok", ok.url("/ok"), "failing", failing.url("/failing"),
                    "down", "http://127.0.0.1:1/down", "turns-bad", "http://turns-bad.test:" + ok.port() + "/late");
                for (Map.Entry<String, String> w : urls.entrySet()) {
                    String password = "pw-" + w.getKey() + "-" + Long.toHexString(System.nanoTime());
                    passwords.put(w.getKey(), password);
                    JsonObject params = webhookParams(w.getKey(), w.getValue(), EVENT).put("authUsername", "carol")
                        .put("authPassword", password);
                    if (w.getKey().equals("ok")) {
                        params.put("secret", "given-secret-" + Long.toHexString(System.nanoTime()));
                    }
                    secrets.add(p.webhook(params).getString("secret"));
                }
                passwords.values().forEach(pw -> {
                    secrets.add(pw);
                    secrets.add(Base64.getEncoder().encodeToString(("carol:" + pw).getBytes(StandardCharsets.UTF_8)));
                });

                // Deliveries: a success, a 400, a refused connection, a target refused at delivery; each
                // failure retried once.
                send(p, "e1");
                ok.awaitRequest(WAIT);
                for (String id : List.of("failing", "down")) {
                    awaitWebhook(p, id, "two failed tries", w -> w.getInteger("attempts") == 2);
                }
                // A target refused at delivery leaves attempts alone (as Appwrite): its record shows the tries.
                assertThat(awaitFinalDeliveries(p, "turns-bad", 1).get(0).getInteger("attemptCount")).isEqualTo(2);
                // Rotations (current and legacy routes), then a delivery signed by two secrets.
                secrets.add(p.call("PATCH", "/webhooks/ok/secret", new JsonObject().put("graceSeconds", 60).encode())
                    .expect(200).json().getString("secret"));
                secrets.add(g.admin("PATCH", "/projects/" + p.projectId() + "/webhooks/failing/signature", null)
                    .expect(200).json().getString("signatureKey"));
                send(p, "e2");
                ok.awaitCount(2, WAIT);

                // 4xx answers, with secrets in the refused requests.
                String refusedSecret = "refused-secret-" + Long.toHexString(System.nanoTime());
                String refusedPassword = "refused-password-" + Long.toHexString(System.nanoTime());
                secrets.add(refusedSecret);
                secrets.add(refusedPassword);
                p.call("POST", "/webhooks", webhookParams("bad", "ftp://x", EVENT).put("secret", refusedSecret)
                    .put("authPassword", refusedPassword).encode()).expect(400);
                p.call("POST", "/webhooks", webhookParams("bad", "http://127.0.0.2/", EVENT).put("secret", refusedSecret)
                    .put("authPassword", refusedPassword).encode()).expect(400);
                p.call("PUT", "/webhooks/ok", new JsonObject().put("url", ok.url("/ok")).put("name", "ok")
                    .put("events", new JsonArray().add("nope")).put("authPassword", refusedPassword).encode()).expect(400);
                p.call("PATCH", "/webhooks/ok/secret", new JsonObject().put("secret", refusedSecret)
                    .put("graceSeconds", -1).encode()).expect(400);
                p.call("PATCH", "/webhooks/missing/secret", new JsonObject().put("secret", refusedSecret).encode())
                    .expect(404);
                p.call("POST", "/webhooks", "{\"secret\": \"" + refusedSecret + "\", broken json").expect(400);
                g.call("GET", "/webhooks", null, "X-Appwrite-Project", p.projectId(), "X-Appwrite-Key", p.key() + "x")
                    .expect(401);
                g.call("GET", "/projects", null, "X-Appwrite-Key", Gateway.ADMIN_KEY + "x").expect(401);
                assertThat(g.call("GET", "/projects", null, "X-Appwrite-Key", p.key()).status()).isBetween(400, 499);
                assertThat(g.call("GET", "/webhooks", null, "X-Appwrite-Project", "nope", "X-Appwrite-Key", p.key())
                    .status()).isBetween(400, 499);
                p.call("DELETE", "/webhooks/down", null).expect(204);
            } finally {
                g.close();
            }
            // A control: a DEBUG record of a Hookgate logger carrying a value is seen by the scan.
            LoggerFactory.getLogger("io.hookgate.security.Control").debug("control {}", "control-value-F6");
            records = logs.records();
        }
        // The capture saw the gateway's own records and the control (so an empty scan cannot pass for a clean one).
        assertThat(records).anySatisfy(line -> assertThat(line).contains("Hookgate ready"))
            .anySatisfy(line -> assertThat(line).contains("DEBUG", "io.hookgate.security.Control", "control-value-F6"));
        assertThat(secrets).doesNotContainNull().allSatisfy(s -> assertThat(s).hasSizeGreaterThanOrEqualTo(8));
        for (String line : records) {
            for (String s : secrets) {
                assertThat(line).as("a log record holds a secret").doesNotContain(s);
            }
        }
    }

    @Test
    void theSecretIsShownByCreateAndRotateOnly() {
        String secret = "shown-once-secret-D4";
        Gateway.ProjectClient p = env.gateway().project(projectId("shown"));
        String legacyBase = "/projects/" + p.projectId() + "/webhooks";
        String url = "http://127.0.0.1:9/shown";

        JsonObject created = p.webhook(webhookParams("w", url, EVENT).put("secret", secret));
        assertThat(created.getString("secret")).isEqualTo(secret);
        JsonObject legacyCreated = env.gateway().admin("POST", legacyBase, webhookParams("l", url, EVENT).encode())
            .expect(201).json();
        String legacySecret = legacyCreated.getString("signatureKey");
        assertThat(legacySecret).matches("[0-9a-f]{128}");

        assertHidden(p, legacyBase, List.of(secret, legacySecret));
        String putAnswer = p.call("PUT", "/webhooks/w", new JsonObject().put("url", url).put("name", "renamed")
            .put("events", new JsonArray().add(EVENT)).encode()).expect(200).body();
        assertThat(new JsonObject(putAnswer).getString("secret")).isEmpty();
        assertThat(putAnswer).doesNotContain(secret);

        JsonObject rotated = p.call("PATCH", "/webhooks/w/secret", new JsonObject().put("graceSeconds", 60).encode())
            .expect(200).json();
        String next = rotated.getString("secret");
        assertThat(next).matches("[0-9a-f]{128}");
        JsonObject legacyRotated = env.gateway().admin("PATCH", legacyBase + "/l/signature",
            new JsonObject().put("signatureKey", "legacy-given-key-E5").encode()).expect(200).json();
        assertThat(legacyRotated.getString("signatureKey")).isEqualTo("legacy-given-key-E5");

        assertHidden(p, legacyBase, List.of(secret, legacySecret, next, "legacy-given-key-E5"));
    }

    /** GET, list, legacy GET and list, deliveries: secret fields empty, and no secret anywhere in the text. */
    private static void assertHidden(Gateway.ProjectClient p, String legacyBase, List<String> secrets) {
        Map<String, String> answers = new LinkedHashMap<>();
        answers.put("GET", p.call("GET", "/webhooks/w", null).expect(200).body());
        answers.put("list", p.call("GET", "/webhooks", null).expect(200).body());
        answers.put("legacy GET", env.gateway().admin("GET", legacyBase + "/l", null).expect(200).body());
        answers.put("legacy list", env.gateway().admin("GET", legacyBase, null).expect(200).body());
        answers.put("legacy GET of the current one",
            env.gateway().admin("GET", legacyBase + "/w", null).expect(200).body());
        answers.put("deliveries", p.call("GET", "/webhooks/w/deliveries", null).expect(200).body());

        assertThat(new JsonObject(answers.get("GET")).getString("secret")).isEmpty();
        assertThat(new JsonObject(answers.get("list")).getJsonArray("webhooks")).hasSize(2)
            .allSatisfy(w -> assertThat(((JsonObject) w).getString("secret")).isEmpty());
        assertThat(new JsonObject(answers.get("legacy GET")).getString("signatureKey")).isEmpty();
        assertThat(new JsonObject(answers.get("legacy list")).getJsonArray("webhooks")).hasSize(2)
            .allSatisfy(w -> assertThat(((JsonObject) w).getString("signatureKey")).isEmpty());
        answers.forEach((what, body) -> secrets.forEach(s -> assertThat(body).as(what).doesNotContain(s)));
        assertThat(deliveries(p, "w")).isEmpty();
    }

    /** Every value of every key in Redis, rendered as text. */
    private static String everythingIn(RedisServer server) {
        StringBuilder all = new StringBuilder();
        for (String key : server.keys("*")) {
            String type = server.command("TYPE", key);
            String value = switch (type) {
                case "string" -> server.command("GET", key);
                case "hash" -> server.command("HGETALL", key);
                case "set" -> server.command("SMEMBERS", key);
                case "zset" -> server.command("ZRANGE", key, "0", "-1", "WITHSCORES");
                case "list" -> server.command("LRANGE", key, "0", "-1");
                case "stream" -> server.command("XRANGE", key, "-", "+");
                case "none" -> "(gone meanwhile)";
                default -> throw new AssertionError("unexpected type " + type + " of " + key);
            };
            all.append(key).append(" = ").append(value).append('\n');
        }
        assertThat(all).as("Redis content").isNotEmpty();
        return all.toString();
    }
}
