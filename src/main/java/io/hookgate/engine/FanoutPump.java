package io.hookgate.engine;

import io.hookgate.index.Subscriptions;
import io.hookgate.model.Ids;
import io.hookgate.model.Webhook;
import io.hookgate.redis.EventQueue;
import io.hookgate.redis.StreamEntry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns accepted events into deliveries: reads the events streams through the shared consumer
 * group, matches each event against this replica's index, and records the deliveries together with
 * the event's acknowledgement ({@link EventQueue#recordFanout}).
 *
 * <p>Per partition, one loop reads with a blocking read; while it keeps getting full batches it
 * starts up to {@value #HELPERS} helper loops that read without blocking, so that the next batches
 * are read and matched while a script runs (one loop alone spent most of its time waiting on Redis,
 * with the events stream backing up in front of it), and a partition never holds more than one pooled
 * connection in a blocking read. After a failure or at start, the main loop first reads this
 * consumer's own pending entries, from a moving cursor; entries whose first try is under way here are
 * skipped. Only new entries (from {@code >} reads) get first tries ({@link #firstTry}): an entry read
 * again may be in a fan-out script under way, and that script's {@code XACK == 1} guard settles who
 * records it.
 */
final class FanoutPump {
    private static final Logger LOG = LoggerFactory.getLogger(FanoutPump.class);
    private static final int BATCH = 128;
    private static final long BLOCK_MS = 1_000;
    private static final int HELPERS = 2;

    private final Vertx vertx;
    private final EventQueue queue;
    private final Subscriptions subscriptions;
    private final Events events;
    private final DeliveryPump pump;
    private final List<Partition> partitions = new ArrayList<>();
    private boolean stopped;
    /** Loops with a read or a fan-out under way. */
    private int busy;
    private io.vertx.core.Promise<Void> idle;

    private static final class Partition {
        final int index;
        final Backoff backoff = new Backoff();
        /** Read this consumer's own unfinished entries before new ones (at start, after a failure). */
        boolean ownPending = true;
        /** Where the next read of own pending entries starts. */
        String pendingFrom = "0";
        int helpers;
        /** Entry IDs some loop is fanning out now: a read that brings one again skips it. */
        final Set<String> active = new HashSet<>();

        Partition(int index) {
            this.index = index;
        }
    }

    FanoutPump(Vertx vertx, EventQueue queue, Subscriptions subscriptions, Events events, DeliveryPump pump) {
        this.vertx = vertx;
        this.queue = queue;
        this.subscriptions = subscriptions;
        this.events = events;
        this.pump = pump;
    }

    void start() {
        for (int p = 0; p < queue.partitions(); p++) {
            Partition part = new Partition(p);
            partitions.add(part);
            loop(part);
        }
    }

    /** Stops; completes when the fan-out under way (a read, then its script) has ended. */
    Future<Void> stop() {
        stopped = true;
        if (idle == null) {
            idle = io.vertx.core.Promise.promise();
        }
        if (busy == 0) {
            idle.tryComplete();
        }
        return idle.future();
    }

    /** The main loop of a partition: own pending entries first when needed, else a blocking read of new ones. */
    private void loop(Partition part) {
        if (stopped) {
            return;
        }
        busy++;
        Future<Void> step;
        if (part.ownPending) {
            step = queue.readOwnEvents(part.index, BATCH, part.pendingFrom).compose(entries -> {
                if (entries.isEmpty()) {
                    part.ownPending = false;
                    part.pendingFrom = "0";
                    return Future.succeededFuture();
                }
                part.pendingFrom = entries.get(entries.size() - 1).id();
                return fanout(part.index, entries, false);
            });
        } else {
            step = queue.readEvents(part.index, BATCH, BLOCK_MS).compose(entries -> {
                if (entries.size() == BATCH && part.helpers < HELPERS) {
                    part.helpers++;
                    help(part);
                }
                return entries.isEmpty() ? Future.succeededFuture() : fanout(part.index, entries, true);
            });
        }
        step.onComplete(ar -> {
            if (ended()) {
                return;
            }
            if (ar.succeeded()) {
                part.backoff.reset();
                loop(part);
            } else {
                failed(part, ar.cause());
                long delay = part.backoff.nextDelay();
                vertx.setTimer(delay, t -> queue.ensureGroups().onComplete(x -> loop(part)));
            }
        });
    }

    /** A helper loop: non-blocking reads of new entries for as long as they come in full batches. */
    private void help(Partition part) {
        if (stopped) {
            part.helpers--;
            return;
        }
        busy++;
        queue.readEvents(part.index, BATCH, -1)
            .compose(entries -> entries.isEmpty() ? Future.succeededFuture(0)
                : fanout(part.index, entries, true).map(entries.size()))
            .onComplete(ar -> {
                if (ended()) {
                    part.helpers--;
                    return;
                }
                if (ar.succeeded() && ar.result() == BATCH) {
                    help(part);
                    return;
                }
                part.helpers--;
                if (ar.failed()) {
                    failed(part, ar.cause());
                }
            });
    }

    private void failed(Partition part, Throwable cause) {
        part.ownPending = true;
        part.pendingFrom = "0";
        LOG.warn("fan-out of partition {} failed ({}), retrying", part.index, cause.getMessage());
    }

    /** Counts a loop step out; true when stopping (and completes the stop when it was the last). */
    private boolean ended() {
        busy--;
        if (stopped) {
            if (busy == 0 && idle != null) {
                idle.tryComplete();
            }
            return true;
        }
        return false;
    }

    /** Events taken over from a replica that stopped answering (see {@link QueueMaintenance}). */
    Future<Void> accept(int partition, List<StreamEntry> entries) {
        return entries.isEmpty() || stopped ? Future.succeededFuture() : fanout(partition, entries, false);
    }

    /** @param fresh the entries come from a read of new entries: only those may get first tries */
    private Future<Void> fanout(int partition, List<StreamEntry> entries, boolean fresh) {
        Set<String> active = partitions.get(partition).active;
        List<StreamEntry> mine = new ArrayList<>(entries.size());
        for (StreamEntry e : entries) {
            if (active.add(e.id())) {
                mine.add(e);
            }
        }
        if (mine.isEmpty()) {
            return Future.succeededFuture();
        }
        Set<String> projects = new HashSet<>();
        mine.forEach(e -> projects.add(e.field("pr")));
        return subscriptions.freshen(projects).compose(x -> record(partition, mine, fresh))
            .eventually(() -> {
                mine.forEach(e -> active.remove(e.id()));
                return Future.succeededFuture();
            });
    }

    private Future<Void> record(int partition, List<StreamEntry> entries, boolean fresh) {
        long now = System.currentTimeMillis();
        List<StreamEntry> kept = new ArrayList<>(entries.size());
        List<List<EventQueue.NewDelivery>> matched = new ArrayList<>(entries.size());
        for (StreamEntry e : entries) {
            if (pump.holdsEvent(e)) {
                // Read again (own pending entries, a reclaim) while its first try is under way here.
                continue;
            }
            String projectId = e.field("pr");
            String eventId = e.field("id");
            long acceptedAt = parseLong(e.field("at"));
            List<Webhook> webhooks = subscriptions.match(projectId, events.expansion(eventId, e.field("nm")));
            List<EventQueue.NewDelivery> deliveries = new ArrayList<>(webhooks.size());
            for (Webhook w : webhooks) {
                // A disabled webhook's delivery is recorded as skipped: recover can replay it once enabled.
                deliveries.add(new EventQueue.NewDelivery(Ids.forDelivery(projectId, eventId, w.id(), acceptedAt), w.id(),
                    !w.enabled()));
            }
            kept.add(e);
            matched.add(deliveries);
        }
        List<EventQueue.Fanout> fanouts = new ArrayList<>(kept.size());
        for (int i = 0; i < kept.size(); i++) {
            StreamEntry e = kept.get(i);
            List<EventQueue.NewDelivery> deliveries = matched.get(i);
            if (fresh && deliveries.size() == 1 && !deliveries.get(0).skipped() && firstTry(e, deliveries.get(0), now)) {
                continue;
            }
            if (e.event() != null && deliveries.stream().anyMatch(d -> !d.skipped())) {
                // Its deliveries go through the deliveries stream: their tries find the payload at hand.
                events.keep(e.event());
            }
            fanouts.add(new EventQueue.Fanout(e, deliveries));
        }
        return fanouts.isEmpty() ? Future.succeededFuture() : queue.recordFanout(partition, fanouts);
    }

    /**
     * The first try of an event's only delivery, straight from the fan-out: nothing of the delivery is
     * written until the try has ended ({@link EventQueue#completeFirstTries}, with the event's
     * acknowledgement), so a replica that dies mid-try leaves the event to be reclaimed and fanned out
     * again, under the same delivery ID. Saves the deliveries stream's round trip and half of the
     * record's writes. False when the pump cannot take it now: the delivery goes through the queue.
     */
    private boolean firstTry(StreamEntry e, EventQueue.NewDelivery d, long now) {
        Webhook w = subscriptions.webhook(e.field("pr"), d.webhookId());
        if (w == null || e.event() == null) {
            return false;
        }
        EventCache.Entry ev = events.withExpansion(e.event());
        return ev != null && pump.startFirstTry(e, d.deliveryId(), w, ev, now);
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
