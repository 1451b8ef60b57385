package io.hookgate.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Helpers of the security tests: fresh IDs, events, receivers, waiting on a webhook or a delivery,
 * and signature checks written from the contract text (not with {@code io.hookgate.signing}), so a
 * signing bug cannot hide behind the same bug in the check.
 */
final class Fixtures {
    /** Bound of every condition wait. */
    static final Duration WAIT = Duration.ofSeconds(10);
    /** How long "nothing more arrives" is watched once the pipeline is known to have flushed. */
    static final Duration QUIET = Duration.ofMillis(300);

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private Fixtures() {
    }

    /** A project ID no other test (or earlier run on the same Redis) uses. */
    static String projectId(String prefix) {
        return prefix + "-" + SEQUENCE.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
    }

    static Receiver receiver(Vertx vertx) {
        return receiver(vertx, "127.0.0.1");
    }

    /** A plain HTTP receiver bound to a loopback address ({@code 127.0.0.1}, {@code 127.0.0.2}, {@code ::1}). */
    static Receiver receiver(Vertx vertx, String loopback) {
        try {
            return Receiver.start(vertx, false, loopback).await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("receiver on " + loopback + " did not start", e);
        }
    }

    /** Webhook creation parameters (name = id). */
    static JsonObject webhookParams(String id, String url, String... events) {
        return new JsonObject().put("webhookId", id).put("url", url).put("name", id)
            .put("events", new JsonArray(List.of((Object[]) events)));
    }

    /** Sends {@code users.u1.create} with {@code {"n": marker}}; expects 202. */
    static void send(Gateway.ProjectClient project, String marker) {
        project.send(new JsonObject().put("event", "users.u1.create")
            .put("payload", new JsonObject().put("n", marker)).encode()).expect(202);
    }

    /** Polls the webhook's model until {@code condition} holds; answers that model. */
    static JsonObject awaitWebhook(Gateway.ProjectClient project, String webhookId, String what,
                                   Predicate<JsonObject> condition) {
        return Await.until("webhook " + webhookId + ": " + what, WAIT, () -> {
            JsonObject w = project.get(webhookId);
            return condition.test(w) ? w : null;
        });
    }

    /** The webhook's deliveries, newest first. */
    static List<JsonObject> deliveries(Gateway.ProjectClient project, String webhookId) {
        JsonArray all = project.call("GET", "/webhooks/" + webhookId + "/deliveries", null).expect(200).json()
            .getJsonArray("deliveries");
        return all.stream().map(JsonObject.class::cast).toList();
    }

    /** Waits until the webhook has {@code n} deliveries, each with a final status; answers them, newest first. */
    static List<JsonObject> awaitFinalDeliveries(Gateway.ProjectClient project, String webhookId, int n) {
        return Await.until(n + " final deliveries of " + webhookId, WAIT, () -> {
            List<JsonObject> all = deliveries(project, webhookId);
            boolean done = all.size() == n && all.stream()
                .allMatch(d -> List.of("delivered", "failed").contains(d.getString("status")));
            return done ? all : null;
        });
    }

    /** The delivery whose payload marker is {@code marker}, through the single-delivery GET (which has the payload). */
    static JsonObject delivery(Gateway.ProjectClient project, String webhookId, String marker) {
        for (JsonObject d : deliveries(project, webhookId)) {
            JsonObject full = project.call("GET", "/webhooks/" + webhookId + "/deliveries/" + d.getString("$id"), null)
                .expect(200).json();
            if (marker.equals(full.getJsonObject("payload").getString("n"))) {
                return full;
            }
        }
        throw new AssertionError("no delivery of " + webhookId + " with marker " + marker);
    }

    /** Contract section 2: Base64(HMAC-SHA1(secret, URL + body)), for URLs without percent escapes. */
    static String appwriteSignature(String url, byte[] body, String secret) {
        assertThat(url).as("the helper signs URLs without escapes only").doesNotContain("%");
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            mac.update(url.getBytes(StandardCharsets.UTF_8));
            mac.update(body);
            return Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key a Standard Webhooks library is given for a webhook secret. */
    static String whsec(String secret) {
        return "whsec_" + Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** The space-separated entries of the request's {@code webhook-signature} header. */
    static List<String> signatureEntries(RecordedRequest r) {
        assertThat(r.headerValues("webhook-signature")).as("webhook-signature headers").hasSize(1);
        return Arrays.asList(r.header("webhook-signature").split(" ", -1));
    }

    /**
     * Whether the Standard Webhooks library accepts the request with only {@code entry} as its
     * signature and {@code secret} as the key.
     */
    static boolean verifies(RecordedRequest r, String entry, String secret) {
        Map<String, List<String>> headers = new LinkedHashMap<>(r.headers());
        headers.put("webhook-signature", List.of(entry));
        try {
            new Webhook(whsec(secret)).verify(r.bodyString(), headers);
            return true;
        } catch (WebhookVerificationException e) {
            return false;
        }
    }

    /**
     * Asserts that the request's {@code webhook-signature} has one {@code v1} entry per secret, in this
     * order, each valid for its own secret and for none of the others.
     */
    static void assertSignedBy(RecordedRequest r, String... secretsNewestFirst) {
        List<String> entries = signatureEntries(r);
        assertThat(entries).as("webhook-signature entries of %s", r.summary()).hasSize(secretsNewestFirst.length)
            .allSatisfy(e -> assertThat(e).matches("v1,[A-Za-z0-9+/]{43}="));
        for (int i = 0; i < entries.size(); i++) {
            for (int s = 0; s < secretsNewestFirst.length; s++) {
                assertThat(verifies(r, entries.get(i), secretsNewestFirst[s]))
                    .as("entry %d verified with secret %d", i, s).isEqualTo(i == s);
            }
        }
        // And the whole header, as a receiver would check it, with every secret still valid.
        for (String secret : secretsNewestFirst) {
            try {
                new Webhook(whsec(secret)).verify(r.bodyString(), r.headers());
            } catch (WebhookVerificationException e) {
                throw new AssertionError("the whole header does not verify with a valid secret", e);
            }
        }
    }
}
