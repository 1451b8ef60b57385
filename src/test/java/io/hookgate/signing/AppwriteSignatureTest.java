package io.hookgate.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.testsupport.Contract;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link AppwriteSignature} against the {@code appwrite} vectors of {@code signatures.json}. */
class AppwriteSignatureTest {

    static Stream<Arguments> vectors() {
        List<Arguments> vectors = new ArrayList<>();
        for (JsonNode vector : Contract.read("signatures.json").get("appwrite")) {
            vectors.add(Arguments.of(vector.get("url").asText(), vector.get("body").asText(),
                    vector.get("secret").asText(), vector.get("signature").asText()));
        }
        return vectors.stream();
    }

    @Test
    void thereAreVectorsToCheck() {
        assertThat(vectors()).hasSizeGreaterThanOrEqualTo(5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void matchesTheVector(String url, String body, String secret, String signature) {
        assertThat(AppwriteSignature.sign(url, utf8(body), secret)).isEqualTo(signature);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void matchesTheVectorForABodyInsideALargerArray(String url, String body, String secret, String signature) {
        byte[] bytes = utf8(body);
        byte[] framed = new byte[bytes.length + 10];
        framed[0] = '#';
        System.arraycopy(bytes, 0, framed, 3, bytes.length);
        framed[framed.length - 1] = '#';

        assertThat(AppwriteSignature.sign(url, framed, 3, bytes.length, secret)).isEqualTo(signature);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void agreesWithAnIndependentComputation(String url, String body, String secret, String signature)
            throws Exception {
        // java.net.URLDecoder turns '+' into a space, so protect '+' first; then re-encode as UTF-8.
        String decodedUrl = URLDecoder.decode(url.replace("+", "%2B"), StandardCharsets.UTF_8);
        String expected = hmacSha1(utf8(secret), utf8(decodedUrl + body));

        assertThat(expected).isEqualTo(signature);
        assertThat(AppwriteSignature.sign(url, utf8(body), secret)).isEqualTo(expected).hasSize(28);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "https://x/a+b             | https://x/a+b",
        "https://x/a%20b           | https://x/a b",
        "https://x/%2b%2B          | https://x/++",
        "https://x/100%            | https://x/100%",
        "https://x/%4              | https://x/%4",
        "https://x/%zz%4g          | https://x/%zz%4g",
        "https://x/%%41            | https://x/%A",
        "https://x/%C3%A9          | https://x/é",
        "https://x/é?q=%e2%82%ac   | https://x/é?q=€",
    })
    void decodesPercentSequencesLikeRawurldecode(String url, String decoded) throws Exception {
        assertThat(AppwriteSignature.percentDecode(url)).isEqualTo(utf8(decoded));
        assertThat(AppwriteSignature.sign(url, utf8("{}"), "secret-1"))
                .isEqualTo(hmacSha1(utf8("secret-1"), utf8(decoded + "{}")));
    }

    @Test
    void decodesBytesThatAreNotUtf8() {
        assertThat(AppwriteSignature.percentDecode("/%FF%00")).containsExactly('/', 0xFF, 0x00);
    }

    @Test
    void signsEmptyBodiesAndRefusesEmptySecrets() throws Exception {
        assertThat(AppwriteSignature.sign("https://x/", new byte[0], "abcdefgh"))
                .isEqualTo(hmacSha1(utf8("abcdefgh"), utf8("https://x/")));
        assertThatThrownBy(() -> AppwriteSignature.sign("https://x/", new byte[0], ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AppwriteSignature.sign("https://x/", new byte[4], 2, 3, "abcdefgh"))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    private static String hmacSha1(byte[] key, byte[] message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(key, "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(message));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
