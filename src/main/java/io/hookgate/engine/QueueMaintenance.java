package io.hookgate.engine;

import io.hookgate.health.GatewayMetrics;
import io.hookgate.redis.EventQueue;
import io.hookgate.redis.RecordRetention;
import io.hookgate.redis.StreamEntry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Arrays;
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
 * past their retention ({@link RecordRetention#trimAged}), registers the next batch of the webhooks it
 * knows for that ({@link RecordRetention#register}: the walk is how indexes the aged set does not know
 * join it), and reads each partition's depth for the metrics.
 */
final class QueueMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(QueueMaintenance.class);
    private static final long RETRY_TICK_MS = 200;
    private static final int RETRY_BATCH = 500;
    private static final int RECLAIM_BATCH = 100;
    private static final long STATS_EVERY_MS = 5_000;
    /**
     * How often records past their retention are looked for; records per call (over all webhooks) and calls
     * per partition and tick at most; webhooks registered per partition and tick (a walk over 100 000
     * webhooks takes about 17 minutes).
     */
    private static final long AGED_EVERY_MS = 5_000;
    private static final int AGED_RECORDS = 1_000;
    private static final int AGED_CALLS = 20;
    private static final int REGISTER_BATCH = 500;

    private final Vertx vertx;
    private final EventQueue queue;
    private final DeliveryPump pump;
    private final RecordRetention retention;
    /** Every webhook known ({@code projectId:webhookId}), walked through {@link RecordRetention#register}. */
    private final Supplier<List<String>> webhooks;
    /** The webhooks of the walk under way, and where each partition is in it. */
    private List<String> known = List.of();
    private final int[] walked;
    /** Where each partition's walk over the webhooks with archives is ({@link RecordRetention#registerArchives}). */
    private final String[] archivesWalked;
    private final boolean[] aging;
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
        this.walked = new int[queue.partitions()];
        this.archivesWalked = new String[queue.partitions()];
        Arrays.fill(archivesWalked, "0");
        this.aging = new boolean[queue.partitions()];
    }

    void start() {
        for (int p = 0; p < queue.partitions(); p++) {
            int partition = p;
            timers.add(vertx.setPeriodic(AGED_EVERY_MS, t -> age(partition)));
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

    /** One tick of retention by age: the next batch of the walk, then the records past the retention. */
    private void age(int partition) {
        if (stopped || aging[partition]) {
            return;
        }
        aging[partition] = true;
        register(partition)
            .compose(x -> retention.registerArchives(partition, archivesWalked[partition], REGISTER_BATCH))
            .map(step -> {
                archivesWalked[partition] = step.cursor();
                if (step.added() > 0) {
                    LOG.info("{} archives in partition {} registered for retention by age (their place in the aged set"
                        + " was lost, by a replica of a version before archives)", step.added(), partition);
                }
                return null;
            })
            .recover(err -> {
                LOG.debug("registering webhooks of partition {} failed: {}", partition, err.getMessage());
                return Future.succeededFuture();
            })
            .compose(x -> trimAged(partition, AGED_CALLS))
            .onComplete(ar -> {
                aging[partition] = false;
                if (ar.failed()) {
                    LOG.debug("retention by age in partition {} failed: {}", partition, ar.cause().getMessage());
                }
            });
    }

    /**
     * Registers this partition's next batch of the walk. One list of every webhook serves all partitions;
     * it is read again once every partition has walked it (a partition that is through waits).
     */
    private Future<Void> register(int partition) {
        if (walked[partition] >= known.size()) {
            for (int w : walked) {
                if (w < known.size()) {
                    return Future.succeededFuture();
                }
            }
            known = webhooks.get();
            Arrays.fill(walked, 0);
        }
        int from = walked[partition];
        int to = Math.min(known.size(), from + REGISTER_BATCH);
        walked[partition] = to;
        return retention.register(partition, known.subList(from, to)).map(n -> {
            if (n > 0) {
                LOG.info("{} webhooks with records in partition {} registered for retention by age (their index"
                    + " started before the aged set, or on a replica of the version before)", n, partition);
            }
            return null;
        });
    }

    private Future<Void> trimAged(int partition, int calls) {
        if (stopped || calls == 0) {
            return Future.succeededFuture();
        }
        return retention.trimAged(partition, AGED_RECORDS)
            .compose(more -> more ? trimAged(partition, calls - 1) : Future.succeededFuture());
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
