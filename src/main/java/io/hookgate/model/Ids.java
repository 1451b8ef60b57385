package io.hookgate.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Appwrite IDs: a custom ID is 1-36 chars of {@code a-zA-Z0-9._-} that does not start with a special
 * char; {@code unique()} asks the server for one, which (as Appwrite's) is 20 lowercase hex chars:
 * 13 of microsecond time then 7 random, so IDs sort roughly by creation time.
 */
public final class Ids {
    public static final String UNIQUE = "unique()";
    public static final int MAX_LENGTH = 36;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    });

    private Ids() {
    }

    public static boolean isValid(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && (i == 0 || (c != '.' && c != '-' && c != '_'))) {
                return false;
            }
        }
        return true;
    }

    /** A new 20-char ID: hex microseconds since the epoch (13 chars) + 7 random hex chars. */
    public static String unique() {
        long micros = System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000;
        String time = Long.toHexString(micros);
        if (time.length() < 13) {
            time = "0".repeat(13 - time.length()) + time;
        }
        byte[] r = new byte[4];
        RANDOM.nextBytes(r);
        return time.substring(time.length() - 13) + HEX.formatHex(r).substring(0, 7);
    }

    /**
     * A delivery's ID, which is also its {@code webhook-id}: one per (event, webhook), derived from
     * them so that a delivery keeps its ID even when its event is fanned out again (a replica died
     * before recording the first try). 28 chars: the event's accepted time as 13 hex chars of
     * microseconds (IDs sort by it, like {@link #unique()}), then 15 hex chars of SHA-256 over the
     * project, event and webhook IDs.
     */
    public static String forDelivery(String projectId, String eventId, String webhookId, long acceptedAtMs) {
        String time = Long.toHexString(acceptedAtMs * 1000);
        if (time.length() < 13) {
            time = "0".repeat(13 - time.length()) + time;
        }
        MessageDigest sha = SHA256.get();
        sha.update(projectId.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(eventId.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(webhookId.getBytes(StandardCharsets.UTF_8));
        return time.substring(time.length() - 13) + HEX.formatHex(sha.digest(), 0, 8).substring(0, 15);
    }

    /** True for what {@link #forDelivery} makes: 28 lowercase hex chars. */
    public static boolean isDeliveryId(String id) {
        if (id == null || id.length() != 28) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** {@code n} random bytes as lowercase hex (secrets and API keys). */
    public static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HEX.formatHex(b);
    }
}
