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
 * group (without pending entries, see {@link EventQueue#readEvents}), matches each event against this
 * replica's index, and records the deliveries together with the deletion of the event's entry
 * ({@link EventQueue#recordFanout}), or starts their first tries at once ({@link #firstTries}).
 *
 * <p>Per partition, one loop reads with a blocking read; while it keeps getting full batches it
 * starts up to {@value #HELPERS} helper loops that read without blocking, so that the next batches
 * are read and matched while a script runs (one loop alone spent most of its time waiting on Redis,
 * with the events stream backing up in front of it), and a partition never holds more than one pooled
 * connection in a blocking read. A batch whose fan-out failed (Redis unreachable, say) is fanned out
 * again from memory before the next read; entries whose first try is under way here are skipped. Only
 * new entries (read once) get first tries: an entry fanned out again, or swept up from a dead replica,
 * may be in a fan-out script under way, and the sweep's note of the entries it put back, or the records
 * already written, settle who records it (the scripts' {@code takeEntries}).
 */
final class FanoutPump {
    private static final Logger LOG = LoggerFactory.getLogger(FanoutPump.class);
    private static final int BATCH = 128;
    private static final long BLOCK_MS = 1_000;
    private static final int HELPERS = 2;
    /** While the pump has no room, the next look is this much later. */
    private static final long NO_ROOM_WAIT_MS = 5;
    /** The most payload bytes that the records of an event's first tries hold in all (each a copy). */
    private static final int MAX_FIRST_TRY_COPY_BYTES = 64 * 1024;

    private final Vertx vertx;
    private final EventQueue queue;
    private final Subscriptions subscriptions;
    private final Events events;
    private final DeliveryPump pump;
    /** An event with more deliveries goes through the deliveries stream (firstTryMaxDeliveries). */
    private final int maxFirstTries;
    private final List<Partition> partitions = new ArrayList<>();
    private boolean stopped;
    /** Loops with a read or a fan-out under way. */
    private int busy;
    private io.vertx.core.Promise<Void> idle;

    private static final class Partition {
        final int index;
        final Backoff backoff = new Backoff();
        /** A batch whose fan-out failed: fanned out again before anything new is read. */
        List<StreamEntry> unfinished = List.of();
        /**
         * Events read whose first tries the pump had no room for (see {@link #record}): fanned out, in
         * order, before anything new is read, once it has room.
         */
        List<StreamEntry> waiting = List.of();
        int helpers;
        /** Entry IDs some loop is fanning out now: a read that brings one again skips it. */
        final Set<String> active = new HashSet<>();

        Partition(int index) {
            this.index = index;
        }
    }

    FanoutPump(Vertx vertx, EventQueue queue, Subscriptions subscriptions, Events events, DeliveryPump pump,
               int maxFirstTries) {
        this.maxFirstTries = maxFirstTries;
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
            // Events waiting for room, and a batch whose fan-out failed, go through the deliveries stream
            // now, for any replica to take at once (left in the events stream, they would wait for the
            // sweep).
            for (Partition part : partitions) {
                List<StreamEntry> left = merge(part.unfinished, part.waiting);
                part.unfinished = List.of();
                part.waiting = List.of();
                if (!left.isEmpty()) {
                    busy++;
                    fanout(part.index, left, false).onComplete(x -> ended());
                }
            }
        }
        if (busy == 0) {
            idle.tryComplete();
        }
        return idle.future();
    }

    /**
     * The main loop of a partition: a failed batch again when there is one, else a blocking read of new
     * ones, at most as many as the pump has room for. While it has none, the loop waits: the events stay
     * in the stream, where they cost nothing and any replica with room may read them, and get first tries
     * once read, instead of being queued (a record written twice and a deliveries-stream entry each).
     */
    private void loop(Partition part) {
        if (stopped) {
            return;
        }
        int count = Math.min(BATCH, pump.room());
        if (part.unfinished.isEmpty() && (count <= 0
            || (!part.waiting.isEmpty() && count < Math.min(maxFirstTries, pump.capacity())))) {
            vertx.setTimer(NO_ROOM_WAIT_MS, t -> loop(part));
            return;
        }
        busy++;
        Future<Void> step;
        if (!part.unfinished.isEmpty()) {
            List<StreamEntry> again = part.unfinished;
            // Only what it retried leaves the list: a helper's batch may have failed meanwhile.
            step = fanout(part.index, again, false).onSuccess(x -> part.unfinished = part.unfinished.stream()
                .filter(e -> !again.contains(e)).toList()).mapEmpty();
        } else if (!part.waiting.isEmpty()) {
            List<StreamEntry> waiting = part.waiting;
            part.waiting = List.of();
            step = fanout(part, waiting);
        } else {
            step = queue.readEvents(part.index, count, BLOCK_MS).compose(entries -> {
                if (entries.size() == BATCH && part.helpers < HELPERS) {
                    part.helpers++;
                    help(part);
                }
                return entries.isEmpty() ? Future.succeededFuture() : fanout(part, entries);
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

    /**
     * Fans out a batch read once (fresh: first tries allowed); what the pump had no room for waits, and
     * when the fan-out fails, the batch is kept to be fanned out again.
     */
    private Future<Void> fanout(Partition part, List<StreamEntry> entries) {
        return fanout(part.index, entries, true)
            .compose(deferred -> {
                if (stopped && !deferred.isEmpty()) {
                    // A read that came back after stop() had handed back what waited (the pump has no room
                    // while stopping): its events go through the deliveries stream too, not to the sweep.
                    return fanout(part.index, deferred, false).mapEmpty();
                }
                part.waiting = merge(part.waiting, deferred);
                return Future.succeededFuture();
            })
            .onFailure(err -> part.unfinished = merge(part.unfinished, entries))
            .mapEmpty();
    }

    private static List<StreamEntry> merge(List<StreamEntry> a, List<StreamEntry> b) {
        if (a.isEmpty()) {
            return b;
        }
        List<StreamEntry> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /**
     * A helper loop: non-blocking reads of new entries for as long as they come in full batches and the
     * pump has room for a whole batch.
     */
    private void help(Partition part) {
        if (stopped || pump.room() < BATCH) {
            part.helpers--;
            return;
        }
        busy++;
        queue.readEvents(part.index, BATCH, -1)
            .compose(entries -> entries.isEmpty() ? Future.succeededFuture(0)
                : fanout(part, entries).map(entries.size()))
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

    /**
     * Fans out entries that no other loop of this replica is fanning out now; answers those deferred
     * for want of room in the pump (see {@link #record}).
     *
     * @param fresh the entries come from a read of new entries: only those may get first tries, or wait
     */
    private Future<List<StreamEntry>> fanout(int partition, List<StreamEntry> entries, boolean fresh) {
        Set<String> active = partitions.get(partition).active;
        List<StreamEntry> mine = new ArrayList<>(entries.size());
        for (StreamEntry e : entries) {
            if (active.add(e.id())) {
                mine.add(e);
            }
        }
        if (mine.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        Set<String> projects = new HashSet<>();
        mine.forEach(e -> projects.add(e.field("pr")));
        return subscriptions.freshen(projects).compose(x -> record(partition, mine, fresh))
            .eventually(() -> {
                mine.forEach(e -> active.remove(e.id()));
                return Future.succeededFuture();
            });
    }

    /**
     * Matches each entry and starts its first tries or records its deliveries. A fresh entry whose first
     * tries the pump has no room for now, and every fresh one after it that would need room too, is
     * deferred (answered): it stays in the stream, unrecorded, until the pump has room.
     */
    private Future<List<StreamEntry>> record(int partition, List<StreamEntry> entries, boolean fresh) {
        long now = System.currentTimeMillis();
        List<StreamEntry> kept = new ArrayList<>(entries.size());
        List<List<EventQueue.NewDelivery>> matched = new ArrayList<>(entries.size());
        for (StreamEntry e : entries) {
            if (pump.holdsEvent(e)) {
                // Fanned out again (a failed batch) or put back by the sweep while its first tries are under
                // way here.
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
        List<StreamEntry> deferred = new ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            StreamEntry e = kept.get(i);
            List<EventQueue.NewDelivery> deliveries = matched.get(i);
            if (fresh) {
                FirstTries t = deferred.isEmpty() ? firstTries(e, deliveries, now) : needsRoom(e, deliveries);
                if (t == FirstTries.STARTED) {
                    continue;
                }
                if (t == FirstTries.NO_ROOM) {
                    deferred.add(e);
                    continue;
                }
            }
            if (e.event() != null && deliveries.stream().anyMatch(d -> !d.skipped())) {
                // Its deliveries go through the deliveries stream: their tries find the payload at hand.
                events.keep(e.event());
            }
            fanouts.add(new EventQueue.Fanout(e, deliveries));
        }
        return fanouts.isEmpty() ? Future.succeededFuture(deferred)
            : queue.recordFanout(partition, fanouts, !fresh).map(deferred);
    }

    /** What became of an entry's first tries. */
    private enum FirstTries {
        /** Started: the pump records them once they have ended. */
        STARTED,
        /** The pump has no room for them now: the entry waits. */
        NO_ROOM,
        /** Not to be tried from the fan-out (see {@link #firstTries}): its deliveries are queued. */
        NO
    }

    /** Behind an entry that waits for room: NO_ROOM for every entry that would need room too. */
    private FirstTries needsRoom(StreamEntry e, List<EventQueue.NewDelivery> deliveries) {
        return triable(e, deliveries) ? FirstTries.NO_ROOM : FirstTries.NO;
    }

    /** Whether an entry's deliveries may be tried from the fan-out at all (their webhooks and lanes aside). */
    private boolean triable(StreamEntry e, List<EventQueue.NewDelivery> deliveries) {
        int n = deliveries.size();
        return n > 0 && n <= maxFirstTries && n <= pump.capacity() && e.event() != null
            && (n == 1 || (long) n * e.event().payload().length <= MAX_FIRST_TRY_COPY_BYTES)
            && deliveries.stream().noneMatch(EventQueue.NewDelivery::skipped);
    }

    /**
     * The first tries of an event's deliveries (at most {@code firstTryMaxDeliveries}, none to a disabled
     * webhook), straight from the fan-out: nothing of the deliveries is written until every try has
     * ended ({@link EventQueue#completeFirstTries}, which deletes the event's entry), so a replica that
     * dies mid-try leaves the event to be swept up and fanned out again, under the same delivery IDs. Each
     * record then holds a copy of the event, so an event with several deliveries goes this way only while
     * the copies stay small ({@value #MAX_FIRST_TRY_COPY_BYTES} bytes of payload in all). Saves the
     * deliveries stream and its reads, half of the records' writes and the event's hash. NO_ROOM when
     * the pump has no room for them now (the entry waits); NO when they are not to be tried this way or
     * the pump cannot take them (a webhook's lane is full or slow, its circuit open): the deliveries go
     * through the queue.
     */
    private FirstTries firstTries(StreamEntry e, List<EventQueue.NewDelivery> deliveries, long now) {
        if (!triable(e, deliveries)) {
            return FirstTries.NO;
        }
        if (pump.room() < deliveries.size()) {
            return FirstTries.NO_ROOM;
        }
        List<FirstTryGroups.FirstTry> tries = new ArrayList<>(deliveries.size());
        for (EventQueue.NewDelivery d : deliveries) {
            Webhook w = subscriptions.webhook(e.field("pr"), d.webhookId());
            if (w == null) {
                return FirstTries.NO;
            }
            tries.add(new FirstTryGroups.FirstTry(d.deliveryId(), w));
        }
        EventCache.Entry ev = events.withExpansion(e.event());
        return ev != null && pump.startFirstTries(e, tries, ev, now) ? FirstTries.STARTED : FirstTries.NO;
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
