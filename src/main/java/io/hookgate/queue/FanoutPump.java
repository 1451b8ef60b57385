package io.hookgate.queue;

import io.hookgate.model.Ids;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns accepted events into deliveries: reads the events streams through the shared consumer
 * group, matches each event against this replica's index, and records the deliveries together with
 * the event's acknowledgement ({@link EventQueue#recordFanout}). {@value #LOOPS} loops per partition,
 * so that the next batch is read and matched while the previous one's script runs: one loop spent
 * most of its time waiting on Redis, and the events stream backed up in front of it. Two loops never
 * take the same new entry (the consumer group hands each out once); when both re-read this consumer's
 * own pending entries after a failure, the script's {@code XACK == 1} guard records each event once.
 */
public final class FanoutPump {
    private static final Logger LOG = LoggerFactory.getLogger(FanoutPump.class);
    private static final int BATCH = 128;
    private static final long BLOCK_MS = 1_000;
    private static final int LOOPS = 3;

    /** Finds the webhooks of a project that an event matches. */
    public interface Matcher {
        /** IDs of the enabled webhooks matching the event; empty when the name is no longer valid. */
        List<String> match(String projectId, String eventId, String eventName);
    }

    /**
     * First tries straight from the fan-out. An event that matches one webhook whose lane has room
     * (and whose payload this replica holds) is not recorded here: its try starts at once, and the
     * delivery's record is written together with the event's acknowledgement when the try has ended
     * ({@link EventQueue#completeFirstTries}). Until then the event stays pending in the events stream,
     * so a replica that dies mid-try leaves it to be reclaimed and fanned out again, under the same
     * delivery ID. This saves the deliveries stream's round trip and half of the record's writes.
     */
    public interface FirstTries {
        /** Starts the try now and answers true, or answers false to leave the delivery to the queue. */
        boolean start(StreamEntry event, String deliveryId, String webhookId, long createdAt);

        /** Whether this replica is trying the event's delivery (its entry must not be fanned out twice). */
        boolean holds(StreamEntry event);
    }

    private final Vertx vertx;
    private final EventQueue queue;
    private final Matcher matcher;
    private final FirstTries firstTries;
    private final java.util.function.Function<java.util.Set<String>, Future<Void>> freshen;
    private final List<Backoff> backoffs = new ArrayList<>();
    /** Per partition: read this consumer's unfinished entries before new ones (at start, after a failure). */
    private final List<Boolean> ownPending = new ArrayList<>();
    private boolean stopped;
    /** Loops with a read or a fan-out under way. */
    private int busy;
    private io.vertx.core.Promise<Void> idle;

    /**
     * @param freshen brings the match index up to date for the given projects before a batch is
     *                matched (see the store), so that no webhook created before an event is missed
     */
    public FanoutPump(Vertx vertx, EventQueue queue, java.util.function.Function<java.util.Set<String>, Future<Void>> freshen,
                      Matcher matcher, FirstTries firstTries) {
        this.vertx = vertx;
        this.queue = queue;
        this.freshen = freshen;
        this.matcher = matcher;
        this.firstTries = firstTries;
    }

    public void start() {
        for (int p = 0; p < queue.partitions(); p++) {
            backoffs.add(new Backoff());
            ownPending.add(true);
            for (int i = 0; i < LOOPS; i++) {
                loop(p);
            }
        }
    }

    /** Stops; completes when the fan-out under way (a read, then its script) has ended. */
    public Future<Void> stop() {
        stopped = true;
        if (idle == null) {
            idle = io.vertx.core.Promise.promise();
        }
        if (busy == 0) {
            idle.tryComplete();
        }
        return idle.future();
    }

    private void loop(int partition) {
        if (stopped) {
            return;
        }
        boolean pending = ownPending.get(partition);
        busy++;
        queue.readEvents(partition, BATCH, BLOCK_MS, pending)
            .compose(entries -> {
                if (pending && entries.isEmpty()) {
                    ownPending.set(partition, false);
                }
                return entries.isEmpty() ? Future.succeededFuture() : fanout(partition, entries);
            })
            .onComplete(ar -> {
                busy--;
                if (stopped) {
                    if (busy == 0 && idle != null) {
                        idle.tryComplete();
                    }
                    return;
                }
                if (ar.succeeded()) {
                    backoffs.get(partition).reset();
                    loop(partition);
                } else {
                    ownPending.set(partition, true);
                    long delay = backoffs.get(partition).nextDelay();
                    LOG.warn("fan-out of partition {} failed ({}), retrying in {} ms", partition,
                        ar.cause().getMessage(), delay);
                    vertx.setTimer(delay, t -> queue.ensureGroups().onComplete(x -> loop(partition)));
                }
            });
    }

    /** Events taken over from a replica that stopped answering (see {@link QueueMaintenance}). */
    Future<Void> accept(int partition, List<StreamEntry> entries) {
        return entries.isEmpty() ? Future.succeededFuture() : fanout(partition, entries);
    }

    private Future<Void> fanout(int partition, List<StreamEntry> entries) {
        java.util.Set<String> projects = new java.util.HashSet<>();
        entries.forEach(e -> projects.add(e.field("pr")));
        return freshen.apply(projects).compose(x -> record(partition, entries));
    }

    private Future<Void> record(int partition, List<StreamEntry> entries) {
        long now = System.currentTimeMillis();
        List<EventQueue.Fanout> fanouts = new ArrayList<>(entries.size());
        for (StreamEntry e : entries) {
            if (firstTries.holds(e)) {
                // Read again (own pending entries, a reclaim) while its first try is under way here.
                continue;
            }
            String projectId = e.field("pr");
            String eventId = e.field("id");
            long acceptedAt = parseLong(e.field("at"));
            List<String> webhooks = matcher.match(projectId, eventId, e.field("nm"));
            List<EventQueue.NewDelivery> deliveries = new ArrayList<>(webhooks.size());
            for (String w : webhooks) {
                deliveries.add(new EventQueue.NewDelivery(Ids.forDelivery(projectId, eventId, w, acceptedAt), w));
            }
            if (deliveries.size() == 1
                && firstTries.start(e, deliveries.get(0).deliveryId(), deliveries.get(0).webhookId(), now)) {
                continue;
            }
            fanouts.add(new EventQueue.Fanout(e, deliveries));
        }
        return fanouts.isEmpty() ? Future.succeededFuture() : queue.recordFanout(partition, fanouts);
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
