package io.hookgate.redis;

import io.hookgate.bus.Replies;
import io.hookgate.config.HookgateConfig;
import io.hookgate.health.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One replica's connection to Redis, and the way to everything kept there: the repositories of
 * projects, keys and webhooks, the rate limiter, the delivery queue, the delivery log and the change
 * feed all share its pooled client ({@link RedisClient}). No class outside this package holds a Redis
 * client.
 */
public final class RedisStore {
    private final Vertx vertx;
    private final Redis redis;
    private final HookgateConfig.RedisConfig config;

    private RedisStore(Vertx vertx, Redis redis, HookgateConfig.RedisConfig config) {
        this.vertx = vertx;
        this.redis = redis;
        this.config = config;
    }

    /** A pooled, timed client for the configured topology (nothing is sent until first used). */
    public static RedisStore connect(Vertx vertx, HookgateConfig.RedisConfig config, GatewayMetrics metrics) {
        return new RedisStore(vertx, RedisClient.create(vertx, config, metrics), config);
    }

    public ProjectRepository projects() {
        return new ProjectRepository(redis);
    }

    public KeyRepository keys() {
        return new KeyRepository(redis);
    }

    /** Webhooks, their secret fields sealed with {@code cipher}. */
    public WebhookRepository webhooks(FieldCipher cipher) {
        return new WebhookRepository(redis, cipher);
    }

    /** {@code rate} 0: no limit. */
    public RateLimiter rateLimiter(int rate, int burst) {
        return new RateLimiter(redis, rate, burst);
    }

    /**
     * The queue; its ingest waits for {@code redisWaitReplicas} replicas when set. It writes in {@code layout}
     * (the configured one, lowered while older replicas run: {@link #replicas}).
     */
    public EventQueue queue(HookgateConfig.StoreConfig store, RecordLayout layout) {
        return new EventQueue(redis, store.queuePartitions(), store.replicaId(), store.deliveryRetentionSeconds(),
            store.deliveryRetentionCount(), layout, store.idempotencyWindowSeconds(),
            config.waitReplicas(), config.waitTimeoutMs());
    }

    /** What the replicas sharing this Redis read (see {@link ReplicaRepository}). */
    public ReplicaRepository replicas(int partitions) {
        return new ReplicaRepository(redis, partitions, ReplicaRepository.ACTIVE_MS);
    }

    /** Retention of delivery records by age (the count is the fan-out's), and its layout migration. */
    public RecordRetention retention(HookgateConfig.StoreConfig store) {
        return new RecordRetention(redis, store.deliveryRetentionSeconds());
    }

    public DeliveryLog log(int partitions) {
        return new DeliveryLog(redis, partitions);
    }

    /** A feed of the changes any replica makes (see {@link ChangeFeed}), on a connection of its own. */
    public ChangeFeed changeFeed(Runnable onSubscribed, Consumer<ChangeFeed.Change> onChange) {
        return new ChangeFeed(vertx, redis, onSubscribed, onChange);
    }

    /** Whether Redis answers. */
    public Future<Void> ping() {
        return redis.send(Request.cmd(Command.PING)).mapEmpty();
    }

    /**
     * {@code INFO memory}: bytes used, maxmemory and maxmemory-policy. INFO rather than CONFIG GET,
     * which managed Redis services often rename or refuse. In cluster mode it asks one node.
     */
    public Future<Replies.RedisMemory> memory() {
        return redis.send(Request.cmd(Command.INFO).arg("memory")).map(r -> memory(r.toString()));
    }

    /** The fields of {@code INFO memory} text ({@code name:value} lines); a field missing is 0 or empty. */
    static Replies.RedisMemory memory(String info) {
        Map<String, String> fields = new HashMap<>();
        for (String line : info.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return new Replies.RedisMemory(number(fields.get("used_memory")), number(fields.get("maxmemory")),
            fields.getOrDefault("maxmemory_policy", ""));
    }

    private static long number(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public Future<Void> close() {
        return redis.close();
    }
}
