package io.hookgate.engine;

import io.hookgate.health.GatewayMetrics;
import io.hookgate.index.Subscriptions;
import io.hookgate.model.Webhook;
import io.hookgate.redis.DeliveryLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes for open circuits whose deliveries are all held. A retry that comes due probes by itself
 * (see {@link DeliveryPump}); a webhook with nothing but held deliveries needs one sent out: every
 * second, for each open circuit this replica knows, it asks for the probe's lease and, when it gets it,
 * sends the oldest held delivery out as the probe (see {@link DeliveryLog#sendProbe}). The lease makes
 * it one probe at a time across every replica. Also counts open circuits and held deliveries for the
 * metrics. Owned by the store verticle's event loop.
 */
final class Circuits {
    private static final Logger LOG = LoggerFactory.getLogger(Circuits.class);
    private static final long PROBE_TICK_MS = 1_000;
    private static final long COUNT_EVERY_MS = 5_000;

    private final Vertx vertx;
    private final Subscriptions subscriptions;
    private final Bookkeeping bookkeeping;
    private final DeliveryLog log;
    private final String replicaId;
    private final List<Long> timers = new ArrayList<>();
    private volatile int open;
    private volatile long held;
    private long sequence;
    private boolean probing;
    private boolean stopped;

    Circuits(Vertx vertx, Subscriptions subscriptions, Bookkeeping bookkeeping, DeliveryLog log, String replicaId,
             GatewayMetrics metrics) {
        this.vertx = vertx;
        this.subscriptions = subscriptions;
        this.bookkeeping = bookkeeping;
        this.log = log;
        this.replicaId = replicaId;
        metrics.gauge("hookgate.circuits.open", "Webhooks whose circuit is open (their new deliveries are held)",
            () -> open);
        metrics.gauge("hookgate.deliveries.held", "Deliveries held for webhooks whose circuit is open", () -> held);
    }

    void start() {
        timers.add(vertx.setPeriodic(PROBE_TICK_MS, t -> probe()));
        timers.add(vertx.setPeriodic(COUNT_EVERY_MS, t -> count()));
    }

    void stop() {
        stopped = true;
        timers.forEach(vertx::cancelTimer);
        timers.clear();
    }

    private void probe() {
        if (stopped || probing) {
            return;
        }
        List<Webhook> circuits = subscriptions.openCircuits();
        open = circuits.size();
        if (circuits.isEmpty()) {
            return;
        }
        probing = true;
        List<Future<?>> all = new ArrayList<>(circuits.size());
        for (Webhook w : circuits) {
            String token = replicaId + ":probe:" + (++sequence);
            all.add(bookkeeping.mayTry(w, token).compose(p -> {
                if (!p.probe()) {
                    return Future.succeededFuture();
                }
                return log.sendProbe(w.projectId(), w.id(), token)
                    .compose(sent -> sent ? Future.succeededFuture() : bookkeeping.releaseProbe(w, token));
            }));
        }
        Future.join(all).onComplete(ar -> {
            probing = false;
            if (ar.failed()) {
                LOG.debug("probing open circuits failed: {}", ar.cause().getMessage());
            }
        });
    }

    private void count() {
        List<Webhook> circuits = subscriptions.openCircuits();
        open = circuits.size();
        List<Future<Long>> all = new ArrayList<>(circuits.size());
        circuits.forEach(w -> all.add(log.held(w.projectId(), w.id())));
        Future.join(all).onSuccess(x -> held = all.stream().mapToLong(Future::result).sum());
    }
}
