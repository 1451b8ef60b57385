package io.hookgate.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The whole way through a gateway: a new project and key (admin API), a webhook to a real receiver,
 * one event in, and the signed delivery out with the payload bytes unchanged.
 */
final class FullPath {
    private static final Duration DELIVERY = Duration.ofSeconds(15);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final String RUN = Long.toHexString(System.nanoTime() & 0xffffffL);

    private FullPath() {
    }

    /** A project or webhook ID no other test of this JVM uses. */
    static String fresh(String prefix) {
        return prefix + "-" + RUN + "-" + SEQUENCE.incrementAndGet();
    }

    /** Runs the path on {@code gateway}; answers the delivered request. */
    static RecordedRequest run(Gateway gateway) {
        Gateway.ProjectClient project = gateway.project(fresh("fp"));
        try (Receiver receiver = Receiver.start(gateway.vertx()).await()) {
            String url = receiver.url("/hook");
            String secret = "full-path-secret-" + RUN;
            project.webhook(new JsonObject().put("webhookId", "wh").put("url", url).put("name", "full path")
                .put("events", new JsonArray(List.of("users.*.create"))).put("secret", secret));
            String payload = "{\"user\" : \"u1\", \"n\": [1, 2.50, \"\\u00e9\"]}";
            String eventId = fresh("ev");
            project.send("{\"$id\":\"" + eventId + "\",\"event\":\"users.u1.create\",\"payload\":" + payload + "}")
                .expect(202);

            RecordedRequest delivered = receiver.awaitRequest(DELIVERY);
            assertThat(new String(delivered.body(), StandardCharsets.UTF_8)).isEqualTo(payload);
            assertThat(delivered.header("X-Appwrite-Webhook-Project-Id")).isEqualTo(project.projectId());
            assertThat(delivered.header("X-Appwrite-Webhook-Events")).startsWith("users.u1.create,");
            assertThat(delivered.header("X-Appwrite-Webhook-Signature"))
                .isEqualTo(appwriteSignature(url, delivered.body(), secret));
            return delivered;
        }
    }

    /** Appwrite's signature, computed here without the gateway's code: Base64(HMAC-SHA1(secret, url + body)). */
    static String appwriteSignature(String url, byte[] body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            mac.update(url.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
