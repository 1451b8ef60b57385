package io.hookgate.signing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;

/**
 * The Standard Webhooks {@code webhook-signature} header (https://www.standardwebhooks.com,
 * contract section 2): {@code v1,} + {@code Base64(HMAC-SHA256(key, id + "." + timestamp + "." +
 * body))} with the timestamp in Unix seconds.
 *
 * <p>The key is the webhook secret's UTF-8 bytes. Users are shown it as {@code whsec_} +
 * Base64(key) ({@link #displaySecret}), the form Standard Webhooks libraries take, so they verify
 * these signatures unchanged. During a secret rotation the header carries one {@code v1,} entry
 * per valid key, separated by a single space, which those libraries accept if any entry matches.
 *
 * <p>Thread-safe; each thread reuses its own {@link Mac}.
 */
public final class StandardWebhooksSignature {

    /** Prefix of a Standard Webhooks secret as shown to users. */
    public static final String SECRET_PREFIX = "whsec_";

    private static final String VERSION_PREFIX = "v1,";
    private static final Hmac HMAC_SHA256 = new Hmac("HmacSHA256");

    private StandardWebhooksSignature() {
    }

    /**
     * One signature entry, {@code v1,<base64>}.
     *
     * @throws IllegalArgumentException if {@code key} is empty
     */
    public static String sign(String msgId, long timestampSeconds, byte[] body, byte[] key) {
        return sign(signedPrefix(msgId, timestampSeconds), body, key);
    }

    /**
     * The {@code webhook-signature} header value: one entry per key, in the given order, joined by
     * a single space.
     *
     * @throws IllegalArgumentException if {@code keys} is empty or a key is empty
     */
    public static String header(String msgId, long timestampSeconds, byte[] body, List<byte[]> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("at least one signing key is needed");
        }
        byte[] prefix = signedPrefix(msgId, timestampSeconds);
        StringBuilder header = new StringBuilder(keys.size() * 48);
        for (byte[] key : keys) {
            if (header.length() > 0) {
                header.append(' ');
            }
            header.append(sign(prefix, body, key));
        }
        return header.toString();
    }

    /** The secret as users see it and Standard Webhooks libraries take it: {@code whsec_<base64 key>}. */
    public static String displaySecret(byte[] key) {
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** {@code id.timestamp.} as UTF-8, the part of the signed message before the body. */
    private static byte[] signedPrefix(String msgId, long timestampSeconds) {
        Objects.requireNonNull(msgId, "msgId");
        return (msgId + '.' + timestampSeconds + '.').getBytes(StandardCharsets.UTF_8);
    }

    private static String sign(byte[] prefix, byte[] body, byte[] key) {
        Mac mac = HMAC_SHA256.init(key);
        mac.update(prefix);
        mac.update(body);
        return VERSION_PREFIX + Base64.getEncoder().encodeToString(mac.doFinal());
    }
}
