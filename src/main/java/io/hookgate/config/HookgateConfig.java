package io.hookgate.config;

import io.hookgate.net.Cidr;
import io.hookgate.policy.OutcomePolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The whole configuration, parsed once at start into immutable records, one slice per verticle.
 * {@link #load} reads {@code HOOKGATE_CONFIG} (default {@code conf/hookgate.json}) and the
 * {@code HOOKGATE_*} environment; {@link #fromValues} is the same parse for in-process tests.
 */
public record HookgateConfig(
    ApiConfig api,
    ManagementConfig management,
    RedisConfig redis,
    StoreConfig store,
    DispatchConfig dispatch,
    long shutdownTimeoutMs,
    String logFormat,
    String logLevel,
    Map<ConfigKey, String> values) {

    /** The HTTP API verticles. {@code maxRequestBytes}: the largest {@code POST /v1/events} body. */
    public record ApiConfig(String host, int port, int instances, int maxRequestBytes, int maxEventBytes,
                            int maxBatchEvents, String appwriteVersion, Quotas quotas, FrontDoorConfig frontDoor) {
    }

    /**
     * What one project may hold. Every replica keeps every webhook in memory (to match events without a
     * Redis read), so these bound what one API key can make every replica hold.
     */
    public record Quotas(int maxWebhooksPerProject, int maxSubscriptionsPerWebhook, int maxUrlLength) {
    }

    /**
     * What repeated failures of a webhook lead to (see {@code policy.OutcomePolicy}): the policy, how long
     * a webhook fails before {@code hold} disables it, and the failed tries in a row that open its circuit.
     */
    public record Failures(OutcomePolicy.FailurePolicy policy, Duration disableAfter, int circuitOpenAfter) {
    }

    /**
     * The API port's limits that hold before and while a request is read, each per replica: the body
     * limit of every route but {@code POST /v1/events}, the body bytes held at once, the request-head
     * deadline, the minimum body rate (0: none), connections per client address and failed
     * authentications per client address and minute (0: no limit).
     */
    public record FrontDoorConfig(int maxOtherRequestBytes, long maxRequestBytesInFlight, long requestHeadTimeoutMs,
                                  int minBodyBytesPerSecond, int maxConnectionsPerAddress,
                                  int maxFailedAuthPerMinute) {
    }

    /**
     * The management (health) server. {@code refuseEvictingRedis}: readiness stays false while Redis's
     * maxmemory-policy may evict keys ({@code evictingRedis} refuse; warn only logs it).
     */
    public record ManagementConfig(String host, int port, boolean refuseEvictingRedis) {
    }

    /**
     * The Redis connection; {@link #toString()} masks the password. {@code caFile}: PEM certificates
     * to trust for {@code rediss://} (empty: the JVM's trust store). {@code refuseEvicting}: an evicting
     * maxmemory-policy keeps the replica unready ({@code evictingRedis}), which its log line says.
     * {@code waitReplicas}: events are answered {@code 202} only once that many replicas have them
     * ({@code WAIT}, at most {@code waitTimeoutMs}); 0 turns this off.
     */
    public record RedisConfig(List<String> urls, String mode, String masterName, int poolSize, String caFile,
                              boolean refuseEvicting, int waitReplicas, long waitTimeoutMs) {
        /** The first URL (standalone: the only one). */
        public String url() {
            return urls.get(0);
        }

        @Override
        public String toString() {
            return "RedisConfig[urls=" + urls.stream().map(HookgateConfig::maskUrl).toList() + ", mode=" + mode
                + ", masterName=" + masterName + ", poolSize=" + poolSize + ", caFile=" + caFile
                + ", refuseEvicting=" + refuseEvicting + ", waitReplicas=" + waitReplicas
                + ", waitTimeoutMs=" + waitTimeoutMs + "]";
        }
    }

    /** The subscription store and its queue pumps. */
    public record StoreConfig(String adminKey, String encryptionKey, int ingestRatePerSecond, int ingestBurst,
                              String replicaId, int maxFailedAttempts, int maxInFlight,
                              int maxInFlightPerWebhook, int firstTryMaxDeliveries, int queuePartitions,
                              long deliveryTimeoutMs,
                              List<Duration> retrySchedule, long reclaimIdleMs, long idempotencyWindowSeconds,
                              long deliveryRetentionSeconds, int deliveryRetentionCount, int recordLayout,
                              Quotas quotas, Failures failures) {
        @Override
        public String toString() {
            return "StoreConfig[adminKey=" + (adminKey.isEmpty() ? "(generated)" : "****") + ", encryptionKey="
                + (encryptionKey.isEmpty() ? "(generated)" : "****") + ", replicaId=" + replicaId
                + ", maxFailedAttempts=" + maxFailedAttempts + ", maxInFlight=" + maxInFlight
                + ", maxInFlightPerWebhook=" + maxInFlightPerWebhook + ", firstTryMaxDeliveries=" + firstTryMaxDeliveries
                + ", queuePartitions=" + queuePartitions
                + ", retrySchedule=" + retrySchedule + ", reclaimIdleMs=" + reclaimIdleMs
                + ", recordLayout=" + recordLayout + "]";
        }
    }

    /**
     * Work claimed by a replica is taken over by another only after this much more idle time than
     * the delivery timeout: the dispatcher's answer may take the timeout plus the pump's margin (10 s,
     * checked every second: engine/DispatchLink), and recording it a little more. A shorter reclaim time
     * would deliver twice.
     */
    public static final long RECLAIM_MARGIN_MS = 15_000;

    /** The dispatcher verticles: outbound HTTP; {@code tryLog}: which tries get a {@code hookgate.delivery} line. */
    public record DispatchConfig(int instances, long timeoutMs, int maxResponseBytes, List<Cidr> allowedTargets,
                                 String userAgent, TryLog tryLog) {
    }

    /**
     * Which delivery tries are logged ({@code deliveryLog}): every one, the failed ones (an error or a
     * status of 400 or more), or none. The deliveries API and the metrics have every try either way.
     */
    public enum TryLog {
        ALL, FAILED, NONE;

        static TryLog of(String value) {
            return valueOf(value.toUpperCase(java.util.Locale.ROOT));
        }
    }

    public static HookgateConfig load(Map<String, String> env) {
        Path file = Path.of(env.getOrDefault("HOOKGATE_CONFIG", "conf/hookgate.json"));
        if (!Files.exists(file)) {
            throw new ConfigException("configuration file " + file.toAbsolutePath() + " not found (set HOOKGATE_CONFIG)");
        }
        ConfigLoader.Loaded loaded = ConfigLoader.load(file, env);
        if (!loaded.unknownEnvironment().isEmpty()) {
            org.slf4j.LoggerFactory.getLogger(HookgateConfig.class)
                .warn("ignoring unknown environment variables {}", loaded.unknownEnvironment());
        }
        return fromValues(loaded.values());
    }

    /** Parses and validates raw values; every key of {@link ConfigKey} must be present. */
    public static HookgateConfig fromValues(Map<ConfigKey, String> v) {
        Parser p = new Parser(v);
        long timeout = p.longIn(ConfigKey.DELIVERY_TIMEOUT_MS, 100, 600_000);
        String replica = p.string(ConfigKey.REPLICA_ID);
        if (replica.isEmpty()) {
            replica = defaultReplicaId();
        } else if (!replica.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ConfigException(ConfigKey.REPLICA_ID.key() + " (" + ConfigKey.REPLICA_ID.envName()
                + ") must be 1-64 chars of A-Za-z0-9._-, got '" + replica + "'");
        }
        String adminKey = p.string(ConfigKey.ADMIN_KEY);
        if (!adminKey.isEmpty() && adminKey.length() < 16) {
            throw new ConfigException(ConfigKey.ADMIN_KEY.key() + " (" + ConfigKey.ADMIN_KEY.envName()
                + ") must be at least 16 characters when set");
        }
        List<Duration> schedule = p.schedule(ConfigKey.RETRY_SCHEDULE);
        long reclaimIdle = p.longIn(ConfigKey.RECLAIM_IDLE_MS, 1, 86_400_000L);
        if (reclaimIdle < timeout + RECLAIM_MARGIN_MS) {
            throw new ConfigException(ConfigKey.RECLAIM_IDLE_MS.key() + " (" + ConfigKey.RECLAIM_IDLE_MS.envName()
                + ") must be at least deliveryTimeoutMs + " + RECLAIM_MARGIN_MS + " = " + (timeout + RECLAIM_MARGIN_MS)
                + " ms, or a delivery still under way could be taken over and made twice; got " + reclaimIdle);
        }
        long retention = p.longIn(ConfigKey.DELIVERY_RETENTION_SECONDS, 60, 365L * 86400);
        long span = new io.hookgate.policy.RetrySchedule(schedule).maxSpan().toSeconds();
        if (retention < span + 3600) {
            throw new ConfigException(ConfigKey.DELIVERY_RETENTION_SECONDS.key() + " ("
                + ConfigKey.DELIVERY_RETENTION_SECONDS.envName() + ") must exceed the longest retry span (" + span
                + " s) by an hour, or retention by age would remove delivery records while their retries are pending; got " + retention);
        }
        int burst = p.intIn(ConfigKey.INGEST_BURST, 1, 100_000_000);
        if (burst < p.intIn(ConfigKey.MAX_BATCH_EVENTS, 1, 100_000)) {
            throw new ConfigException(ConfigKey.INGEST_BURST.key() + " (" + ConfigKey.INGEST_BURST.envName()
                + ") must be at least maxBatchEvents, or a full batch could never be accepted");
        }
        String version = p.string(ConfigKey.APPWRITE_VERSION);
        String userAgent = "Appwrite-Server v" + version + ". Please report abuse at " + p.string(ConfigKey.SECURITY_EMAIL);
        String host = p.string(ConfigKey.HTTP_HOST);
        int maxEvent = p.intIn(ConfigKey.MAX_EVENT_BYTES, 1, 64 << 20);
        int maxRequest = p.intIn(ConfigKey.MAX_REQUEST_BYTES, 1024, 512 << 20);
        int maxOther = p.intIn(ConfigKey.MAX_OTHER_REQUEST_BYTES, 1024, 64 << 20);
        long inFlight = p.longIn(ConfigKey.MAX_REQUEST_BYTES_IN_FLIGHT, 1024, 64L << 30);
        if (inFlight < Math.max(maxRequest, maxOther)) {
            throw new ConfigException(ConfigKey.MAX_REQUEST_BYTES_IN_FLIGHT.key() + " ("
                + ConfigKey.MAX_REQUEST_BYTES_IN_FLIGHT.envName() + ") must be at least maxRequestBytes and"
                + " maxOtherRequestBytes, or the largest body could never be accepted; got " + inFlight);
        }
        FrontDoorConfig frontDoor = new FrontDoorConfig(maxOther, inFlight,
            p.longIn(ConfigKey.REQUEST_HEAD_TIMEOUT_MS, 100, 600_000),
            p.intIn(ConfigKey.MIN_BODY_BYTES_PER_SECOND, 0, 1 << 30),
            p.intIn(ConfigKey.MAX_CONNECTIONS_PER_ADDRESS, 0, 1_000_000),
            p.intIn(ConfigKey.MAX_FAILED_AUTH_PER_MINUTE, 0, 1_000_000));
        boolean refuseEvicting = p.oneOf(ConfigKey.EVICTING_REDIS, "refuse", "warn").equals("refuse");
        Quotas quotas = new Quotas(p.intIn(ConfigKey.MAX_WEBHOOKS_PER_PROJECT, 1, 10_000_000),
            p.intIn(ConfigKey.MAX_SUBSCRIPTIONS_PER_WEBHOOK, 1, io.hookgate.events.EventCatalogue.MAX_SUBSCRIPTIONS),
            p.intIn(ConfigKey.MAX_URL_LENGTH, 64, 8192));
        return new HookgateConfig(
            new ApiConfig(host, p.port(ConfigKey.HTTP_PORT), p.intIn(ConfigKey.API_INSTANCES, 1, 64),
                maxRequest, maxEvent, p.intIn(ConfigKey.MAX_BATCH_EVENTS, 1, 100_000), version, quotas, frontDoor),
            new ManagementConfig(host, p.port(ConfigKey.MANAGEMENT_PORT), refuseEvicting),
            new RedisConfig(p.redisUrls(ConfigKey.REDIS_URL), p.oneOf(ConfigKey.REDIS_MODE, "standalone", "sentinel", "cluster"),
                p.string(ConfigKey.REDIS_MASTER_NAME), p.intIn(ConfigKey.REDIS_POOL_SIZE, 4, 1024),
                p.existingFileOrEmpty(ConfigKey.REDIS_CA_FILE), refuseEvicting,
                p.intIn(ConfigKey.REDIS_WAIT_REPLICAS, 0, 16), p.longIn(ConfigKey.REDIS_WAIT_TIMEOUT_MS, 1, 5_000)),
            new StoreConfig(adminKey, p.encryptionKey(ConfigKey.ENCRYPTION_KEY),
                p.intIn(ConfigKey.INGEST_RATE_PER_SECOND, 0, 10_000_000), burst, replica, p.intIn(ConfigKey.MAX_FAILED_ATTEMPTS, 1, 1000),
                p.intIn(ConfigKey.MAX_IN_FLIGHT, 1, 100_000), p.intIn(ConfigKey.MAX_IN_FLIGHT_PER_WEBHOOK, 1, 10_000),
                p.intIn(ConfigKey.FIRST_TRY_MAX_DELIVERIES, 0, 64),
                p.intIn(ConfigKey.QUEUE_PARTITIONS, 1, 256), timeout, schedule, reclaimIdle,
                p.longIn(ConfigKey.IDEMPOTENCY_WINDOW_SECONDS, 1, 30L * 86400), retention,
                p.intIn(ConfigKey.DELIVERY_RETENTION_COUNT, 1, 10_000_000), p.intIn(ConfigKey.RECORD_LAYOUT, 1, 5), quotas,
                new Failures(OutcomePolicy.FailurePolicy.of(p.oneOf(ConfigKey.FAILURE_POLICY, "hold", "appwrite")),
                    p.duration(ConfigKey.DISABLE_AFTER), p.intIn(ConfigKey.CIRCUIT_OPEN_AFTER, 1, 1000))),
            new DispatchConfig(p.intIn(ConfigKey.DISPATCHERS, 1, 64), timeout,
                p.intIn(ConfigKey.MAX_RESPONSE_BYTES, 0, 64 << 20), p.cidrs(ConfigKey.ALLOWED_TARGET_CIDRS), userAgent,
                TryLog.of(p.oneOf(ConfigKey.DELIVERY_LOG, "all", "failed", "none"))),
            p.longIn(ConfigKey.SHUTDOWN_TIMEOUT_MS, 0, 600_000),
            p.oneOf(ConfigKey.LOG_FORMAT, "text", "json"),
            p.oneOf(ConfigKey.LOG_LEVEL, "trace", "debug", "info", "warn", "error"),
            Map.copyOf(v));
    }

    /** One line per key, secrets and Redis passwords masked: safe to log. */
    public String describe() {
        StringJoiner j = new StringJoiner(", ");
        for (ConfigKey k : ConfigKey.values()) {
            String value = values.get(k);
            if (k.secret()) {
                value = value.isEmpty() ? "" : "****";
            } else if (k == ConfigKey.REDIS_URL) {
                value = String.join(",", Arrays.stream(value.split(",")).map(HookgateConfig::maskUrl).toList());
            }
            j.add(k.key() + "=" + value);
        }
        return j.toString();
    }

    /** The record's default would print {@code values} unmasked (admin key, Redis password). */
    @Override
    public String toString() {
        return "HookgateConfig[" + describe() + "]";
    }

    /** Masks the password of a Redis URL, given as {@code user:password@} or as a {@code password=} query parameter. */
    static String maskUrl(String url) {
        String masked = url.replaceAll("([?&]password=)[^&]*", "$1****");
        int scheme = masked.indexOf("://");
        int at = masked.lastIndexOf('@');
        if (scheme < 0 || at < scheme) {
            return masked;
        }
        String auth = masked.substring(scheme + 3, at);
        int colon = auth.indexOf(':');
        String user = colon < 0 ? "" : auth.substring(0, colon);
        return masked.substring(0, scheme + 3) + user + ":****" + masked.substring(at);
    }

    private static String defaultReplicaId() {
        String host = System.getenv().getOrDefault("HOSTNAME", "");
        if (host.isEmpty()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                host = "hookgate";
            }
        }
        String id = (host + "-" + ProcessHandle.current().pid()).replaceAll("[^A-Za-z0-9._-]", "-");
        return id.length() > 64 ? id.substring(id.length() - 64) : id;
    }

    /** Reads typed values with a message that names the key and its environment variable. */
    private record Parser(Map<ConfigKey, String> v) {
        String string(ConfigKey k) {
            String s = v.get(k);
            if (s == null) {
                throw new ConfigException("missing configuration key " + k.key());
            }
            return s.trim();
        }

        long longIn(ConfigKey k, long min, long max) {
            long n;
            try {
                n = Long.parseLong(string(k));
            } catch (NumberFormatException e) {
                throw bad(k, "an integer");
            }
            if (n < min || n > max) {
                throw bad(k, "between " + min + " and " + max);
            }
            return n;
        }

        int intIn(ConfigKey k, int min, int max) {
            return (int) longIn(k, min, max);
        }

        int port(ConfigKey k) {
            return intIn(k, 0, 65535);
        }

        /** One URL, or several separated by commas (sentinels, cluster seed nodes). */
        List<String> redisUrls(ConfigKey k) {
            List<String> urls = Arrays.stream(string(k).split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
            if (urls.isEmpty() || !urls.stream().allMatch(s -> s.startsWith("redis://") || s.startsWith("rediss://")
                || s.startsWith("unix://"))) {
                throw bad(k, "a redis://, rediss:// or unix:// URL (several separated by commas)");
            }
            return urls;
        }

        String oneOf(ConfigKey k, String... allowed) {
            String s = string(k);
            if (!Arrays.asList(allowed).contains(s)) {
                throw bad(k, "one of " + String.join(", ", allowed));
            }
            return s;
        }

        String existingFileOrEmpty(ConfigKey k) {
            String s = string(k);
            if (!s.isEmpty() && !Files.isReadable(Path.of(s))) {
                throw new ConfigException(k.key() + " (" + k.envName() + "): cannot read file '" + s + "'");
            }
            return s;
        }

        /** Empty, or the Base64 of exactly 32 bytes (AES-256). */
        String encryptionKey(ConfigKey k) {
            String s = string(k);
            if (s.isEmpty()) {
                return s;
            }
            byte[] raw;
            try {
                raw = java.util.Base64.getDecoder().decode(s);
            } catch (IllegalArgumentException e) {
                raw = new byte[0];
            }
            if (raw.length != 32) {
                throw new ConfigException(k.key() + " (" + k.envName() + ") must be the Base64 of 32 random bytes"
                    + " (e.g. `openssl rand -base64 32`)");
            }
            return s;
        }

        /** One duration as in a retry schedule: {@code 72h}, {@code 30s}, {@code 500ms}. */
        Duration duration(ConfigKey k) {
            List<Duration> one = schedule(k);
            if (one.size() != 1) {
                throw bad(k, "one duration such as 72h or 30m");
            }
            return one.get(0);
        }

        List<Duration> schedule(ConfigKey k) {
            try {
                return io.hookgate.policy.RetrySchedule.parse(string(k));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(k.key() + " (" + k.envName() + "): " + e.getMessage());
            }
        }

        List<Cidr> cidrs(ConfigKey k) {
            List<Cidr> out = new ArrayList<>();
            for (String part : Arrays.stream(string(k).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()) {
                try {
                    out.add(Cidr.parse(part));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(k.key() + " (" + k.envName() + "): " + e.getMessage());
                }
            }
            return List.copyOf(out);
        }

        private ConfigException bad(ConfigKey k, String expected) {
            return new ConfigException(k.key() + " (" + k.envName() + ") must be " + expected + ", got '" + v.get(k) + "'");
        }
    }
}
