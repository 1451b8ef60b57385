package io.hookgate.model;

import java.util.List;

/**
 * A webhook, with Appwrite 1.9's fields. {@code attempts} counts consecutive failed tries and
 * {@code logs} holds the text of the last failure (contract section 3).
 */
public record Webhook(String id, String projectId, String name, String url, List<String> events, boolean tls,
                      String authUsername, String authPassword, String secret, boolean enabled, String logs,
                      int attempts, long createdAt, long updatedAt) {

    public Webhook withBookkeeping(boolean enabled, String logs, int attempts) {
        return new Webhook(id, projectId, name, url, events, tls, authUsername, authPassword, secret, enabled, logs,
            attempts, createdAt, updatedAt);
    }
}
