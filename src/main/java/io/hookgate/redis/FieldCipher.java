package io.hookgate.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secret fields at rest (webhook secrets, auth passwords) with AES-256-GCM. A value is
 * stored as {@code enc:v1:} + Base64(12-byte random nonce + ciphertext + tag); the field's name is
 * bound in as associated data, so a value cannot be moved to another field. Values without the
 * prefix are read as plain text (data written before encryption was on). Plain Java, thread-safe.
 */
public final class FieldCipher {
    private static final String PREFIX = "enc:v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    /** {@code key}: 32 bytes. */
    public FieldCipher(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("the encryption key must be 32 bytes (AES-256), got " + key.length);
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
    }

    /** A new random key, Base64-encoded (the form the configuration takes). */
    public static String newKey() {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    public static FieldCipher fromBase64(String key) {
        return new FieldCipher(Base64.getDecoder().decode(key));
    }

    public String encrypt(String field, String plain) {
        if (plain.isEmpty()) {
            return "";
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(field.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(NONCE_BYTES + sealed.length)
                .put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** The plain value; fails when the value was sealed under another key or for another field. */
    public String decrypt(String field, String stored) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            return stored == null ? "" : stored;
        }
        try {
            byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            c.updateAAD(field.getBytes(StandardCharsets.UTF_8));
            return new String(c.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException | java.security.ProviderException e) {
            throw new IllegalStateException("cannot decrypt field '" + field
                + "': wrong HOOKGATE_ENCRYPTION_KEY or damaged value");
        }
    }
}
