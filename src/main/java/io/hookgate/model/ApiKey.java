package io.hookgate.model;

import java.util.Set;

/**
 * A project API key. Only the SHA-256 hash of its secret is kept; the secret itself is returned once,
 * by the call that creates it. {@code expireAt} is when it stops working (epoch ms), {@link #NEVER}
 * for a key without an expiry.
 */
public record ApiKey(String id, String projectId, String name, Set<Scope> scopes, String secretHash,
                     long createdAt, long updatedAt, long expireAt) {

    public static final long NEVER = Long.MAX_VALUE;

    /** Appwrite's rule: a key has expired once its expiry lies before now (at the very instant it still works). */
    public boolean expiredAt(long nowMs) {
        return expireAt < nowMs;
    }
}
