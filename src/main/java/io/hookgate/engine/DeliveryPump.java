package io.hookgate.engine;

import io.hookgate.bus.Addresses;
import io.hookgate.bus.DeliveryJob;
import io.hookgate.bus.DeliveryOutcome;
import io.hookgate.health.GatewayMetrics;
import io.hookgate.model.Webhook;
import io.hookgate.policy.RetrySchedule;
import io.hookgate.redis.EventQueue;
import io.hookgate.redis.TryRecord;
import io.hookgate.redis.StreamEntry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the dispatcher pool. Reads the deliveries streams through the shared consumer group (and
 * takes what {@link QueueMaintenance} reclaims), gives each webhook a {@link Lane} so that at most
 * {@code maxInFlightPerWebhook} tries of one webhook are under way, sends each try over the event bus
 * (which spreads them over the dispatcher verticles), has the store do the webhook's bookkeeping,
 * decides what comes next (delivered, retry, park, fail) and records that in Redis in batches. At
 * most {@code maxInFlight} entries are held per replica; reading pauses at the cap.
 */
public final class DeliveryPump {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryPump.class);
    private static final int BATCH = 256;
    private static final long BLOCK_MS = 1_000;
    private static final int FLUSH_AT = 128;
    private static final long FLUSH_DELAY_MS = 2;
    private static final long SWEEP_MS = 250;
    /** A lane slower than this gets no first tries from the fan-out: its deliveries wait visibly, as pending. */
    private static final long FIRST_TRY_MAX_LATENCY_MS = 1_000;
    private long sweeper = -1;

    /** The store side: webhooks by ID, events, and the bookkeeping of outcomes. */
    public interface Deliveries {
        /** The webhook (from the index, else Redis); null when it no longer exists. */
        Future<Webhook> webhook(String projectId, String webhookId);

        /** The event of a delivery with its expansion (cache, else Redis); null when it is gone. */
        Future<EventCache.Entry> event(int partition, String projectId, String eventId, String deliveryId);

        /**
         * Records a try's outcome on the webhook (attempts, logs, auto-disable; 410 disables at once)
         * and answers whether the webhook is still enabled afterwards.
         */
        Future<Boolean> outcome(Webhook webhook, DeliveryOutcome outcome);
    }

    private final Vertx vertx;
    private final EventQueue queue;
    private final Deliveries deliveries;
    private final RetrySchedule retries;
    private final GatewayMetrics metrics;
    private final int maxInFlight;
    private final int perWebhook;
    private final DeliveryOptions sendOptions;
    private final List<Partition> partitions = new ArrayList<>();
    private final Map<String, Lane<Work>> lanes = new HashMap<>();
    /** Written on the store's event loop only; read by the metrics scrape. */
    private volatile int inFlight;
    private boolean stopped;
    private Promise<Void> drained;

    /** One stream entry on its way, with what it resolved to. */
    private record Work(Partition part, StreamEntry entry, Webhook webhook, EventCache.Entry event) {
    }

    private final class Partition {
        final int index;
        final Backoff backoff = new Backoff();
        boolean ownPending = true;
        boolean reading;
        List<EventQueue.Completion> done = new ArrayList<>();
        boolean flushScheduled;
        boolean flushing;
        /** Entry IDs this replica holds (read or taken over, outcome not recorded yet): never taken twice. */
        final java.util.Set<String> held = new java.util.HashSet<>();
        /** Events-stream entry IDs whose first try this replica started from the fan-out (see startFirstTry). */
        final java.util.Set<String> heldEvents = new java.util.HashSet<>();
        /** Where the next read of this consumer's own pending entries starts. */
        String pendingFrom = "0";

        Partition(int index) {
            this.index = index;
        }
    }

    public DeliveryPump(Vertx vertx, EventQueue queue, Deliveries deliveries, RetrySchedule retries,
                        GatewayMetrics metrics, int maxInFlight, int perWebhook, long deliveryTimeoutMs) {
        this.metrics = metrics;
        this.vertx = vertx;
        this.queue = queue;
        this.deliveries = deliveries;
        this.retries = retries;
        this.maxInFlight = maxInFlight;
        this.perWebhook = perWebhook;
        // The dispatcher answers within the delivery timeout; the margin covers a busy event loop.
        this.sendOptions = new DeliveryOptions().setSendTimeout(deliveryTimeoutMs + 10_000).setLocalOnly(true);
    }

    public void start() {
        for (int p = 0; p < queue.partitions(); p++) {
            Partition part = new Partition(p);
            partitions.add(part);
            read(part);
        }
        sweeper = vertx.setPeriodic(SWEEP_MS, t -> sweep());
    }

    /** Hands back to Redis queued work whose lane now expects it to wait too long (a receiver slowed down). */
    private void sweep() {
        long now = System.currentTimeMillis();
        for (Lane<Work> lane : lanes.values()) {
            for (Work w : lane.overdue(now)) {
                long back = now + jitter(lane.deferDelayMs(now));
                finish(w.part(), new EventQueue.Completion(w.entry(), EventQueue.Outcome.WAIT, back, ""));
            }
        }
    }

    public int inFlight() {
        return inFlight;
    }

    /**
     * Stops reading and hands queued work back to Redis at once, for any replica to take; completes
     * when the tries under way have finished and every outcome is recorded.
     */
    public Future<Void> stop() {
        if (drained != null) {
            return drained.future();
        }
        stopped = true;
        vertx.cancelTimer(sweeper);
        drained = Promise.promise();
        for (Lane<Work> lane : lanes.values()) {
            for (Work w : lane.drainQueue()) {
                finish(w.part(), new EventQueue.Completion(w.entry(), EventQueue.Outcome.REQUEUE, 0, ""));
            }
        }
        partitions.forEach(this::flush);
        checkDrained();
        return drained.future();
    }

    /**
     * Starts the first try of an event's only delivery, handed over by the fan-out before anything of
     * the delivery is written (see {@link FanoutPump.FirstTries}); answers false, doing nothing, when
     * the pump is stopping or full, or the webhook's lane has no free slot or is slow (then the
     * delivery goes through the deliveries stream, where it is visible as pending while it waits).
     */
    public boolean startFirstTry(StreamEntry event, String deliveryId, Webhook webhook, EventCache.Entry ev,
                                 long createdAt) {
        if (stopped || inFlight >= maxInFlight || !webhook.enabled()) {
            return false;
        }
        Partition part = partitions.get(event.partition());
        if (part.heldEvents.contains(event.id())) {
            return false;
        }
        long now = System.currentTimeMillis();
        Lane<Work> busy = lanes.get(laneKey(webhook));
        if (busy != null && (busy.offer(now) != Lane.Decision.START || busy.latencyMs(now) > FIRST_TRY_MAX_LATENCY_MS)) {
            return false;
        }
        Lane<Work> lane = lanes.computeIfAbsent(laneKey(webhook), id -> new Lane<>(perWebhook));
        part.heldEvents.add(event.id());
        Map<String, String> fields = new HashMap<>(10);
        fields.put("dl", deliveryId);
        fields.put("wh", webhook.id());
        fields.put("ev", event.field("id"));
        fields.put("pr", webhook.projectId());
        fields.put("nm", event.field("nm"));
        fields.put("s", "0");
        fields.put("at", Long.toString(createdAt));
        inFlight++;
        send(lane, new Work(part, new StreamEntry(event.partition(), event.id(), fields, ev.event(), true), webhook, ev));
        return true;
    }

    /** Whether this replica is running the first try of this event's delivery (see {@link #startFirstTry}). */
    public boolean holdsEvent(StreamEntry event) {
        return event.partition() < partitions.size() && partitions.get(event.partition()).heldEvents.contains(event.id());
    }

    /** Entries taken over from a replica that stopped answering (see {@link QueueMaintenance}). */
    void accept(int partition, List<StreamEntry> entries) {
        if (stopped) {
            // Taken over while stopping: left pending under this replica's name, for the next reclaim.
            return;
        }
        Partition part = partitions.get(partition);
        for (StreamEntry e : entries) {
            if (part.held.add(e.id())) {
                inFlight++;
                resolve(part, e);
            }
        }
    }

    private void read(Partition part) {
        if (stopped || part.reading || inFlight >= maxInFlight) {
            return;
        }
        part.reading = true;
        int count = Math.min(BATCH, maxInFlight - inFlight);
        boolean pending = part.ownPending;
        // Our own pending entries (after a failure or a restart under the same name) are read from a
        // moving cursor, without blocking; entries we already hold are skipped, never tried twice.
        Future<List<StreamEntry>> reading = pending ? queue.readOwnDeliveries(part.index, count, part.pendingFrom)
            : queue.readDeliveries(part.index, count, BLOCK_MS);
        reading.onComplete(ar -> {
            part.reading = false;
            if (ar.failed()) {
                if (stopped) {
                    checkDrained();
                    return;
                }
                part.ownPending = true;
                part.pendingFrom = "0";
                long delay = part.backoff.nextDelay();
                LOG.warn("reading deliveries of partition {} failed ({}), retrying in {} ms", part.index,
                    ar.cause().getMessage(), delay);
                vertx.setTimer(delay, t -> queue.ensureGroups().onComplete(x -> read(part)));
                return;
            }
            part.backoff.reset();
            List<StreamEntry> entries = ar.result();
            if (pending) {
                if (entries.isEmpty()) {
                    part.ownPending = false;
                    part.pendingFrom = "0";
                } else {
                    part.pendingFrom = entries.get(entries.size() - 1).id();
                }
            }
            for (StreamEntry e : entries) {
                if (!part.held.add(e.id())) {
                    continue;
                }
                inFlight++;
                if (stopped) {
                    // Read while stopping: hand it straight back for another replica.
                    finish(part, new EventQueue.Completion(e, EventQueue.Outcome.REQUEUE, 0, ""));
                } else {
                    resolve(part, e);
                }
            }
            if (stopped) {
                checkDrained();
            } else {
                read(part);
            }
        });
    }

    /** Finds the webhook and the event of an entry, then decides: drop, park, start, queue or defer. */
    private void resolve(Partition part, StreamEntry entry) {
        if (entry.fields().isEmpty()) {
            finish(part, new EventQueue.Completion(entry, EventQueue.Outcome.DROP, 0, ""));
            return;
        }
        Future<Webhook> webhook = deliveries.webhook(entry.field("pr"), entry.field("wh"));
        Future<EventCache.Entry> event = deliveries.event(part.index, entry.field("pr"), entry.field("ev"),
            entry.field("dl"));
        Future.all(webhook, event).onComplete(ar -> {
            if (ar.failed()) {
                // Redis unreachable: leave the entry pending; it is reclaimed once Redis is back.
                LOG.warn("cannot resolve delivery {}: {}", entry.field("dl"), ar.cause().getMessage());
                part.held.remove(entry.id());
                release();
                return;
            }
            Webhook w = webhook.result();
            EventCache.Entry ev = event.result();
            long now = System.currentTimeMillis();
            if (w == null) {
                finish(part, new EventQueue.Completion(entry, EventQueue.Outcome.DROP, 0, ""));
            } else if (ev == null) {
                finish(part, new EventQueue.Completion(entry, EventQueue.Outcome.FAILED, 0,
                    TryRecord.notMade("the event's payload is no longer stored", now)));
            } else if (!w.enabled()) {
                finish(part, new EventQueue.Completion(entry, EventQueue.Outcome.PARKED, 0, ""));
            } else {
                offer(new Work(part, entry, w, ev), now);
            }
        });
    }

    private void offer(Work work, long now) {
        Lane<Work> lane = lanes.computeIfAbsent(laneKey(work.webhook()), id -> new Lane<>(perWebhook));
        switch (lane.offer(now)) {
            case START -> send(lane, work);
            case QUEUE -> lane.queue(work);
            case DEFER -> {
                long back = now + jitter(lane.deferDelayMs(now));
                finish(work.part(), new EventQueue.Completion(work.entry(), EventQueue.Outcome.WAIT, back, ""));
            }
        }
    }

    private void send(Lane<Work> lane, Work work) {
        long startedAt = System.currentTimeMillis();
        lane.started(startedAt);
        DeliveryJob job = new DeliveryJob(work.entry().field("dl"), work.webhook(), work.event().event(),
            work.event().eventsHeader());
        vertx.eventBus().<DeliveryOutcome>request(Addresses.DISPATCH, job, sendOptions).onComplete(ar -> {
            Work next = lane.finished(startedAt, System.currentTimeMillis());
            if (next != null) {
                restart(lane, next);
            } else if (lane.idle()) {
                lanes.remove(laneKey(work.webhook()), lane);
            }
            if (ar.failed()) {
                if (ar.cause() instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
                    // No dispatcher (shutting down): hand the entry back for this or another replica.
                    finish(work.part(), new EventQueue.Completion(work.entry(), EventQueue.Outcome.REQUEUE, 0, ""));
                    return;
                }
                LOG.warn("delivery {} got no answer from a dispatcher: {}", job.deliveryId(), ar.cause().toString());
                outcome(work, new DeliveryOutcome.Failed(0, "no answer from the dispatcher", "", 0, Map.of(), "", -1),
                    startedAt);
                return;
            }
            outcome(work, ar.result().body(), startedAt);
        });
    }

    /**
     * Starts queued work, unless its webhook was disabled or deleted in the meantime; then the next
     * queued item gets its turn, so a lane never keeps work without a try under way.
     */
    private void restart(Lane<Work> lane, Work next) {
        deliveries.webhook(next.entry().field("pr"), next.entry().field("wh")).onComplete(ar -> {
            Webhook w = ar.succeeded() ? ar.result() : next.webhook();
            if (w != null && w.enabled()) {
                send(lane, new Work(next.part(), next.entry(), w, next.event()));
                return;
            }
            EventQueue.Outcome outcome = w == null ? EventQueue.Outcome.DROP : EventQueue.Outcome.PARKED;
            finish(next.part(), new EventQueue.Completion(next.entry(), outcome, 0, ""));
            Work after = lane.pollQueued();
            if (after != null) {
                restart(lane, after);
            } else if (lane.idle()) {
                lanes.remove(laneKey(next.webhook()), lane);
            }
        });
    }

    private void outcome(Work work, DeliveryOutcome outcome, long startedAt) {
        String tryJson = TryRecord.of(outcome, startedAt);
        metrics.tryDuration(outcome.durationMs());
        if (outcome instanceof DeliveryOutcome.Delivered) {
            metrics.eventToDelivery(System.currentTimeMillis() - work.event().event().acceptedAt());
        }
        deliveries.outcome(work.webhook(), outcome).onComplete(ar -> {
            boolean enabled = ar.failed() || ar.result();
            finish(work.part(), classify(work, outcome, enabled, tryJson));
        });
    }

    /** What comes after a try: delivered, parked (its webhook is now disabled), retried, or failed for good. */
    private EventQueue.Completion classify(Work work, DeliveryOutcome outcome, boolean enabled, String tryJson) {
        StreamEntry e = work.entry();
        if (outcome instanceof DeliveryOutcome.Delivered) {
            return new EventQueue.Completion(e, EventQueue.Outcome.DELIVERED, 0, tryJson);
        }
        if (!enabled) {
            return new EventQueue.Completion(e, EventQueue.Outcome.PARKED, 0, tryJson);
        }
        DeliveryOutcome.Failed f = (DeliveryOutcome.Failed) outcome;
        int failedTries = parseInt(e.field("s")) + 1;
        if (retries.hasNext(failedTries)) {
            long at = System.currentTimeMillis() + retries.delayMs(failedTries, f.retryAfterMs());
            return new EventQueue.Completion(e, EventQueue.Outcome.RETRY, at, tryJson);
        }
        return new EventQueue.Completion(e, EventQueue.Outcome.FAILED, 0, tryJson);
    }

    private void finish(Partition part, EventQueue.Completion completion) {
        metrics.outcome(switch (completion.outcome()) {
            case DELIVERED -> GatewayMetrics.Outcome.DELIVERED;
            case RETRY -> GatewayMetrics.Outcome.RETRY;
            case FAILED -> GatewayMetrics.Outcome.FAILED;
            case PARKED -> GatewayMetrics.Outcome.PARKED;
            case WAIT -> GatewayMetrics.Outcome.DEFERRED;
            case REQUEUE -> GatewayMetrics.Outcome.REQUEUED;
            case DROP -> GatewayMetrics.Outcome.DROPPED;
        });
        part.done.add(completion);
        if (part.done.size() >= FLUSH_AT || stopped) {
            flush(part);
        } else if (!part.flushScheduled) {
            part.flushScheduled = true;
            vertx.setTimer(FLUSH_DELAY_MS, t -> {
                part.flushScheduled = false;
                flush(part);
            });
        }
    }

    private void flush(Partition part) {
        if (part.flushing || part.done.isEmpty()) {
            return;
        }
        part.flushing = true;
        List<EventQueue.Completion> batch = part.done;
        part.done = new ArrayList<>();
        List<EventQueue.Completion> queued = new ArrayList<>(batch.size());
        List<EventQueue.Completion> first = new ArrayList<>();
        for (EventQueue.Completion c : batch) {
            (c.entry().firstTry() ? first : queued).add(c);
        }
        Future<Void> a = queued.isEmpty() ? Future.succeededFuture() : queue.complete(part.index, queued);
        Future<Void> b = first.isEmpty() ? Future.succeededFuture() : queue.completeFirstTries(part.index, first);
        Future.join(a, b).onComplete(x -> {
            part.flushing = false;
            List<EventQueue.Completion> again = new ArrayList<>();
            settle(part, a, queued, again);
            settle(part, b, first, again);
            if (!again.isEmpty()) {
                // Keep them: the outcome is known, only its record is missing. Redis may be restarting.
                LOG.warn("recording {} outcomes failed ({}), retrying", again.size(),
                    (a.failed() ? a : b).cause().getMessage());
                again.addAll(part.done);
                part.done = again;
                vertx.setTimer(part.backoff.nextDelay(), t -> flush(part));
                return;
            }
            if (!part.done.isEmpty()) {
                flush(part);
            }
            partitions.forEach(this::read);
        });
    }

    /**
     * After one script: its completions are released, or kept in {@code again} for another go when it
     * failed, unless Redis lost its data (NOGROUP: nothing left to acknowledge).
     */
    private void settle(Partition part, Future<Void> recorded, List<EventQueue.Completion> completions,
                        List<EventQueue.Completion> again) {
        String error = recorded.failed() ? String.valueOf(recorded.cause().getMessage()) : null;
        if (error != null && !error.startsWith("NOGROUP")) {
            again.addAll(completions);
            return;
        }
        for (EventQueue.Completion c : completions) {
            (c.entry().firstTry() ? part.heldEvents : part.held).remove(c.entry().id());
            release();
        }
    }

    private void release() {
        inFlight--;
        checkDrained();
    }

    private void checkDrained() {
        // A read still under way may bring entries that must be handed back before Redis closes.
        if (stopped && drained != null && inFlight == 0 && partitions.stream().noneMatch(p -> p.reading)) {
            drained.tryComplete();
        }
    }

    /** Webhook IDs are unique within a project only: a lane belongs to one project's webhook. */
    private static String laneKey(Webhook w) {
        return w.projectId() + "/" + w.id();
    }

    private static long jitter(long ms) {
        return ms + ThreadLocalRandom.current().nextLong(Math.max(1, ms / 5));
    }

    private static int parseInt(String s) {
        try {
            return s.isEmpty() ? 0 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
