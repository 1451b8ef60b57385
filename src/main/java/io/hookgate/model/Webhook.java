package io.hookgate.model;

import java.util.List;

/**
 * A webhook, with Appwrite 1.9's fields. {@code attempts} counts consecutive failed tries and
 * {@code logs} holds the text of the last failure (contract section 3). {@code retiredSecrets} are
 * earlier secrets still valid during a rotation's grace period, newest first. {@code health} is
 * Hookgate's own: since when it has been failing, and whether its circuit is open. An
 * {@code operational} webhook receives Hookgate's notices about the project's other webhooks
 * ({@code webhook.failing}, {@code webhook.recovered}, {@code webhook.disabled}) instead of the
 * platform's events; it has routes of its own and no notices are made about it.
 */
public record Webhook(String id, String projectId, String name, String url, List<String> events, boolean tls,
                      String authUsername, String authPassword, String secret, boolean enabled, String logs,
                      int attempts, long createdAt, long updatedAt, List<RetiredSecret> retiredSecrets,
                      Health health, boolean operational) {

    /**
     * A webhook's failure state: {@code failingSince} is the time of the first failed try of the
     * current streak (0 while healthy); while {@code circuitOpen}, new deliveries are held and one probe
     * at a time is tried (see the delivery engine).
     */
    public record Health(long failingSince, boolean circuitOpen) {
        public static final Health HEALTHY = new Health(0, false);
    }

    /** A healthy webhook (a new one, or one written before its health matters). */
    public Webhook(String id, String projectId, String name, String url, List<String> events, boolean tls,
                   String authUsername, String authPassword, String secret, boolean enabled, String logs,
                   int attempts, long createdAt, long updatedAt, List<RetiredSecret> retiredSecrets) {
        this(id, projectId, name, url, events, tls, authUsername, authPassword, secret, enabled, logs, attempts,
            createdAt, updatedAt, retiredSecrets, Health.HEALTHY, false);
    }

    /** The same webhook as an operational one, or not. */
    public Webhook operational(boolean operational) {
        return new Webhook(id, projectId, name, url, events, tls, authUsername, authPassword, secret, enabled, logs,
            attempts, createdAt, updatedAt, retiredSecrets, health, operational);
    }

    /** What the API shows of its state: {@code disabled}, {@code failing} (failed tries in a row), or {@code healthy}. */
    public String status() {
        if (!enabled) {
            return "disabled";
        }
        return attempts > 0 || health.circuitOpen() ? "failing" : "healthy";
    }

    public Webhook withBookkeeping(boolean enabled, String logs, int attempts, Health health) {
        return new Webhook(id, projectId, name, url, events, tls, authUsername, authPassword, secret, enabled, logs,
            attempts, createdAt, updatedAt, retiredSecrets, health, operational);
    }

    /** The same webhook holding the given instances of its ID, project ID and events (equal to its own). */
    public Webhook sharing(String id, String projectId, List<String> events) {
        if (!id.equals(this.id) || !projectId.equals(this.projectId) || !events.equals(this.events)) {
            throw new IllegalArgumentException("not the same webhook: " + this.id + " and " + id);
        }
        return new Webhook(id, projectId, name, url, events, tls, authUsername, authPassword, secret, enabled, logs,
            attempts, createdAt, updatedAt, retiredSecrets, health, operational);
    }

    /** The secrets that sign a delivery at {@code nowMs}: the current one, then retired ones still in grace, newest first. */
    public List<String> signingSecrets(long nowMs) {
        if (retiredSecrets.isEmpty()) {
            return List.of(secret);
        }
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        out.add(secret);
        for (RetiredSecret r : retiredSecrets) {
            if (r.validUntil() > nowMs) {
                out.add(r.secret());
            }
        }
        return out;
    }
}
