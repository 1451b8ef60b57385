package io.hookgate.redis;

import io.hookgate.config.HookgateConfig;
import io.hookgate.health.GatewayMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import java.util.ArrayList;

/** The one place a Redis client is made: pooled, for the configured topology, timed per command. */
public final class RedisClient {
    private RedisClient() {
    }

    /** A pooled client whose round trips are timed in {@code hookgate_redis_command_duration}. */
    public static Redis create(Vertx vertx, HookgateConfig.RedisConfig config, GatewayMetrics metrics) {
        return new TimedRedis(Redis.createClient(vertx, options(config)), metrics, "cluster".equals(config.mode()));
    }

    /**
     * Options for the configured topology (standalone, sentinel, cluster). Credentials come in the URL
     * ({@code redis://user:password@host:port}, an ACL user or just a password); {@code rediss://} is TLS,
     * verified against {@code caFile} when given.
     */
    static RedisOptions options(HookgateConfig.RedisConfig c) {
        RedisOptions options = new RedisOptions()
            .setEndpoints(new ArrayList<>(c.urls()))
            .setMaxPoolSize(c.poolSize())
            .setMaxPoolWaiting(c.poolSize() * 256)
            .setMaxWaitingHandlers(64 * 1024);
        switch (c.mode()) {
            case "sentinel" -> options.setType(RedisClientType.SENTINEL)
                .setMasterName(c.masterName()).setRole(RedisRole.MASTER);
            case "cluster" -> options.setType(RedisClientType.CLUSTER);
            default -> options.setType(RedisClientType.STANDALONE);
        }
        boolean tls = c.urls().stream().anyMatch(u -> u.startsWith("rediss://"));
        if (tls) {
            // Verify the server's name as well as its chain: against caFile when given, else the JVM's trust store.
            NetClientOptions net = new NetClientOptions()
                .setSsl(true)
                .setHostnameVerificationAlgorithm("HTTPS");
            if (!c.caFile().isEmpty()) {
                net.setTrustOptions(new PemTrustOptions().addCertPath(c.caFile()));
            }
            options.setNetClientOptions(net);
        }
        return options;
    }
}
