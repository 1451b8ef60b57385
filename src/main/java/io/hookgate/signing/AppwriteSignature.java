package io.hookgate.signing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;

/**
 * The {@code X-Appwrite-Webhook-Signature} header (contract section 2):
 * {@code Base64(HMAC-SHA1(key = secret as UTF-8, message = percent-decoded URL + body))}, standard
 * Base64 with padding (28 chars).
 *
 * <p>The URL is decoded as PHP's {@code rawurldecode} does, because that is what Appwrite signs
 * and what receivers recompute: each {@code %XX} (hex, either case) becomes that byte, {@code +}
 * stays {@code +}, and a {@code %} not followed by two hex digits is kept as it is. Other
 * characters count as their UTF-8 bytes.
 *
 * <p>Thread-safe; each thread reuses its own {@link Mac}.
 */
public final class AppwriteSignature {

    private static final Hmac HMAC_SHA1 = new Hmac("HmacSHA1");

    private AppwriteSignature() {
    }

    /**
     * Signs a delivery of {@code body} to {@code url}.
     *
     * @throws IllegalArgumentException if {@code secret} is empty
     */
    public static String sign(String url, byte[] body, String secret) {
        return sign(url, body, 0, body.length, secret);
    }

    /**
     * Signs a delivery whose body is {@code length} bytes of {@code body} from {@code offset}.
     *
     * @throws IllegalArgumentException if {@code secret} is empty
     * @throws IndexOutOfBoundsException if the range is outside {@code body}
     */
    public static String sign(String url, byte[] body, int offset, int length, String secret) {
        Objects.requireNonNull(url, "url");
        Objects.checkFromIndexSize(offset, length, body.length);
        Mac mac = HMAC_SHA1.init(secret.getBytes(StandardCharsets.UTF_8));
        mac.update(percentDecode(url));
        mac.update(body, offset, length);
        return Base64.getEncoder().encodeToString(mac.doFinal());
    }

    /** The URL's UTF-8 bytes with every well-formed {@code %XX} replaced by its byte. */
    static byte[] percentDecode(String url) {
        byte[] in = url.getBytes(StandardCharsets.UTF_8);
        if (url.indexOf('%') < 0) {
            return in;
        }
        // '%' and hex digits are ASCII, so decoding the UTF-8 bytes in place cannot split a char.
        byte[] out = new byte[in.length];
        int n = 0;
        for (int i = 0; i < in.length; i++) {
            int high;
            int low;
            if (in[i] == '%' && i + 2 < in.length
                    && (high = Character.digit(in[i + 1], 16)) >= 0
                    && (low = Character.digit(in[i + 2], 16)) >= 0) {
                out[n++] = (byte) (high << 4 | low);
                i += 2;
            } else {
                out[n++] = in[i];
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }
}
