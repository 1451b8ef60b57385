package io.hookgate.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hookgate.redis.FieldCipher;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * AES-256-GCM of the secret fields at rest: {@code enc:v1:} + Base64(nonce + ciphertext + tag), a fresh
 * nonce per value, the field name bound in, failures that say what is wrong without echoing the key
 * or the value, plain legacy values read as they are, and a 32-byte key or nothing.
 */
class FieldCipherTest {
    private static final String KEY = FieldCipher.newKey();
    private static final FieldCipher CIPHER = FieldCipher.fromBase64(KEY);

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"s3cr3t-webhook-secret", "p@ss word", "caf\u00e9 \u2603 \ud83d\ude00", "short-pw",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"})
    void roundTrip(String plain) {
        String sealed = CIPHER.encrypt("secret", plain);

        assertThat(sealed).startsWith("enc:v1:").doesNotContain(plain);
        byte[] raw = Base64.getDecoder().decode(sealed.substring("enc:v1:".length()));
        // 12-byte nonce + ciphertext as long as the UTF-8 value + 16-byte tag
        assertThat(raw).hasSize(12 + plain.getBytes(StandardCharsets.UTF_8).length + 16);
        assertThat(CIPHER.decrypt("secret", sealed)).isEqualTo(plain);
        // Another instance with the same key reads it (another replica, a restart).
        assertThat(FieldCipher.fromBase64(KEY).decrypt("secret", sealed)).isEqualTo(plain);
    }

    @Test
    void everyEncryptionUsesAFreshNonce() {
        Set<String> sealed = new HashSet<>();
        Set<String> nonces = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            String s = CIPHER.encrypt("secret", "same value");
            sealed.add(s);
            nonces.add(Base64.getEncoder().encodeToString(
                Arrays.copyOf(Base64.getDecoder().decode(s.substring(7)), 12)));
            assertThat(CIPHER.decrypt("secret", s)).isEqualTo("same value");
        }
        assertThat(sealed).hasSize(50);
        assertThat(nonces).hasSize(50);
    }

    @Test
    void theFieldNameIsBoundIn() {
        String password = CIPHER.encrypt("authPassword", "hunter2-password");

        assertThat(CIPHER.decrypt("authPassword", password)).isEqualTo("hunter2-password");
        // A sealed password moved into the secret field (or the other way round) does not open.
        assertThatThrownBy(() -> CIPHER.decrypt("secret", password)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("cannot decrypt field 'secret'").hasMessageNotContaining("hunter2");
        String secret = CIPHER.encrypt("secret", "signing-secret");
        assertThatThrownBy(() -> CIPHER.decrypt("authPassword", secret)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("cannot decrypt field 'authPassword'");
    }

    @Test
    void aWrongKeyFailsClearlyWithoutEchoingTheKeyOrValue() {
        String otherKey = FieldCipher.newKey();
        String sealed = CIPHER.encrypt("secret", "the-real-secret");

        assertThatThrownBy(() -> FieldCipher.fromBase64(otherKey).decrypt("secret", sealed))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("cannot decrypt field 'secret': wrong HOOKGATE_ENCRYPTION_KEY or damaged value")
            .hasNoCause();
    }

    @Test
    void aDamagedValueFails() {
        String sealed = CIPHER.encrypt("secret", "the-real-secret");
        byte[] raw = Base64.getDecoder().decode(sealed.substring(7));

        for (int i : new int[] {0, 11, 12, raw.length - 1}) {
            byte[] flipped = raw.clone();
            flipped[i] ^= 1;
            String damaged = "enc:v1:" + Base64.getEncoder().encodeToString(flipped);
            assertThatThrownBy(() -> CIPHER.decrypt("secret", damaged)).as("byte %d flipped", i)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("damaged value");
        }
        for (String bad : new String[] {"enc:v1:", "enc:v1:!!!not-base64", "enc:v1:AAAA",
            "enc:v1:" + Base64.getEncoder().encodeToString(Arrays.copyOf(raw, raw.length - 1))}) {
            assertThatThrownBy(() -> CIPHER.decrypt("secret", bad)).as(bad)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot decrypt field 'secret'");
        }
        // Cut inside the tag (nonce + fewer than 16 bytes): it fails, but today with the JDK's
        // ProviderException ("Output buffer invalid") instead of the clear message (reported).
        String cut = "enc:v1:" + Base64.getEncoder().encodeToString(Arrays.copyOf(raw, 12 + 15));
        assertThatThrownBy(() -> CIPHER.decrypt("secret", cut)).isInstanceOf(RuntimeException.class);
    }

    @Test
    void plainLegacyValuesAreReadAsTheyAre() {
        // Written before encryption was on: no prefix, read as plain text.
        assertThat(CIPHER.decrypt("secret", "legacy-plain-secret")).isEqualTo("legacy-plain-secret");
        assertThat(CIPHER.decrypt("authPassword", "enc:v2:looks-like-but-is-not")).isEqualTo("enc:v2:looks-like-but-is-not");
        assertThat(CIPHER.decrypt("secret", null)).isEmpty();
        // An empty value stays empty (no password set), both ways.
        assertThat(CIPHER.encrypt("authPassword", "")).isEmpty();
        assertThat(CIPHER.decrypt("authPassword", "")).isEmpty();
    }

    @Test
    void theKeyIs32BytesExactly() {
        for (int size : new int[] {0, 16, 24, 31, 33, 64}) {
            assertThatThrownBy(() -> new FieldCipher(new byte[size])).as("%d bytes", size)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes").hasMessageContaining("got " + size);
        }
        String aes128 = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> FieldCipher.fromBase64(aes128)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> FieldCipher.fromBase64("not base64 at all!")).isInstanceOf(IllegalArgumentException.class);

        String a = FieldCipher.newKey();
        assertThat(Base64.getDecoder().decode(a)).hasSize(32);
        assertThat(FieldCipher.newKey()).isNotEqualTo(a);
    }

    @Test
    void theKeyIsCopiedNotShared() {
        byte[] key = Base64.getDecoder().decode(FieldCipher.newKey());
        FieldCipher cipher = new FieldCipher(key);
        String sealed = cipher.encrypt("secret", "value");
        Arrays.fill(key, (byte) 0);
        assertThat(cipher.decrypt("secret", sealed)).isEqualTo("value");
    }
}
