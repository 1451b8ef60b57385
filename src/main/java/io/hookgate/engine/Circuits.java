package io.hookgate.engine;

import io.hookgate.health.GatewayMetrics;
import io.hookgate.index.Subscriptions;
import io.hookgate.model.Webhook;
import io.hookgate.redis.DeliveryLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes for open circuits whose deliveries are all held. A retry that comes due probes by itself
 * (see {@link DeliveryPump}); a webhook with nothing but held deliveries needs one sent out: every
 * second, for each open circuit this replica knows, it asks for the probe's lease and, when it gets it,
 * sends the oldest held delivery out as the probe (see {@link DeliveryLog#sendProbe}). The lease makes
 * it one probe at a time across every replica.
 *
 * <p>Held deliveries are sent out when their circuit closes, by the replica whose try closed it. A hold
 * can also be decided on a view of the circuit that Redis no longer has: a circuit-open write lost in a
 * failover (only accepting an event waits for a replica's copy) leaves every replica's index open until
 * it reloads, and what fan-out held meanwhile would wait for a close that never comes. So every five
 * seconds each replica also walks, a page per partition, the webhooks with held deliveries; for those
 * it knows as enabled with a closed circuit, Redis (the probe's lease script) has the last word: closed,
 * and everything held goes out; open after all, and the lease taken is used as a probe. Also counts open
 * circuits and held deliveries for the metrics. Owned by the store verticle's event loop.
 */
final class Circuits {
    private static final Logger LOG = LoggerFactory.getLogger(Circuits.class);
    private static final long PROBE_TICK_MS = 1_000;
    private static final long COUNT_EVERY_MS = 5_000;
    /** Webhooks that may have held deliveries examined per partition in one check. */
    private static final int HELD_PAGE = 500;

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
    private boolean checkingHeld;
    /** Where the walk over each partition's webhooks with held deliveries stands (SSCAN cursors). */
    private final String[] heldCursors;
    private boolean stopped;

    Circuits(Vertx vertx, Subscriptions subscriptions, Bookkeeping bookkeeping, DeliveryLog log, String replicaId,
             GatewayMetrics metrics) {
        this.vertx = vertx;
        this.subscriptions = subscriptions;
        this.bookkeeping = bookkeeping;
        this.log = log;
        this.replicaId = replicaId;
        this.heldCursors = new String[log.partitions()];
        Arrays.fill(heldCursors, "0");
        metrics.gauge("hookgate.circuits.open", "Webhooks whose circuit is open (their new deliveries are held)",
            () -> open);
        metrics.gauge("hookgate.deliveries.held", "Deliveries held for webhooks whose circuit is open", () -> held);
    }

    void start() {
        timers.add(vertx.setPeriodic(PROBE_TICK_MS, t -> probe()));
        timers.add(vertx.setPeriodic(COUNT_EVERY_MS, t -> {
            count();
            releaseHeld();
        }));
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
            all.add(probeOrRelease(w));
        }
        Future.join(all).onComplete(ar -> {
            probing = false;
            if (ar.failed()) {
                LOG.debug("probing open circuits failed: {}", ar.cause().getMessage());
            }
        });
    }

    /**
     * Asks Redis for the webhook's probe lease: granted (the circuit is open), the oldest held delivery goes
     * out as the probe; closed, everything held goes out if Redis has the webhook enabled; another probe under
     * way, nothing.
     */
    private Future<Void> probeOrRelease(Webhook w) {
        String token = replicaId + ":probe:" + (++sequence);
        return bookkeeping.mayTry(w, token).compose(p -> {
            if (p.probe()) {
                return log.sendProbe(w.projectId(), w.id(), token)
                    .compose(sent -> sent ? Future.<Void>succeededFuture() : bookkeeping.releaseProbe(w, token));
            }
            if (!p.allowed() || !p.enabled()) {
                // Another probe under way; or disabled (enabling sends what is held) or deleted in Redis.
                return Future.<Void>succeededFuture();
            }
            return log.unhold(w.projectId(), w.id()).<Void>map(n -> {
                // Also met when this replica's index lags a close by another replica, whose unhold then shares the work.
                if (n > 0) {
                    LOG.info("webhook {} of project {}: its circuit is closed in Redis; {} held deliveries sent out",
                        w.id(), w.projectId(), n);
                }
                return null;
            });
        });
    }

    /** One page per partition of the webhooks with held deliveries: those whose circuit is closed here, checked. */
    private void releaseHeld() {
        if (stopped || checkingHeld) {
            return;
        }
        checkingHeld = true;
        // A webhook with held deliveries in several partitions is checked once (unhold takes every partition).
        Set<String> checked = new HashSet<>();
        List<Future<?>> all = new ArrayList<>(heldCursors.length);
        for (int p = 0; p < heldCursors.length; p++) {
            int partition = p;
            all.add(log.heldWebhooks(p, heldCursors[p], HELD_PAGE).compose(page -> {
                heldCursors[partition] = page.cursor();
                List<Future<?>> checks = new ArrayList<>();
                for (String[] held : page.webhooks()) {
                    Webhook w = subscriptions.webhook(held[0], held[1]);
                    // Open: probed above. Disabled: enabling it sends them. Unknown: deleted, purged.
                    boolean closedHere = w != null && w.enabled() && !w.health().circuitOpen();
                    if (closedHere && checked.add(held[0] + ":" + held[1])) {
                        checks.add(probeOrRelease(w));
                    }
                }
                return Future.join(checks);
            }));
        }
        Future.join(all).onComplete(ar -> {
            checkingHeld = false;
            if (ar.failed()) {
                LOG.debug("checking held deliveries failed: {}", ar.cause().getMessage());
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
