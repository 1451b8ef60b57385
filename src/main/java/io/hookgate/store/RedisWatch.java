package io.hookgate.store;

import io.hookgate.bus.Replies;
import io.hookgate.health.GatewayMetrics;
import io.hookgate.redis.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads Redis's memory and eviction policy ({@code INFO memory}) at start, every 5 s and for every
 * readiness probe, so the Redis behind the connection is checked again whenever it may have changed
 * (a restart, a failover to a replica configured otherwise, a reconnect). It keeps the last reading
 * for the gauges and says loudly when the policy may evict keys: a full Redis would then drop queued
 * events and delivery records without a word. Whether that keeps the replica unready is readiness's
 * call ({@code evictingRedis}).
 */
final class RedisWatch {
    private static final Logger LOG = LoggerFactory.getLogger(RedisWatch.class);
    private static final long EVERY_MS = 5_000;

    private final Vertx vertx;
    private final RedisStore redis;
    private final boolean refuse;
    private volatile Replies.RedisMemory last = new Replies.RedisMemory(0, 0, Replies.RedisMemory.NO_EVICTION);
    private String policySeen;
    private long timer = -1;

    /** {@code refuse}: readiness stays false while the policy may evict (said in the log line). */
    RedisWatch(Vertx vertx, RedisStore redis, GatewayMetrics metrics, boolean refuse) {
        this.vertx = vertx;
        this.redis = redis;
        this.refuse = refuse;
        metrics.gauge("hookgate.redis.memory.used.bytes", "Memory Redis uses (INFO memory: used_memory)",
            () -> last.usedBytes());
        metrics.gauge("hookgate.redis.memory.max.bytes", "Redis maxmemory (0: no limit)", () -> last.maxBytes());
        metrics.gauge("hookgate.redis.may.evict", "1 when Redis's maxmemory-policy is not noeviction: a full"
            + " Redis would evict keys, queued events among them", () -> last.mayEvict() ? 1 : 0);
    }

    void start() {
        timer = vertx.setPeriodic(EVERY_MS, t -> check().onFailure(err ->
            LOG.debug("reading Redis's memory failed: {}", err.toString())));
    }

    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Reads Redis's memory now; logs a change of policy. */
    Future<Replies.RedisMemory> check() {
        return redis.memory().onSuccess(m -> {
            last = m;
            if (!m.policy().equals(policySeen)) {
                report(m, policySeen);
                policySeen = m.policy();
            }
        });
    }

    private void report(Replies.RedisMemory m, String before) {
        String policy = m.policy().isEmpty() ? "not reported by INFO memory" : m.policy();
        if (!m.mayEvict()) {
            if (before != null) {
                LOG.info("Redis maxmemory-policy is noeviction again (it was {})", before.isEmpty() ? "unknown" : before);
            }
        } else if (refuse) {
            LOG.error("Redis maxmemory-policy is {}: a full Redis may evict keys, queued events and delivery records"
                + " among them, silently. This replica stays unready until it is noeviction (CONFIG SET"
                + " maxmemory-policy noeviction, or your provider's parameter); HOOKGATE_EVICTING_REDIS=warn accepts"
                + " the risk", policy);
        } else {
            LOG.warn("Redis maxmemory-policy is {}: a full Redis may evict keys, queued events and delivery records"
                + " among them, silently. Accepted because evictingRedis is warn; set maxmemory-policy noeviction",
                policy);
        }
    }
}
