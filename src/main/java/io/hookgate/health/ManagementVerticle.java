package io.hookgate.health;

import io.hookgate.bus.Addresses;
import io.hookgate.bus.Replies;
import io.hookgate.bus.StoreRequest;
import io.hookgate.config.HookgateConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * The management port: {@code GET /health/live} (the process answers) and {@code GET /health/ready}
 * (every verticle deployed, not shutting down, Redis answers and cannot evict keys; a failed check is
 * 503 with its reason; the Redis check carries Redis's memory use), and {@code GET /metrics} in
 * Prometheus format.
 */
public final class ManagementVerticle extends VerticleBase {
    private static final DeliveryOptions PING = new DeliveryOptions().setSendTimeout(2_000).setLocalOnly(true);

    private final HookgateConfig.ManagementConfig config;
    private final Readiness readiness;
    private final GatewayMetrics metrics;
    private int port;

    public ManagementVerticle(HookgateConfig.ManagementConfig config, Readiness readiness, GatewayMetrics metrics) {
        this.config = config;
        this.readiness = readiness;
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        HealthCheckHandler live = HealthCheckHandler.create(vertx)
            .register("process", p -> p.complete(Status.OK()));
        HealthCheckHandler ready = HealthCheckHandler.create(vertx)
            .register("lifecycle", p -> {
                if (readiness.isDraining()) {
                    p.complete(Status.KO(new JsonObject().put("reason", "shutting down")));
                } else if (!readiness.isDeployed()) {
                    p.complete(Status.KO(new JsonObject().put("reason", "starting: not every verticle is deployed yet")));
                } else {
                    p.complete(Status.OK());
                }
            })
            .register("redis", 3_000, p -> vertx.eventBus().<Replies.RedisMemory>request(Addresses.STORE,
                    new StoreRequest.Ping(), PING)
                .onSuccess(r -> p.complete(redisStatus(r.body())))
                .onFailure(err -> p.complete(Status.KO(new JsonObject().put("reason", "Redis does not answer: "
                    + err.getMessage())))));
        Router router = Router.router(vertx);
        router.get("/health/live").handler(live);
        router.get("/health/ready").handler(ready);
        router.get("/metrics").handler(PrometheusScrapingHandler.create(metrics.registry()));
        // No cleartext HTTP/2 upgrade (h2c): scrapers and probes speak HTTP/1.1, and the JDK's HttpClient
        // (which asks for h2c by default) sometimes never got the end of an upgraded /metrics answer.
        return vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
            .connectionHandler(UnmeteredConnections::refuse)
            .requestHandler(router).listen(config.port(), config.host())
            .map(s -> {
                port = s.actualPort();
                return s;
            });
    }

    /**
     * Up with Redis's memory as details, unless its maxmemory-policy may evict keys and
     * {@code evictingRedis} is refuse: a full Redis would drop queued events without a word.
     */
    private Status redisStatus(Replies.RedisMemory m) {
        JsonObject details = new JsonObject().put("usedMemoryBytes", m.usedBytes()).put("maxMemoryBytes", m.maxBytes())
            .put("maxMemoryPolicy", m.policy());
        if (m.maxBytes() > 0) {
            details.put("usedMemoryRatio", Math.round(1000.0 * m.usedBytes() / m.maxBytes()) / 1000.0);
        }
        if (m.mayEvict() && config.refuseEvictingRedis()) {
            return Status.KO(details.put("reason", "Redis maxmemory-policy is "
                + (m.policy().isEmpty() ? "unknown (not in INFO memory)" : m.policy())
                + ": a full Redis may evict queued events; set it to noeviction (or evictingRedis to warn)"));
        }
        return Status.OK(details);
    }

    public int actualPort() {
        return port;
    }
}
