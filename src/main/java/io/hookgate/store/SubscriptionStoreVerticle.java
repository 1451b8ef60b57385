package io.hookgate.store;

import io.hookgate.bus.Addresses;
import io.hookgate.bus.ErrorCode;
import io.hookgate.bus.Replies;
import io.hookgate.bus.RequestFailure;
import io.hookgate.bus.StoreRequest;
import io.hookgate.config.HookgateConfig;
import io.hookgate.engine.DeliveryEngine;
import io.hookgate.events.EventCatalogue;
import io.hookgate.events.ExpansionCache;
import io.hookgate.health.GatewayMetrics;
import io.hookgate.index.Subscriptions;
import io.hookgate.model.Ids;
import io.hookgate.redis.DeliveryLog;
import io.hookgate.redis.EventQueue;
import io.hookgate.redis.FieldCipher;
import io.hookgate.redis.KeyRepository;
import io.hookgate.redis.ProjectRepository;
import io.hookgate.redis.RecordLayout;
import io.hookgate.redis.RedisStore;
import io.hookgate.redis.WebhookRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store on the event bus: answers every {@link StoreRequest} on {@link Addresses#STORE}, each
 * type with one handler of the services behind it: {@link AdminService} (auth, projects, keys,
 * webhooks), {@link DeliveryQueries} (the deliveries API) and the {@link DeliveryEngine} (ingest and
 * everything after it). At start it connects to Redis, settles the admin and encryption keys, loads
 * this replica's {@link Subscriptions}, settles the record layout it writes ({@link ReplicaWatch}) and
 * builds the services; nothing calls back into it.
 */
public final class SubscriptionStoreVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionStoreVerticle.class);
    private static final int EXPANSION_CACHE_NAMES = 16_384;

    private final HookgateConfig.RedisConfig redisConfig;
    private final HookgateConfig.StoreConfig config;
    private final EventCatalogue catalogue;
    private final GatewayMetrics metrics;
    private final Map<Class<? extends StoreRequest>, Function<StoreRequest, Future<?>>> handlers = new HashMap<>();
    private RedisStore redis;
    private RedisWatch watch;
    private ReplicaWatch replicaWatch;
    private Subscriptions subscriptions;
    private DeliveryEngine engine;

    public SubscriptionStoreVerticle(HookgateConfig.RedisConfig redisConfig, HookgateConfig.StoreConfig config,
                                     EventCatalogue catalogue, GatewayMetrics metrics) {
        this.redisConfig = redisConfig;
        this.config = config;
        this.catalogue = catalogue;
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        redis = RedisStore.connect(vertx, redisConfig, metrics);
        watch = new RedisWatch(vertx, redis, metrics, redisConfig.refuseEvicting());
        ProjectRepository projects = redis.projects();
        KeyRepository keys = redis.keys();
        RecordLayout layout = new RecordLayout(config.recordLayout());
        EventQueue queue = redis.queue(config, layout);
        replicaWatch = new ReplicaWatch(vertx, redis.replicas(config.queuePartitions()), layout, config.replicaId(), metrics);
        DeliveryLog log = redis.log(config.queuePartitions());
        ExpansionCache expansions = new ExpansionCache(catalogue, EXPANSION_CACHE_NAMES);
        String generated = "admin_" + Ids.randomHex(32);
        String[] adminKeyHash = new String[1];
        // The eviction policy first: its warning belongs at the top of the log.
        return watch.check().recover(err -> Future.succeededFuture())
            .compose(x -> keys.adminKey(config.adminKey(), generated))
            .compose(admin -> {
                adminKeyHash[0] = admin.hash();
                if (admin.generatedNow()) {
                    // Shown once, at the first start of the first replica: only its hash is stored.
                    LOG.warn("generated the admin key (store it now, it is not shown again): {}", generated);
                }
                return keys.encryptionKey(config.encryptionKey());
            })
            .compose(key -> {
                if (config.encryptionKey().isEmpty()) {
                    LOG.warn("no encryptionKey configured: secrets are encrypted with a key kept in Redis itself,"
                        + " which protects single leaked values only; set HOOKGATE_ENCRYPTION_KEY");
                }
                FieldCipher cipher = FieldCipher.fromBase64(key);
                return keys.checkEncryptionKey(cipher).map(cipher);
            })
            .compose(cipher -> {
                WebhookRepository webhooks = redis.webhooks(cipher);
                subscriptions = new Subscriptions(redis, projects, keys, webhooks);
                AdminService admin = new AdminService(vertx, projects, keys, webhooks, log, subscriptions,
                    adminKeyHash[0], config);
                DeliveryQueries deliveries = new DeliveryQueries(admin, log, queue, expansions);
                engine = new DeliveryEngine(vertx, queue, redis.retention(config), log, webhooks,
                    redis.rateLimiter(config.ingestRatePerSecond(), config.ingestBurst()), subscriptions,
                    expansions, config, metrics);
                route(admin, deliveries);
                return queue.ensureGroups();
            })
            // Before the first event is taken: a rolling update may have older replicas running.
            .compose(x -> replicaWatch.check())
            .compose(x -> subscriptions.start())
            .compose(x -> {
                watch.start();
                replicaWatch.start();
                MessageConsumer<StoreRequest> consumer = vertx.eventBus().localConsumer(Addresses.STORE, this::handle);
                return consumer.completion();
            });
    }

    /** One handler per request type (a type without one stops the start). */
    private void route(AdminService admin, DeliveryQueries deliveries) {
        on(StoreRequest.Authenticate.class, admin::authenticate);
        on(StoreRequest.CreateProject.class, admin::createProject);
        on(StoreRequest.ListProjects.class, r -> admin.listProjects());
        on(StoreRequest.GetProject.class, r -> admin.requireProject(r.projectId()));
        on(StoreRequest.DeleteProject.class, admin::deleteProject);
        on(StoreRequest.CreateKey.class, admin::createKey);
        on(StoreRequest.ListKeys.class, admin::listKeys);
        on(StoreRequest.DeleteKey.class, admin::deleteKey);
        on(StoreRequest.CreateWebhook.class, admin::createWebhook);
        on(StoreRequest.ListWebhooks.class, admin::listWebhooks);
        on(StoreRequest.GetWebhook.class, r -> admin.requireWebhook(r.projectId(), r.webhookId(), r.operational()));
        on(StoreRequest.UpdateWebhook.class, admin::updateWebhook);
        on(StoreRequest.RotateSecret.class, admin::rotateSecret);
        on(StoreRequest.DeleteWebhook.class, admin::deleteWebhook);
        on(StoreRequest.IngestEvents.class, engine::ingest);
        on(StoreRequest.ListDeliveries.class, deliveries::list);
        on(StoreRequest.GetDelivery.class, deliveries::get);
        on(StoreRequest.RetryDelivery.class, deliveries::retry);
        on(StoreRequest.RecoverDeliveries.class, deliveries::recover);
        on(StoreRequest.Ping.class, r -> watch.check());
        on(StoreRequest.StartQueue.class, r -> {
            engine.start();
            return Future.succeededFuture(Replies.Done.INSTANCE);
        });
        on(StoreRequest.DrainQueue.class, r -> engine.stop().map(Replies.Done.INSTANCE));
        for (Class<?> type : StoreRequest.class.getPermittedSubclasses()) {
            if (!handlers.containsKey(type)) {
                throw new IllegalStateException("no handler for " + type.getSimpleName());
            }
        }
    }

    private <R extends StoreRequest> void on(Class<R> type, Function<R, Future<?>> handler) {
        handlers.put(type, r -> handler.apply(type.cast(r)));
    }

    private void handle(Message<StoreRequest> message) {
        Future<?> result;
        try {
            result = handlers.get(message.body().getClass()).apply(message.body());
        } catch (RequestFailure f) {
            result = Future.failedFuture(f);
        }
        result.onComplete(ar -> {
            if (ar.succeeded()) {
                message.reply(ar.result());
            } else if (ar.cause() instanceof RequestFailure f) {
                message.fail(f.code().failureCode(), f.wireMessage());
            } else {
                // Redis unreachable or failing: the caller gets 503; the stack trace adds nothing.
                LOG.warn("store request {} failed: {}", message.body().getClass().getSimpleName(), ar.cause().toString());
                message.fail(ErrorCode.UNAVAILABLE.failureCode(), "storage unavailable");
            }
        });
    }

    @Override
    public Future<?> stop() {
        if (watch != null) {
            watch.stop();
        }
        Future<Void> drained = engine == null ? Future.succeededFuture() : engine.stop();
        // Its word renewed until the fan-out has stopped: a drain can outlast the word's TTL.
        return drained.compose(x -> replicaWatch == null ? Future.succeededFuture() : replicaWatch.leave())
            .compose(x -> subscriptions == null ? Future.succeededFuture() : subscriptions.stop())
            .eventually(() -> redis.close());
    }
}
