package io.hookgate.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import io.hookgate.testsupport.Contract;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link StandardWebhooksSignature} against the {@code standardWebhooks} vectors of
 * {@code signatures.json} and the reference Standard Webhooks Java library.
 */
class StandardWebhooksSignatureTest {

    private static final byte[] KEY_A = utf8("0123456789abcdef0123456789abcdef");
    private static final byte[] KEY_B = utf8("a rotated-in secret, also UTF-8: é");

    static Stream<Arguments> vectors() {
        List<Arguments> vectors = new ArrayList<>();
        for (JsonNode vector : Contract.read("signatures.json").get("standardWebhooks")) {
            vectors.add(Arguments.of(vector.get("id").asText(), vector.get("timestamp").asLong(),
                    vector.get("body").asText(), vector.get("secret").asText(), vector.get("signature").asText()));
        }
        return vectors.stream();
    }

    @Test
    void thereAreVectorsToCheck() {
        assertThat(vectors()).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void matchesTheVector(String id, long timestamp, String body, String secret, String signature) {
        byte[] key = keyOf(secret);

        assertThat(StandardWebhooksSignature.sign(id, timestamp, utf8(body), key)).isEqualTo(signature);
        assertThat(StandardWebhooksSignature.header(id, timestamp, utf8(body), List.of(key))).isEqualTo(signature);
        assertThat(StandardWebhooksSignature.displaySecret(key)).isEqualTo(secret);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void agreesWithAnIndependentComputation(String id, long timestamp, String body, String secret, String signature)
            throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(keyOf(secret), "HmacSHA256"));
        byte[] digest = mac.doFinal(utf8(id + "." + timestamp + "." + body));
        String expected = "v1," + Base64.getEncoder().encodeToString(digest);

        assertThat(expected).isEqualTo(signature);
    }

    @Test
    void theReferenceLibraryVerifiesOurSignature() {
        long now = System.currentTimeMillis() / 1000;
        String body = "{\"$id\":\"doc1\",\"title\":\"caf\u00e9\"}";
        String signature = StandardWebhooksSignature.sign("msg_1", now, utf8(body), KEY_A);

        assertThatCode(() -> new Webhook(StandardWebhooksSignature.displaySecret(KEY_A))
                .verify(body, headers("msg_1", now, signature)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> new Webhook(StandardWebhooksSignature.displaySecret(KEY_B))
                .verify(body, headers("msg_1", now, signature)))
                .isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() -> new Webhook(StandardWebhooksSignature.displaySecret(KEY_A))
                .verify(body + " ", headers("msg_1", now, signature)))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void multiKeyHeaderHasOneEntryPerKeyInOrderSeparatedByOneSpace() {
        byte[] body = utf8("{\"a\":1}");
        String header = StandardWebhooksSignature.header("msg_2", 1764244800L, body, List.of(KEY_B, KEY_A));

        assertThat(header).matches("v1,[A-Za-z0-9+/]{43}= v1,[A-Za-z0-9+/]{43}=");
        assertThat(header).isEqualTo(StandardWebhooksSignature.sign("msg_2", 1764244800L, body, KEY_B) + " "
                + StandardWebhooksSignature.sign("msg_2", 1764244800L, body, KEY_A));
    }

    @Test
    void theReferenceLibraryAcceptsAMultiKeyHeaderWithEitherKey() {
        long now = System.currentTimeMillis() / 1000;
        String body = "{\"rotation\":true}";
        String header = StandardWebhooksSignature.header("msg_3", now, utf8(body), List.of(KEY_B, KEY_A));

        for (byte[] key : List.of(KEY_A, KEY_B)) {
            assertThatCode(() -> new Webhook(StandardWebhooksSignature.displaySecret(key))
                    .verify(body, headers("msg_3", now, header)))
                    .doesNotThrowAnyException();
        }
        assertThatThrownBy(() -> new Webhook(StandardWebhooksSignature.displaySecret(utf8("some other key")))
                .verify(body, headers("msg_3", now, header)))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void refusesNoKeysAndEmptyKeys() {
        assertThatThrownBy(() -> StandardWebhooksSignature.header("m", 1, new byte[0], List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StandardWebhooksSignature.sign("m", 1, new byte[0], new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Map<String, List<String>> headers(String id, long timestamp, String signature) {
        return Map.of("webhook-id", List.of(id),
                "webhook-timestamp", List.of(Long.toString(timestamp)),
                "webhook-signature", List.of(signature));
    }

    private static byte[] keyOf(String displaySecret) {
        assertThat(displaySecret).startsWith(StandardWebhooksSignature.SECRET_PREFIX);
        return Base64.getDecoder().decode(displaySecret.substring(StandardWebhooksSignature.SECRET_PREFIX.length()));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
