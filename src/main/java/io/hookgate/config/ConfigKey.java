package io.hookgate.config;

import io.hookgate.policy.RetrySchedule;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Every configuration key, with its documented default. {@code conf/hookgate.json} lists the same
 * keys with the same defaults (a test keeps the two equal); the environment variable of a key is
 * {@code HOOKGATE_} + the key in upper snake case ({@code httpPort} -> {@code HOOKGATE_HTTP_PORT}).
 */
public enum ConfigKey {
    HTTP_HOST("httpHost", "0.0.0.0"),
    HTTP_PORT("httpPort", "8080"),
    MANAGEMENT_PORT("managementPort", "9090"),
    API_INSTANCES("apiInstances", "2"),
    DISPATCHERS("dispatchers", "2"),
    REDIS_URL("redisUrl", "redis://127.0.0.1:6379"),
    REDIS_MODE("redisMode", "standalone"),
    REDIS_MASTER_NAME("redisMasterName", "mymaster"),
    REDIS_POOL_SIZE("redisPoolSize", "32"),
    REDIS_CA_FILE("redisCaFile", ""),
    REDIS_WAIT_REPLICAS("redisWaitReplicas", "0"),
    REDIS_WAIT_TIMEOUT_MS("redisWaitTimeoutMs", "1000"),
    ADMIN_KEY("adminKey", "", true),
    ENCRYPTION_KEY("encryptionKey", "", true),
    REPLICA_ID("replicaId", ""),
    ALLOWED_TARGET_CIDRS("allowedTargetCidrs", ""),
    MAX_FAILED_ATTEMPTS("maxFailedAttempts", "10"),
    FAILURE_POLICY("failurePolicy", "hold"),
    DISABLE_AFTER("disableAfter", "72h"),
    CIRCUIT_OPEN_AFTER("circuitOpenAfter", "5"),
    DELIVERY_TIMEOUT_MS("deliveryTimeoutMs", "15000"),
    MAX_RESPONSE_BYTES("maxResponseBytes", "5242880"),
    MAX_EVENT_BYTES("maxEventBytes", "1048576"),
    MAX_REQUEST_BYTES("maxRequestBytes", "16777216"),
    MAX_OTHER_REQUEST_BYTES("maxOtherRequestBytes", "65536"),
    MAX_REQUEST_BYTES_IN_FLIGHT("maxRequestBytesInFlight", "67108864"),
    REQUEST_HEAD_TIMEOUT_MS("requestHeadTimeoutMs", "10000"),
    MIN_BODY_BYTES_PER_SECOND("minBodyBytesPerSecond", "1024"),
    MAX_CONNECTIONS_PER_ADDRESS("maxConnectionsPerAddress", "256"),
    MAX_FAILED_AUTH_PER_MINUTE("maxFailedAuthPerMinute", "30"),
    MAX_BATCH_EVENTS("maxBatchEvents", "1000"),
    MAX_WEBHOOKS_PER_PROJECT("maxWebhooksPerProject", "1000"),
    MAX_SUBSCRIPTIONS_PER_WEBHOOK("maxSubscriptionsPerWebhook", "100"),
    MAX_URL_LENGTH("maxUrlLength", "2048"),
    INGEST_RATE_PER_SECOND("ingestRatePerSecond", "5000"),
    INGEST_BURST("ingestBurst", "10000"),
    MAX_IN_FLIGHT("maxInFlight", "1024"),
    QUEUE_PARTITIONS("queuePartitions", "1"),
    MAX_IN_FLIGHT_PER_WEBHOOK("maxInFlightPerWebhook", "16"),
    FIRST_TRY_MAX_DELIVERIES("firstTryMaxDeliveries", "8"),
    RETRY_SCHEDULE("retrySchedule", RetrySchedule.DEFAULT),
    RECLAIM_IDLE_MS("reclaimIdleMs", "60000"),
    IDEMPOTENCY_WINDOW_SECONDS("idempotencyWindowSeconds", "86400"),
    DELIVERY_RETENTION_SECONDS("deliveryRetentionSeconds", "604800"),
    DELIVERY_RETENTION_COUNT("deliveryRetentionCount", "1000"),
    RECORD_LAYOUT("recordLayout", "5"),
    APPWRITE_VERSION("appwriteVersion", "1.9.5"),
    SECURITY_EMAIL("securityEmail", "security@example.com"),
    SHUTDOWN_TIMEOUT_MS("shutdownTimeoutMs", "20000"),
    LOG_FORMAT("logFormat", "text"),
    LOG_LEVEL("logLevel", "info"),
    DELIVERY_LOG("deliveryLog", "failed"),
    EVICTING_REDIS("evictingRedis", "refuse");

    /** Prefix of every environment variable that overrides a key. */
    public static final String ENV_PREFIX = "HOOKGATE_";

    private final String key;
    private final String defaultValue;
    private final boolean secret;

    ConfigKey(String key, String defaultValue) {
        this(key, defaultValue, false);
    }

    ConfigKey(String key, String defaultValue, boolean secret) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.secret = secret;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    /** Secret values are masked when the configuration is logged. */
    public boolean secret() {
        return secret;
    }

    /** {@code httpPort} -> {@code HOOKGATE_HTTP_PORT}. */
    public String envName() {
        return ENV_PREFIX + name().toUpperCase(Locale.ROOT);
    }

    public static Optional<ConfigKey> byKey(String key) {
        return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
    }

    public static Optional<ConfigKey> byEnvName(String env) {
        return Arrays.stream(values()).filter(k -> k.envName().equals(env)).findFirst();
    }
}
