package io.hookgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Helpers shared by the delivery-path tests: fresh project IDs, event bodies, waiting on a
 * webhook's bookkeeping, grouping what a receiver got, and an Appwrite signer written from the
 * contract text alone (deliberately not {@code io.hookgate.signing}), so a signing bug cannot hide
 * behind the same bug in the check.
 */
final class Deliveries {
    /** Bound of every condition wait. */
    static final Duration WAIT = Duration.ofSeconds(10);
    /** How long "nothing more arrives" is watched once the pipeline is known to have flushed. */
    static final Duration QUIET = Duration.ofMillis(500);
    /** The default User-Agent (appwriteVersion 1.9.5, securityEmail security@example.com). */
    static final String USER_AGENT = "Appwrite-Server v1.9.5. Please report abuse at security@example.com";

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private Deliveries() {
    }

    /** A project ID no other test (or earlier run on the same Redis) uses. */
    static String projectId(String prefix) {
        return prefix + "-" + SEQUENCE.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
    }

    static Receiver receiver(Vertx vertx) {
        return receiver(vertx, false);
    }

    static Receiver receiver(Vertx vertx, boolean tls) {
        try {
            return Receiver.start(vertx, tls).await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("receiver did not start", e);
        }
    }

    /** {@code {"n": marker}}: a payload that tells the events apart at the receiver. */
    static JsonObject marker(String marker) {
        return new JsonObject().put("n", marker);
    }

    static JsonObject event(String name, JsonObject payload) {
        return new JsonObject().put("event", name).put("payload", payload);
    }

    /** Sends one event as it is, or several as a batch; expects 202. */
    static Gateway.Reply send(Gateway.ProjectClient project, JsonObject... events) {
        String body = events.length == 1 ? events[0].encode()
            : new JsonObject().put("events", new JsonArray(List.of((Object[]) events))).encode();
        Gateway.Reply reply = project.send(body).expect(202);
        assertThat(reply.json().getInteger("total")).isEqualTo(events.length);
        return reply;
    }

    /** The expansion the 202 answer gave for its {@code index}-th event. */
    static List<String> expansion(Gateway.Reply accepted, int index) {
        return accepted.json().getJsonArray("events").getJsonObject(index).getJsonArray("expansion").stream()
            .map(String.class::cast).toList();
    }

    /** Webhook creation parameters (name = id), ready for more fields. */
    static JsonObject webhookParams(String id, String url, String... events) {
        return new JsonObject().put("webhookId", id).put("url", url).put("name", id)
            .put("events", new JsonArray(List.of((Object[]) events)));
    }

    /** Polls the webhook's model until {@code condition} holds; answers that model. */
    static JsonObject awaitWebhook(Gateway.ProjectClient project, String webhookId, String what,
                                   Predicate<JsonObject> condition) {
        return Await.until("webhook " + webhookId + ": " + what, WAIT, () -> {
            JsonObject w = project.get(webhookId);
            return condition.test(w) ? w : null;
        });
    }

    static JsonObject awaitAttempts(Gateway.ProjectClient project, String webhookId, int attempts) {
        return awaitWebhook(project, webhookId, "attempts == " + attempts,
            w -> w.getInteger("attempts") == attempts);
    }

    /** Waits until at least {@code n} requests arrived at {@code path}; answers all requests so far. */
    static List<RecordedRequest> awaitPathCount(Receiver receiver, String path, int n) {
        return Await.until(n + " request(s) at " + path + " of " + receiver, WAIT, () -> {
            List<RecordedRequest> all = receiver.requests();
            return all.stream().filter(r -> r.path().equals(path)).count() >= n ? all : null;
        });
    }

    /** Per request path, the sorted markers ({@code "n"}) of the bodies that arrived there. */
    static Map<String, List<String>> markersByPath(List<RecordedRequest> requests) {
        return requests.stream().collect(Collectors.groupingBy(RecordedRequest::path, TreeMap::new,
            Collectors.collectingAndThen(Collectors.mapping(r -> r.bodyJson().getString("n"), Collectors.toList()),
                list -> list.stream().sorted().toList())));
    }

    /** The one request at {@code path} whose body carries {@code marker}. */
    static RecordedRequest find(List<RecordedRequest> requests, String path, String marker) {
        List<RecordedRequest> found = new ArrayList<>();
        for (RecordedRequest r : requests) {
            if (r.path().equals(path) && marker.equals(r.bodyJson().getString("n"))) {
                found.add(r);
            }
        }
        assertThat(found).as("requests at %s with marker %s", path, marker).hasSize(1);
        return found.get(0);
    }

    /** Bytes as an ISO-8859-1 string: a lossless view for byte-exact comparisons with readable diffs. */
    static String bytes(byte[] raw) {
        return new String(raw, StandardCharsets.ISO_8859_1);
    }

    static String bytes(String utf8) {
        return bytes(utf8.getBytes(StandardCharsets.UTF_8));
    }

    static long epochSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    /**
     * Contract section 2: {@code Base64(HMAC-SHA1(secret UTF-8, rawurldecode(url) + body))}, with
     * {@code %XX} turned into its byte and {@code +} left alone.
     */
    static String appwriteSignature(String url, byte[] body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            mac.update(rawUrlDecode(url));
            mac.update(body);
            return Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PHP's rawurldecode over the URL's UTF-8 bytes. */
    static byte[] rawUrlDecode(String url) {
        byte[] in = url.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        int i = 0;
        while (i < in.length) {
            if (in[i] == '%' && i + 2 < in.length && isHex(in[i + 1]) && isHex(in[i + 2])) {
                out.write(Integer.parseInt(new String(in, i + 1, 2, StandardCharsets.US_ASCII), 16));
                i += 3;
            } else {
                out.write(in[i]);
                i++;
            }
        }
        return out.toByteArray();
    }

    private static boolean isHex(byte b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }

    /** The key a Standard Webhooks library is given for a webhook secret. */
    static String whsec(String secret) {
        return "whsec_" + Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
    }
}
