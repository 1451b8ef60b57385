package io.hookgate.engine;

import io.hookgate.health.GatewayMetrics;
import io.hookgate.redis.EventQueue;
import io.hookgate.redis.RecordRetention;
import io.hookgate.redis.StreamEntry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue's timers, run by every replica on every partition: due retries move into the
 * deliveries stream (atomically, so each is taken once), and work that a replica took but left
 * unfinished for {@code reclaimIdleMs} (it died) is taken over: events it read go back into the
 * events stream ({@link EventQueue#sweepEvents}), deliveries it claimed go to the pump (XAUTOCLAIM). The idle time is always longer than a try can take (checked by the config), so work
 * still under way is never taken from a live replica. Every few seconds it removes the delivery records
 * past their retention ({@link RecordRetention#trimAged}) and reads each partition's depth for the
 * metrics. At start it migrates partitions written by an older layout ({@link RecordRetention#migrate}).
 */
final class QueueMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(QueueMaintenance.class);
    private static final long RETRY_TICK_MS = 200;
    private static final int RETRY_BATCH = 500;
    private static final int RECLAIM_BATCH = 100;
    private static final long STATS_EVERY_MS = 5_000;
    /** How often records past their retention are looked for, and how many webhooks and records per call. */
    private static final long AGED_EVERY_MS = 5_000;
    private static final int AGED_WEBHOOKS = 100;
    private static final int AGED_RECORDS = 1_000;

    private final Vertx vertx;
    private final EventQueue queue;
    private final DeliveryPump pump;
    private final RecordRetention retention;
    /** Every webhook known ({@code projectId:webhookId}), for the migration at start. */
    private final Supplier<List<String>> webhooks;
    private final long reclaimIdleMs;
    private final long reclaimEveryMs;
    private final List<Long> timers = new ArrayList<>();
    /** The last stats read per partition, for the gauges (read on scrape from another thread). */
    private final AtomicReferenceArray<EventQueue.Stats> stats;
    private final boolean[] draining;
    private boolean stopped;

    QueueMaintenance(Vertx vertx, EventQueue queue, RecordRetention retention, Supplier<List<String>> webhooks,
                     DeliveryPump pump, long reclaimIdleMs, GatewayMetrics metrics) {
        this.vertx = vertx;
        this.stats = new AtomicReferenceArray<>(queue.partitions());
        for (int p = 0; p < queue.partitions(); p++) {
            int partition = p;
            String part = Integer.toString(p);
            stats.set(p, new EventQueue.Stats(0, 0, 0, 0, 0));
            metrics.gauge("hookgate.queue.depth", "Unfinished entries", () -> stats.get(partition).events(),
                "stream", "events", "partition", part);
            metrics.gauge("hookgate.queue.depth", "Unfinished entries", () -> stats.get(partition).deliveries(),
                "stream", "deliveries", "partition", part);
            metrics.gauge("hookgate.queue.depth", "Unfinished entries", () -> stats.get(partition).retries(),
                "stream", "retries", "partition", part);
            metrics.gauge("hookgate.queue.oldest.seconds", "Age of the oldest unfinished entry",
                () -> stats.get(partition).oldestEventMs() / 1000.0, "stream", "events", "partition", part);
            metrics.gauge("hookgate.queue.oldest.seconds", "Age of the oldest unfinished entry",
                () -> stats.get(partition).oldestDeliveryMs() / 1000.0, "stream", "deliveries", "partition", part);
        }
        metrics.gauge("hookgate.inflight", "Deliveries held by this replica (under way or queued behind a webhook's cap)",
            pump::inFlight);
        this.queue = queue;
        this.pump = pump;
        this.retention = retention;
        this.webhooks = webhooks;
        this.reclaimIdleMs = reclaimIdleMs;
        this.reclaimEveryMs = Math.max(1_000, Math.min(15_000, reclaimIdleMs / 4));
        this.draining = new boolean[queue.partitions()];
    }

    void start() {
        List<String> known = webhooks.get();
        for (int p = 0; p < queue.partitions(); p++) {
            int partition = p;
            retention.migrate(partition, known).onComplete(ar -> {
                if (ar.failed()) {
                    LOG.warn("migrating partition {} failed (the next start tries again): {}", partition,
                        ar.cause().getMessage());
                } else if (ar.result() > 0) {
                    LOG.info("partition {} migrated: {} webhooks' records now retained by age from the aged set",
                        partition, ar.result());
                }
            });
            timers.add(vertx.setPeriodic(AGED_EVERY_MS, t -> trimAged(partition)));
            timers.add(vertx.setPeriodic(RETRY_TICK_MS, t -> drain(partition)));
            timers.add(vertx.setPeriodic(reclaimEveryMs, t -> reclaim(partition)));
            timers.add(vertx.setPeriodic(STATS_EVERY_MS, t -> queue.stats(partition)
                .onSuccess(s -> stats.set(partition, s))));
        }
    }

    void stop() {
        stopped = true;
        timers.forEach(vertx::cancelTimer);
        timers.clear();
    }

    private void drain(int partition) {
        if (stopped || draining[partition]) {
            return;
        }
        draining[partition] = true;
        queue.drainRetries(partition, RETRY_BATCH).onComplete(ar -> {
            draining[partition] = false;
            if (ar.succeeded() && ar.result() == RETRY_BATCH) {
                drain(partition);
            } else if (ar.failed()) {
                LOG.debug("draining retries of partition {} failed: {}", partition, ar.cause().getMessage());
            }
        });
    }

    private void trimAged(int partition) {
        if (stopped) {
            return;
        }
        retention.trimAged(partition, AGED_WEBHOOKS, AGED_RECORDS).onComplete(ar -> {
            if (ar.succeeded() && ar.result() == AGED_WEBHOOKS) {
                trimAged(partition);
            } else if (ar.failed()) {
                LOG.debug("retention by age in partition {} failed: {}", partition, ar.cause().getMessage());
            }
        });
    }

    private void reclaim(int partition) {
        if (stopped) {
            return;
        }
        Future<Void> events = sweep(partition);
        Future<List<StreamEntry>> deliveries = queue.reclaimDeliveries(partition, reclaimIdleMs, RECLAIM_BATCH)
            .map(entries -> {
                if (!entries.isEmpty()) {
                    LOG.info("took over {} deliveries of partition {} idle for {} ms", entries.size(), partition,
                        reclaimIdleMs);
                    pump.accept(partition, entries);
                }
                return entries;
            });
        Future.join(events, deliveries).onFailure(err ->
            LOG.debug("reclaiming in partition {} failed: {}", partition, err.getMessage()));
    }

    /** Puts left-over events back into the stream, a batch at a time for as long as batches come full. */
    private Future<Void> sweep(int partition) {
        if (stopped) {
            return Future.succeededFuture();
        }
        return queue.sweepEvents(partition, reclaimIdleMs, reclaimEveryMs, RECLAIM_BATCH).compose(moved -> {
            if (moved == 0) {
                return Future.succeededFuture();
            }
            LOG.info("took over {} events of partition {} read at least {} ms ago and not fanned out: put back in"
                + " the stream", moved, partition, reclaimIdleMs);
            return moved < RECLAIM_BATCH ? Future.succeededFuture() : sweep(partition);
        });
    }
}
