package io.hookgate.security;

import static io.hookgate.security.Fixtures.WAIT;
import static io.hookgate.security.Fixtures.appwriteSignature;
import static io.hookgate.security.Fixtures.assertSignedBy;
import static io.hookgate.security.Fixtures.projectId;
import static io.hookgate.security.Fixtures.signatureEntries;
import static io.hookgate.security.Fixtures.webhookParams;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Contract section 5, secret rotation: {@code PATCH /v1/webhooks/{id}/secret} replaces the secret at
 * once; with {@code graceSeconds > 0} the replaced one keeps signing for that long, so the
 * {@code webhook-signature} header carries one {@code v1} entry per valid secret, newest first, each
 * checked here with the Standard Webhooks library against its own secret only. The Appwrite signature
 * always uses the newest secret. A rotation without a grace period ends every earlier one.
 */
class RotationTest {
    private static final String EVENT = "users.*.create";

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create();

    private final AtomicInteger markers = new AtomicInteger();

    @Test
    void graceKeepsTheOldSecretsSigningNewestFirstUntilARotationWithoutGrace() {
        Gateway.ProjectClient p = env.gateway().project(projectId("rot"));
        try (Receiver r = Fixtures.receiver(env.vertx())) {
            String url = r.url("/rot");
            String s0 = "secret-zero-0000";
            p.webhook(webhookParams("w", url, EVENT).put("secret", s0));
            assertSignedBy(deliver(p, r), s0);

            String s1 = "secret-one-11111";
            assertThat(rotate(p, new JsonObject().put("secret", s1).put("graceSeconds", 60))).isEqualTo(s1);
            RecordedRequest d1 = deliver(p, r);
            assertSignedBy(d1, s1, s0);
            assertAppwriteSignedBy(d1, url, s1, s0);

            String s2 = "secret-two-22222";
            rotate(p, new JsonObject().put("secret", s2).put("graceSeconds", 60));
            RecordedRequest d2 = deliver(p, r);
            assertSignedBy(d2, s2, s1, s0);
            assertAppwriteSignedBy(d2, url, s2, s1, s0);

            // graceSeconds 0 ends every grace period at once.
            String s3 = "secret-three-333";
            rotate(p, new JsonObject().put("secret", s3).put("graceSeconds", 0));
            RecordedRequest d3 = deliver(p, r);
            assertSignedBy(d3, s3);
            assertAppwriteSignedBy(d3, url, s3, s2);

            // So does a rotation that does not mention graceSeconds.
            String s4 = "secret-four-4444";
            rotate(p, new JsonObject().put("secret", s4).put("graceSeconds", 60));
            assertSignedBy(deliver(p, r), s4, s3);
            String s5 = "secret-five-5555";
            rotate(p, new JsonObject().put("secret", s5));
            assertSignedBy(deliver(p, r), s5);

            // No body at all: a generated secret, no grace.
            String s6 = rotate(p, null);
            assertThat(s6).matches("[0-9a-f]{128}");
            RecordedRequest d6 = deliver(p, r);
            assertSignedBy(d6, s6);
            assertAppwriteSignedBy(d6, url, s6, s5);
        }
    }

    @Test
    void aOneSecondGraceExpires() {
        Gateway.ProjectClient p = env.gateway().project(projectId("expire"));
        try (Receiver r = Fixtures.receiver(env.vertx())) {
            String s0 = "short-lived-0000";
            String s1 = "short-lived-1111";
            p.webhook(webhookParams("w", r.url("/x"), EVENT).put("secret", s0));
            JsonObject rotated = p.call("PATCH", "/webhooks/w/secret",
                new JsonObject().put("secret", s1).put("graceSeconds", 1).encode()).expect(200).json();
            long validUntil = OffsetDateTime.parse(rotated.getString("$updatedAt")).toInstant().toEpochMilli() + 1000;

            // Right after the rotation: both secrets, as long as the try's timestamp is within the grace.
            RecordedRequest early = deliver(p, r);
            assertSignedBy(early, inGrace(early, validUntil) ? new String[] {s1, s0} : new String[] {s1});

            // Once the timestamp a try carries has passed the grace period, the old secret is gone.
            long expiredAt = (validUntil + 999) / 1000 * 1000;
            Await.until("the grace period is over", Duration.ofSeconds(3), () -> System.currentTimeMillis() >= expiredAt);
            RecordedRequest late = deliver(p, r);
            assertThat(inGrace(late, validUntil)).isFalse();
            assertSignedBy(late, s1);
        }
    }

    @Test
    void graceSecondsOutsideZeroToSevenDaysIsA400AndChangesNothing() {
        Gateway.ProjectClient p = env.gateway().project(projectId("bad-grace"));
        String legacy = "/projects/" + p.projectId() + "/webhooks/w/signature";
        try (Receiver r = Fixtures.receiver(env.vertx())) {
            String s0 = "unchanged-secret";
            p.webhook(webhookParams("w", r.url("/g"), EVENT).put("secret", s0));
            for (String bad : List.of("-1", "604801", "\"x\"", "1.5", "true", "\"60\"", "[60]", "9223372036854775808")) {
                String body = "{\"secret\": \"should-not-apply\", \"graceSeconds\": " + bad + "}";
                JsonObject error = p.call("PATCH", "/webhooks/w/secret", body).expect(400).json();
                assertThat(error.getString("type")).as(bad).isEqualTo("general_argument_invalid");
                assertThat(error.getString("message")).as(bad).contains("graceSeconds");
                String legacyBody = "{\"signatureKey\": \"should-not-apply\", \"graceSeconds\": " + bad + "}";
                assertThat(env.gateway().admin("PATCH", legacy, legacyBody).expect(400).json().getString("type"))
                    .as("legacy " + bad).isEqualTo("general_argument_invalid");
            }
            assertSignedBy(deliver(p, r), s0);

            // The edges are accepted.
            String s1 = rotate(p, new JsonObject().put("secret", "edge-secret-max1").put("graceSeconds", 604800));
            assertSignedBy(deliver(p, r), s1, s0);
            String s2 = rotate(p, new JsonObject().put("secret", "edge-secret-zero").put("graceSeconds", 0));
            assertSignedBy(deliver(p, r), s2);
        }
    }

    @Test
    void theLegacySignatureRouteRotatesTheSameWay() {
        Gateway.ProjectClient p = env.gateway().project(projectId("legacy-rot"));
        String legacy = "/projects/" + p.projectId() + "/webhooks/w/signature";
        try (Receiver r = Fixtures.receiver(env.vertx())) {
            String url = r.url("/legacy");
            String s0 = "legacy-secret-00";
            p.webhook(webhookParams("w", url, EVENT).put("secret", s0));

            JsonObject answer = env.gateway().admin("PATCH", legacy,
                new JsonObject().put("signatureKey", "legacy-secret-11").put("graceSeconds", 60).encode()).expect(200).json();
            assertThat(answer.getString("signatureKey")).isEqualTo("legacy-secret-11");
            RecordedRequest d1 = deliver(p, r);
            assertSignedBy(d1, "legacy-secret-11", s0);
            assertAppwriteSignedBy(d1, url, "legacy-secret-11", s0);

            String generated = env.gateway().admin("PATCH", legacy, null).expect(200).json().getString("signatureKey");
            assertThat(generated).matches("[0-9a-f]{128}");
            RecordedRequest d2 = deliver(p, r);
            assertSignedBy(d2, generated);
            assertAppwriteSignedBy(d2, url, generated, "legacy-secret-11");
        }
    }

    /** Rotates through the current route; answers the new secret, which only this answer shows. */
    private static String rotate(Gateway.ProjectClient p, JsonObject body) {
        JsonObject w = p.call("PATCH", "/webhooks/w/secret", body == null ? null : body.encode()).expect(200).json();
        assertThat(p.get("w").getString("secret")).isEmpty();
        return w.getString("secret");
    }

    /** Sends one event with a fresh marker and answers its delivery. */
    private RecordedRequest deliver(Gateway.ProjectClient p, Receiver r) {
        String marker = "m" + markers.incrementAndGet();
        Fixtures.send(p, marker);
        return Await.until("delivery of " + marker, WAIT, () -> r.requests().stream()
            .filter(d -> marker.equals(d.bodyJson().getString("n"))).findFirst().orElse(null));
    }

    /** Whether the try's timestamp (seconds) falls before the end of the grace period (ms). */
    private static boolean inGrace(RecordedRequest d, long validUntil) {
        long ts = Long.parseLong(d.header("webhook-timestamp"));
        boolean in = ts * 1000 < validUntil;
        assertThat(signatureEntries(d)).as("entries at timestamp %d, grace until %d", ts, validUntil)
            .hasSize(in ? 2 : 1);
        return in;
    }

    /** The Appwrite signature is made with the newest secret only. */
    private static void assertAppwriteSignedBy(RecordedRequest d, String url, String newest, String... older) {
        assertThat(d.headerValues("X-Appwrite-Webhook-Signature")).containsExactly(appwriteSignature(url, d.body(), newest));
        for (String o : older) {
            assertThat(d.header("X-Appwrite-Webhook-Signature")).isNotEqualTo(appwriteSignature(url, d.body(), o));
        }
    }
}
