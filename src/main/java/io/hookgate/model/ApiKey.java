package io.hookgate.model;

import java.util.Set;

/**
 * A project API key. Only the SHA-256 hash of its secret is kept; the secret itself is returned once,
 * by the call that creates it.
 */
public record ApiKey(String id, String projectId, String name, Set<Scope> scopes, String secretHash,
                     long createdAt, long updatedAt) {
}
