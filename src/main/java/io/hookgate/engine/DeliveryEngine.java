package io.hookgate.engine;

import io.hookgate.bus.ErrorCode;
import io.hookgate.bus.Replies;
import io.hookgate.bus.RequestFailure;
import io.hookgate.bus.StoreRequest;
import io.hookgate.config.HookgateConfig;
import io.hookgate.events.ExpansionCache;
import io.hookgate.health.GatewayMetrics;
import io.hookgate.index.Subscriptions;
import io.hookgate.policy.OutcomePolicy;
import io.hookgate.policy.RetrySchedule;
import io.hookgate.redis.DeliveryLog;
import io.hookgate.redis.EventQueue;
import io.hookgate.redis.RateLimiter;
import io.hookgate.redis.RecordRetention;
import io.hookgate.redis.WebhookRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything after an event is accepted, on this replica: ingest (rate limit, then the events stream),
 * the fan-out, the tries and their outcomes. It owns the {@link FanoutPump}, the {@link DeliveryPump},
 * the events at hand ({@link Events}), the {@link Recorder} of outcomes and the queue's timers
 * ({@link QueueMaintenance}); it asks the {@link OutcomePolicy} what each outcome means. It uses this
 * replica's {@link Subscriptions} and the queue in Redis; nothing calls back into it. Owned by the
 * store verticle's event loop.
 *
 * <p>The path of one event: {@link #ingest} puts it in a partition's events stream; the fan-out pump
 * reads it, matches it against the subscriptions and either starts the first try of its only delivery
 * at once or records its deliveries in the deliveries stream; the delivery pump reads those, sends each
 * try to a dispatcher and has the recorder write its outcome. Retries come back through the retries
 * set (moved into the stream by the maintenance timers), and a dead replica's entries through reclaims.
 */
public final class DeliveryEngine {
    /** Payload bytes kept in memory for delivery without a Redis read. */
    private static final long EVENT_CACHE_BYTES = 64L << 20;
    /** Retry-After of the 503 for too few replicas: short, as a stalled replica or a failover is soon over. */
    private static final long REPLICAS_RETRY_AFTER_SECONDS = 1;

    private final EventQueue queue;
    private final Subscriptions subscriptions;
    private final ExpansionCache expansions;
    private final RateLimiter rateLimiter;
    private final GatewayMetrics metrics;
    private final Events events;
    private final Recorder recorder;
    private final DeliveryPump pump;
    private final FanoutPump fanout;
    private final QueueMaintenance maintenance;
    private final Circuits circuits;
    private boolean started;

    public DeliveryEngine(Vertx vertx, EventQueue queue, RecordRetention retention, DeliveryLog log,
                          WebhookRepository webhooks,
                          RateLimiter rateLimiter, Subscriptions subscriptions, ExpansionCache expansions,
                          HookgateConfig.StoreConfig config, GatewayMetrics metrics) {
        this.queue = queue;
        this.subscriptions = subscriptions;
        this.expansions = expansions;
        this.rateLimiter = rateLimiter;
        this.metrics = metrics;
        OutcomePolicy policy = new OutcomePolicy(new RetrySchedule(config.retrySchedule()), config.maxFailedAttempts(),
            config.failures().policy(), config.failures().disableAfter(), config.failures().circuitOpenAfter());
        // A probe's lease outlives any try it was taken for (the delivery timeout and the pump's margin).
        Bookkeeping bookkeeping = new Bookkeeping(subscriptions, webhooks, log, policy, new NoticeSender(queue),
            config.deliveryTimeoutMs() + HookgateConfig.RECLAIM_MARGIN_MS);
        this.events = new Events(queue, expansions, EVENT_CACHE_BYTES);
        this.recorder = new Recorder(vertx, queue, metrics);
        this.pump = new DeliveryPump(vertx, queue, subscriptions, events, bookkeeping, policy, recorder, metrics,
            config.replicaId(), config.maxInFlight(), config.maxInFlightPerWebhook(), config.deliveryTimeoutMs());
        this.fanout = new FanoutPump(vertx, queue, subscriptions, events, pump, config.firstTryMaxDeliveries());
        this.maintenance = new QueueMaintenance(vertx, queue, retention, subscriptions::webhookNames, pump,
            config.reclaimIdleMs(), metrics);
        this.circuits = new Circuits(vertx, subscriptions, bookkeeping, log, config.replicaId(), metrics);
    }

    /** Starts the pumps and timers (once the dispatchers are deployed); a second call does nothing. */
    public void start() {
        if (started) {
            return;
        }
        started = true;
        fanout.start();
        pump.start();
        maintenance.start();
        circuits.start();
    }

    /** Stops taking work; completes when the tries under way are finished and recorded. */
    public Future<Void> stop() {
        if (!started) {
            return Future.succeededFuture();
        }
        maintenance.stop();
        circuits.stop();
        return Future.all(fanout.stop(), pump.stop()).mapEmpty();
    }

    /**
     * Persists validated events, answered once they are in Redis: the whole request is refused when the
     * project's rate limit has not enough tokens for it (nothing is taken, it may be sent again after the
     * wait). The API has expanded every name it accepted: the expansions are kept for the fan-out.
     * With {@code redisWaitReplicas}, too few replicas acknowledging is a 503 with {@code Retry-After}:
     * the events may be stored, and a resend with the same idempotency keys stores nothing twice.
     */
    public Future<Replies.Ingested> ingest(StoreRequest.IngestEvents r) {
        if (!subscriptions.hasProject(r.projectId())) {
            return Future.failedFuture(RequestFailure.projectNotFound());
        }
        List<EventQueue.NewEvent> batch = new ArrayList<>(r.events().size());
        for (int i = 0; i < r.events().size(); i++) {
            batch.add(new EventQueue.NewEvent(r.events().get(i), r.idempotencyKeys().get(i)));
        }
        return rateLimiter.take(r.projectId(), batch.size()).compose(waitMs -> {
            if (waitMs > 0) {
                throw RequestFailure.rateLimited(Math.max(1, (waitMs + 999) / 1000));
            }
            return queue.ingest(r.projectId(), batch).recover(err -> Future.failedFuture(
                err instanceof EventQueue.ReplicasBehind
                    ? RequestFailure.retryLater(ErrorCode.UNAVAILABLE, err.getMessage(), REPLICAS_RETRY_AFTER_SECONDS)
                    : err));
        }).map(ingested -> {
            List<String> ids = new ArrayList<>(ingested.size());
            int fresh = 0;
            for (int i = 0; i < ingested.size(); i++) {
                ids.add(ingested.get(i).id());
                if (ingested.get(i).fresh()) {
                    expansions.put(r.events().get(i).name(), r.expansions().get(i));
                    fresh++;
                }
            }
            metrics.eventsAccepted(fresh);
            return new Replies.Ingested(ids);
        });
    }
}
