package io.hookgate;

import io.hookgate.api.FrontDoor;
import io.hookgate.api.HttpApiVerticle;
import io.hookgate.api.TargetCheck;
import io.hookgate.bus.Addresses;
import io.hookgate.bus.Codecs;
import io.hookgate.bus.StoreRequest;
import io.hookgate.config.ConfigException;
import io.hookgate.config.HookgateConfig;
import io.hookgate.dispatch.DispatcherVerticle;
import io.hookgate.events.EventCatalogue;
import io.hookgate.health.GatewayMetrics;
import io.hookgate.health.ManagementVerticle;
import io.hookgate.health.Readiness;
import io.hookgate.logging.LogLevels;
import io.hookgate.net.HostResolver;
import io.hookgate.net.TargetGuard;
import io.hookgate.store.SubscriptionStoreVerticle;
import io.micrometer.core.instrument.FunctionCounter;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bootstrap: loads the configuration once, registers the codecs, deploys management, store,
 * dispatchers and API in that order, then starts the queue. Shutdown runs the other way: readiness
 * false, API gone (intake stops), queue drained (bounded), then the rest.
 */
public final class Hookgate {
    private static final Logger LOG = LoggerFactory.getLogger(Hookgate.class);
    /** The metrics type the Vert.x Redis client reports under (its meters are {@code vertx_redis_*}). */
    private static final String REDIS_CLIENT_METRICS = "redis";

    private final Vertx vertx;
    private final HookgateConfig config;
    private final HostResolver resolver;
    private final GatewayMetrics metrics;
    private final Readiness readiness = new Readiness();
    private final FrontDoor frontDoor;
    private final AtomicReference<HttpApiVerticle> firstApi = new AtomicReference<>();
    private ManagementVerticle management;
    private String apiDeployment;

    private Hookgate(Vertx vertx, HookgateConfig config, HostResolver resolver, GatewayMetrics metrics) {
        this.vertx = vertx;
        this.config = config;
        this.resolver = resolver;
        this.metrics = metrics;
        this.frontDoor = new FrontDoor(config.api().frontDoor());
    }

    /** Deploys a whole gateway on {@code vertx}; completes when it is ready. */
    public static Future<Hookgate> start(Vertx vertx, HookgateConfig config) {
        return start(vertx, config, HostResolver.SYSTEM);
    }

    /** As {@link #start(Vertx, HookgateConfig)}, with the resolver of delivery targets (tests map names to loopback). */
    public static Future<Hookgate> start(Vertx vertx, HookgateConfig config, HostResolver resolver) {
        return start(vertx, config, resolver, new GatewayMetrics());
    }

    /** As above, with the metrics registry (the one Vert.x reports its own metrics to, in {@link #main}). */
    public static Future<Hookgate> start(Vertx vertx, HookgateConfig config, HostResolver resolver,
                                         GatewayMetrics metrics) {
        Hookgate gw = new Hookgate(vertx, config, resolver, metrics);
        return gw.deploy().map(gw);
    }

    private Future<Void> deploy() {
        EventCatalogue catalogue = EventCatalogue.load();
        Codecs.registerAll(vertx.eventBus());
        metrics.gauge("hookgate.api.request.body.bytes",
            "Request body bytes this replica holds (maxRequestBytesInFlight)", frontDoor::bodyBytes);
        for (FrontDoor.Refusal r : FrontDoor.Refusal.values()) {
            FunctionCounter.builder("hookgate.api.refused", frontDoor, d -> d.refusals(r))
                .tag("reason", r.name().toLowerCase(Locale.ROOT))
                .description("Requests and connections the API port refused or closed before a route ran")
                .register(metrics.meters());
        }
        management = new ManagementVerticle(config.management(), readiness, metrics);
        return vertx.deployVerticle(management)
            .compose(x -> vertx.deployVerticle(new SubscriptionStoreVerticle(config.redis(), config.store(), catalogue, metrics)))
            .compose(x -> vertx.deployVerticle(() -> new DispatcherVerticle(config.dispatch(), resolver),
                new DeploymentOptions().setInstances(config.dispatch().instances())))
            .compose(x -> vertx.deployVerticle(() -> {
                HttpApiVerticle v = new HttpApiVerticle(config.api(), catalogue,
                    new TargetCheck(new TargetGuard(config.dispatch().allowedTargets()), resolver), frontDoor);
                firstApi.compareAndSet(null, v);
                return v;
            }, new DeploymentOptions().setInstances(config.api().instances())))
            .compose(id -> {
                apiDeployment = id;
                return vertx.eventBus().request(Addresses.STORE, new StoreRequest.StartQueue());
            })
            .map(x -> {
                readiness.deployed();
                LOG.info("Hookgate ready: API on port {}, management on port {}", apiPort(), managementPort());
                return null;
            });
    }

    /** Graceful stop: readiness false, intake stopped, deliveries under way finished (bounded), then everything closed. */
    public Future<Void> shutdown() {
        readiness.draining();
        DeliveryOptions drain = new DeliveryOptions().setSendTimeout(Math.max(1, config.shutdownTimeoutMs()));
        Future<?> apiGone = apiDeployment == null ? Future.succeededFuture() : vertx.undeploy(apiDeployment);
        return apiGone
            .compose(x -> vertx.eventBus().request(Addresses.STORE, new StoreRequest.DrainQueue(), drain))
            .<Void>mapEmpty()
            .recover(err -> {
                LOG.warn("drain did not finish ({}); unfinished deliveries stay in Redis for the other replicas",
                    err.getMessage());
                return Future.succeededFuture();
            });
    }

    public int apiPort() {
        return firstApi.get().actualPort();
    }

    public int managementPort() {
        return management.actualPort();
    }

    public Readiness readiness() {
        return readiness;
    }

    /** The API port's shared limits (body bytes held, connections and failed keys per address). */
    public FrontDoor frontDoor() {
        return frontDoor;
    }

    /**
     * Closes Vert.x and waits for it from a plain thread. The close future may complete on an event
     * loop that is already terminated, so it is awaited through a CompletableFuture, bounded.
     */
    public static void closeVertx(Vertx vertx) {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            LOG.warn("closing Vert.x: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Switches Logback to logback-json.xml (logFormat=json): one JSON object per line. */
    private static void useJsonLogs() {
        ch.qos.logback.classic.LoggerContext context = (ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        ch.qos.logback.classic.joran.JoranConfigurator configurator = new ch.qos.logback.classic.joran.JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(Hookgate.class.getResource("/logback-json.xml"));
        } catch (ch.qos.logback.core.joran.spi.JoranException e) {
            throw new ConfigException("cannot switch to JSON logs: " + e.getMessage());
        }
    }

    public static void main(String[] args) {
        HookgateConfig config;
        try {
            config = HookgateConfig.load(System.getenv());
        } catch (ConfigException e) {
            LOG.error("invalid configuration: {}", e.getMessage());
            stopLogging();
            System.exit(2);
            return;
        }
        if ("json".equals(config.logFormat())) {
            useJsonLogs();
        }
        LogLevels.apply((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory(), config.logLevel());
        LOG.info("configuration: {}", config.describe());
        GatewayMetrics metrics = new GatewayMetrics();
        // Vert.x reports its own metrics (HTTP server, pools) to the same registry. Not the HTTP client,
        // the event bus or client sockets: those are per-delivery hot paths where Micrometer's tag
        // lookups cost a measurable share of the gateway's CPU (docs/performance.md), and
        // hookgate_delivery_duration already times every try. Not the Redis client either: it is on
        // the per-delivery path too, and hookgate_redis_command_duration times every command.
        Vertx vertx = Vertx.builder()
            .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
                .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT)
                .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
                .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT)
                .addDisabledMetricsCategory(REDIS_CLIENT_METRICS)))
            .withMetrics(new MicrometerMetricsFactory(metrics.registry()))
            .build();
        Hookgate gw;
        try {
            gw = start(vertx, config, HostResolver.SYSTEM, metrics).await();
        } catch (Exception e) {
            LOG.error("start-up failed", e);
            vertx.close();
            stopLogging();
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutting down");
            try {
                gw.shutdown().await();
            } catch (Exception e) {
                LOG.warn("shutdown: {}", e.getMessage());
            }
            closeVertx(vertx);
            LOG.info("stopped");
            stopLogging();
        }, "hookgate-shutdown"));
    }

    /** Writes the log lines still queued (logs are written from a background thread) before the JVM goes. */
    private static void stopLogging() {
        ((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }
}
