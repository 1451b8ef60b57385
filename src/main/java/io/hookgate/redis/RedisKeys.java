package io.hookgate.redis;


/**
 * The Redis data model of projects, keys and webhooks. Every key of one project shares the hash tag
 * {@code {p:<projectId>}}, so each atomic script touches one Redis Cluster slot.
 *
 * <pre>
 * hg:admin                         string  SHA-256 (hex) of the generated admin key
 * hg:encryption-key                string  the generated field encryption key (only when none is configured)
 * hg:encryption-check              string  a value sealed with the encryption key: replicas with another key refuse to start
 * hg:projects                      set     every project ID
 * hg:{p:PID}:project               hash    id, name, createdAt, updatedAt (epoch ms)
 * hg:{p:PID}:keys                  hash    keyId -> JSON {id, name, scopes, hash, createdAt, updatedAt[, expireAt]}
 * hg:{p:PID}:webhooks              zset    webhookId, scored by createdAt (listing order)
 * hg:{p:PID}:ops                   zset    operational webhook IDs, scored by createdAt (their hashes are wh:WID)
 * hg:{p:PID}:wh:WID                hash    the webhook's fields (see {@link WebhookRepository}), its failure state
 *                                          among them: failingSince, circuit ('open' or ''), probes, probeAt
 * hg:{p:PID}:probe:WID             string  the lease of the webhook's one probe while its circuit is open (PX)
 * hg:{p:PID}:rate                  hash    the ingestion token bucket (see {@link RateLimiter})
 * hg:{p:PID}:version               string  incremented by every webhook change that can alter matching
 * hg:changes                       pubsub  "p PID" project created/deleted, "k PID" keys changed,
 *                                          "w PID WID VERSION" one webhook changed or deleted
 * hg:{r}:replica:RID               string  the newest record layout replica RID reads, TTL 30 s (see
 *                                          {@link ReplicaRepository})
 * </pre>
 *
 * The queue's keys live beside these, under {@code io.hookgate.redis.QueueKeys}.
 */
public final class RedisKeys {
    public static final String ADMIN = "hg:admin";
    public static final String ENCRYPTION_KEY = "hg:encryption-key";
    public static final String ENCRYPTION_CHECK = "hg:encryption-check";
    public static final String PROJECTS = "hg:projects";
    public static final String CHANGES = "hg:changes";

    private RedisKeys() {
    }

    static String tag(String projectId) {
        return "hg:{p:" + projectId + "}:";
    }

    public static String project(String projectId) {
        return tag(projectId) + "project";
    }

    public static String keys(String projectId) {
        return tag(projectId) + "keys";
    }

    public static String webhooks(String projectId) {
        return tag(projectId) + "webhooks";
    }

    public static String webhook(String projectId, String webhookId) {
        return tag(projectId) + "wh:" + webhookId;
    }

    /** The lease of a webhook's probe while its circuit is open (one probe at a time, cluster-wide). */
    public static String probe(String projectId, String webhookId) {
        return tag(projectId) + "probe:" + webhookId;
    }

    /** The project's operational webhooks, scored by creation time (listing order). */
    public static String operationalWebhooks(String projectId) {
        return tag(projectId) + "ops";
    }

    public static String rate(String projectId) {
        return tag(projectId) + "rate";
    }

    public static String version(String projectId) {
        return tag(projectId) + "version";
    }

    static String projectChanged(String projectId) {
        return "p " + projectId;
    }

    static String keysChanged(String projectId) {
        return "k " + projectId;
    }

    static String webhookChanged(String projectId, String webhookId) {
        return "w " + projectId + " " + webhookId;
    }
}
