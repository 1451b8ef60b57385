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

    private final Vertx vertx;
    private final EventQueue queue;
    private final Matcher matcher;
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
                      Matcher matcher) {
        this.vertx = vertx;
        this.queue = queue;
        this.freshen = freshen;
        this.matcher = matcher;
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
        List<EventQueue.Fanout> fanouts = new ArrayList<>(entries.size());
        for (StreamEntry e : entries) {
            List<String> webhooks = matcher.match(e.field("pr"), e.field("id"), e.field("nm"));
            List<EventQueue.NewDelivery> deliveries = new ArrayList<>(webhooks.size());
            for (String w : webhooks) {
                deliveries.add(new EventQueue.NewDelivery(Ids.unique(), w));
            }
            fanouts.add(new EventQueue.Fanout(e, deliveries));
        }
        return queue.recordFanout(partition, fanouts);
    }
}
