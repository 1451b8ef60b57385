package io.hookgate.queue;

import io.hookgate.bus.Addresses;
import io.hookgate.bus.DeliveryJob;
import io.hookgate.bus.DeliveryOutcome;
import io.hookgate.model.Webhook;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the dispatcher pool: reads the deliveries streams through the shared consumer group, sends
 * each delivery over the event bus (which spreads them over the dispatcher verticles), hands the
 * outcome to the store's bookkeeping and then finishes the entry in Redis, in batches. At most
 * {@code maxInFlight} deliveries are under way per replica; reading pauses at the cap.
 */
public final class DeliveryPump {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryPump.class);
    private static final int BATCH = 256;
    private static final long BLOCK_MS = 1_000;
    private static final int FLUSH_AT = 128;
    private static final long FLUSH_DELAY_MS = 2;

    /** The store side: webhooks by ID and the bookkeeping of outcomes. */
    public interface Deliveries {
        /** The webhook (from the index, else Redis); null when it no longer exists. */
        Future<Webhook> webhook(String projectId, String webhookId);

        /** The event with its expansion (cache, else Redis); null when it expired. */
        Future<EventCache.Entry> event(int partition, String eventId);

        /** Records a try's outcome on the webhook (attempts, logs, auto-disable). */
        Future<Void> outcome(Webhook webhook, DeliveryOutcome outcome);
    }

    private final Vertx vertx;
    private final EventQueue queue;
    private final Deliveries deliveries;
    private final int maxInFlight;
    private final DeliveryOptions sendOptions;
    private final List<Partition> partitions = new ArrayList<>();
    private int inFlight;
    private boolean stopped;
    private Promise<Void> drained;

    private final class Partition {
        final int index;
        final Backoff backoff = new Backoff();
        boolean ownPending = true;
        boolean reading;
        List<StreamEntry> done = new ArrayList<>();
        boolean flushScheduled;
        boolean flushing;

        Partition(int index) {
            this.index = index;
        }
    }

    public DeliveryPump(Vertx vertx, EventQueue queue, Deliveries deliveries, int maxInFlight, long deliveryTimeoutMs) {
        this.vertx = vertx;
        this.queue = queue;
        this.deliveries = deliveries;
        this.maxInFlight = maxInFlight;
        // The dispatcher answers within the delivery timeout; the margin covers a busy event loop.
        this.sendOptions = new DeliveryOptions().setSendTimeout(deliveryTimeoutMs + 10_000).setLocalOnly(true);
    }

    public void start() {
        for (int p = 0; p < queue.partitions(); p++) {
            Partition part = new Partition(p);
            partitions.add(part);
            read(part);
        }
    }

    public int inFlight() {
        return inFlight;
    }

    /** Stops reading; completes when the deliveries under way have finished and been recorded. */
    public Future<Void> stop() {
        stopped = true;
        drained = Promise.promise();
        checkDrained();
        return drained.future();
    }

    private void read(Partition part) {
        if (stopped || part.reading || inFlight >= maxInFlight) {
            return;
        }
        part.reading = true;
        int count = Math.min(BATCH, maxInFlight - inFlight);
        boolean pending = part.ownPending;
        queue.readDeliveries(part.index, count, BLOCK_MS, pending).onComplete(ar -> {
            part.reading = false;
            if (ar.failed() && stopped) {
                return;
            }
            if (ar.failed()) {
                part.ownPending = true;
                long delay = part.backoff.nextDelay();
                LOG.warn("reading deliveries of partition {} failed ({}), retrying in {} ms", part.index,
                    ar.cause().getMessage(), delay);
                vertx.setTimer(delay, t -> queue.ensureGroups().onComplete(x -> read(part)));
                return;
            }
            part.backoff.reset();
            List<StreamEntry> entries = ar.result();
            if (pending && entries.isEmpty()) {
                part.ownPending = false;
            }
            for (StreamEntry e : entries) {
                inFlight++;
                deliver(part, e);
            }
            read(part);
        });
    }

    private void deliver(Partition part, StreamEntry entry) {
        if (entry.fields().isEmpty()) {
            finish(part, entry);
            return;
        }
        Future<Webhook> webhook = deliveries.webhook(entry.field("pr"), entry.field("wh"));
        Future<EventCache.Entry> event = deliveries.event(part.index, entry.field("ev"));
        Future.all(webhook, event).compose(x -> {
            Webhook w = webhook.result();
            EventCache.Entry ev = event.result();
            if (w == null || ev == null || !w.enabled()) {
                // Deleted or disabled webhook (Appwrite skips disabled ones), or an event past retention.
                return Future.succeededFuture();
            }
            DeliveryJob job = new DeliveryJob(entry.field("dl"), w, ev.event(), ev.eventsHeader());
            return vertx.eventBus().<DeliveryOutcome>request(Addresses.DISPATCH, job, sendOptions)
                .compose(reply -> deliveries.outcome(w, reply.body()));
        }).onComplete(ar -> {
            if (ar.failed() && ar.cause() instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
                // No dispatcher (shutting down): leave the entry pending for this or another replica.
                release();
                return;
            }
            if (ar.failed()) {
                LOG.warn("delivery {} of event {} to webhook {} ended with an error: {}", entry.field("dl"),
                    entry.field("ev"), entry.field("wh"), ar.cause().toString());
            }
            finish(part, entry);
        });
    }

    private void finish(Partition part, StreamEntry entry) {
        part.done.add(entry);
        if (part.done.size() >= FLUSH_AT) {
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
        List<StreamEntry> batch = part.done;
        part.done = new ArrayList<>();
        queue.complete(part.index, batch).onComplete(ar -> {
            part.flushing = false;
            if (ar.failed()) {
                // Keep them: the outcome is recorded, only the acknowledgement is missing.
                LOG.warn("finishing {} deliveries failed ({}), retrying", batch.size(), ar.cause().getMessage());
                batch.addAll(part.done);
                part.done = batch;
                vertx.setTimer(part.backoff.nextDelay(), t -> flush(part));
                return;
            }
            for (int i = 0; i < batch.size(); i++) {
                release();
            }
            if (!part.done.isEmpty()) {
                flush(part);
            }
            partitions.forEach(this::read);
        });
    }

    private void release() {
        inFlight--;
        checkDrained();
    }

    private void checkDrained() {
        if (stopped && drained != null && inFlight == 0) {
            drained.tryComplete();
        }
    }
}
