package io.hookgate.signing;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One {@link Mac} per thread and algorithm: {@code Mac.getInstance} walks the security providers
 * on every call, which is too slow for every delivery, and a {@code Mac} is not thread-safe.
 */
final class Hmac {

    private final String algorithm;
    private final ThreadLocal<Mac> macs;

    Hmac(String algorithm) {
        this.algorithm = algorithm;
        this.macs = ThreadLocal.withInitial(this::newMac);
        newMac(); // fail at class initialisation, not on the first delivery, if the JDK lacks it
    }

    /**
     * This thread's {@code Mac}, initialised with {@code key} (which also resets it, so whatever a
     * failed earlier use left behind is gone).
     *
     * @throws IllegalArgumentException if {@code key} is empty
     */
    Mac init(byte[] key) {
        Mac mac = macs.get();
        try {
            mac.init(new SecretKeySpec(key, algorithm));
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("unusable " + algorithm + " key", e);
        }
        return mac;
    }

    private Mac newMac() {
        try {
            return Mac.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is not available in this JDK", e);
        }
    }
}
