package io.hookgate.redis;

import io.hookgate.model.DeliveryRecord;
import io.hookgate.model.DeliveryStatus;
import io.hookgate.model.EventRecord;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * The delivery queue's hot path in Redis (keys in {@link QueueKeys}, scripts in {@code lua/}): ingest,
 * the streams' reads and reclaims, the fan-out, the recording of tries, due retries and the events of
 * deliveries. Each write is one script (or one MULTI/EXEC: {@link Ingest}), so a crash never leaves half
 * of it done. What a user asks of recorded deliveries (listing, replaying, parking) is {@link DeliveryLog}'s.
 */
public final class EventQueue {
    private static final LuaScript COMPLETE = LuaScript.load("complete");
    private static final LuaScript COMPLETE_FIRST = LuaScript.load("complete_first");
    private static final LuaScript DRAIN_RETRIES = LuaScript.load("drain_retries");
    private static final LuaScript FANOUT = LuaScript.load("fanout");
    private static final LuaScript LOAD_EVENT = LuaScript.load("load_event");
    private static final LuaScript SWEEP_EVENTS = LuaScript.load("sweep_events");
    /** How long the sweep remembers an entry it put back (a replica stalled longer is stopped by the records of
     * the replica that made it anew, if there are some yet: takeEntries in lua/lib/indexes.lua). */
    private static final long MOVED_KEEP_MS = 86_400_000L;
    /** Event hashes and tries lists outlive their retention by a day before Redis expires them (records: none). */
    private static final long SAFETY_TTL_SECONDS = 86_400;

    private final Redis redis;
    private final int partitions;
    private final String consumer;
    private final long retentionSeconds;
    private final int retentionCountPerPartition;
    private final RecordLayout layout;
    private final Ingest ingest;

    /**
     * {@code waitReplicas} above 0: {@link #ingest} answers only once that many replicas have the events
     * (see there), waiting at most {@code waitTimeoutMs}.
     */
    public EventQueue(Redis redis, int partitions, String consumer, long retentionSeconds, int retentionCount,
                      RecordLayout layout, long idempotencyWindowSeconds, int waitReplicas, long waitTimeoutMs) {
        this.redis = redis;
        this.partitions = partitions;
        this.consumer = consumer;
        this.retentionSeconds = retentionSeconds;
        this.retentionCountPerPartition = Math.max(1, (retentionCount + partitions - 1) / partitions);
        this.layout = layout;
        this.ingest = new Ingest(redis, partitions, layout, idempotencyWindowSeconds, waitReplicas, waitTimeoutMs);
    }

    public int partitions() {
        return partitions;
    }

    private long ttl() {
        return retentionSeconds + SAFETY_TTL_SECONDS;
    }

    /** Creates the streams and consumer groups that are missing (first start, or Redis restarted empty). */
    public Future<Void> ensureGroups() {
        List<Future<?>> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            all.add(createGroup(QueueKeys.events(p), QueueKeys.FANOUT_GROUP));
            all.add(createGroup(QueueKeys.deliveries(p), QueueKeys.DISPATCH_GROUP));
        }
        return Future.all(all).mapEmpty();
    }

    private Future<Void> createGroup(String stream, String group) {
        return redis.send(Request.cmd(Command.XGROUP).arg("CREATE").arg(stream).arg(group).arg("0").arg("MKSTREAM"))
            .<Void>mapEmpty()
            .recover(err -> err.getMessage() != null && err.getMessage().startsWith("BUSYGROUP")
                ? Future.succeededFuture() : Future.failedFuture(err));
    }

    /** An event to ingest, with its idempotency key ("" for none). */
    public record NewEvent(EventRecord event, String idempotencyKey) {
    }

    /** What became of an ingested event: its effective ID, and whether it was stored now (not a repeat). */
    public record Ingested(String id, boolean fresh) {
    }

    /**
     * Persists events and answers their effective IDs (a repeated idempotency key answers the first
     * event's ID and stores nothing). Events with an idempotency key go to the partition the key
     * hashes to, so repeats meet in one atomic script; the others share one random partition, where
     * without a key they are plain XADDs in one MULTI/EXEC ({@link Ingest}). One step per partition
     * involved, sent together.
     *
     * <p>With {@code waitReplicas} above 0, each script is followed on its connection by {@code WAIT
     * waitReplicas waitTimeoutMs}, and the call fails ({@link ReplicasBehind}) unless that many replicas
     * acknowledged: replication is asynchronous, and events the master answered for but had not passed
     * on are lost when a replica takes its place. On that failure the events may or may not be stored;
     * a resend with the same idempotency keys stores nothing twice. While replicas are missing, a WAIT
     * would hold its pooled connection for the whole timeout, and enough of them would take every
     * connection from the rest of the gateway: so once a WAIT has come back short, one ingest at a time
     * tries (and waits), the others fail at once without storing anything, until one succeeds.
     */
    public Future<List<Ingested>> ingest(String projectId, List<NewEvent> events) {
        return ingest.ingest(projectId, events);
    }

    /** Fewer replicas than asked for have an ingest's events: the caller answers 503. */
    public static final class ReplicasBehind extends RuntimeException {
        ReplicasBehind(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Reads new events to fan out, waiting up to {@code blockMs} for some (a negative value: not at
     * all, answering what is there now). The read takes no pending entries ({@code NOACK}): an entry
     * stays in the stream until its fan-out is recorded, and one that a replica read and never finished
     * is found by {@link #sweepEvents}. A pending entry would cost Redis an insertion, an acknowledgement
     * and an {@code XCLAIM} written to the AOF and the replicas for every event.
     */
    public Future<List<StreamEntry>> readEvents(int partition, int count, long blockMs) {
        Request r = Request.cmd(Command.XREADGROUP).arg("GROUP").arg(QueueKeys.FANOUT_GROUP).arg(consumer)
            .arg("COUNT").arg(count);
        if (blockMs >= 0) {
            r.arg("BLOCK").arg(blockMs);
        }
        return redis.send(r.arg("NOACK").arg("STREAMS").arg(QueueKeys.events(partition)).arg(">"))
            .map(x -> StreamEntry.parse(partition, x));
    }

    /**
     * Reads new deliveries to make, waiting as {@link #readEvents} does. These reads take pending
     * entries: a delivery's try may run as long as the delivery timeout, and its entry is acknowledged
     * with its outcome ({@link #complete}).
     */
    public Future<List<StreamEntry>> readDeliveries(int partition, int count, long blockMs) {
        Request r = Request.cmd(Command.XREADGROUP).arg("GROUP").arg(QueueKeys.DISPATCH_GROUP).arg(consumer)
            .arg("COUNT").arg(count);
        if (blockMs >= 0) {
            r.arg("BLOCK").arg(blockMs);
        }
        return redis.send(r.arg("STREAMS").arg(QueueKeys.deliveries(partition)).arg(">"))
            .map(x -> StreamEntry.parse(partition, x));
    }

    /**
     * Reads this consumer's own pending deliveries (read before, not finished: after a failure or a
     * restart under the same name) after {@code afterId} ("0": from the start), without blocking.
     */
    public Future<List<StreamEntry>> readOwnDeliveries(int partition, int count, String afterId) {
        return redis.send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(QueueKeys.DISPATCH_GROUP).arg(consumer)
                .arg("COUNT").arg(count).arg("STREAMS").arg(QueueKeys.deliveries(partition)).arg(afterId))
            .map(r -> StreamEntry.parse(partition, r));
    }

    /**
     * Puts events that a replica read at least {@code idleMs} ago and never finished (it died) back into the
     * stream, for any replica to read, at most {@code count}, unpacked unless the {@link RecordLayout} is 4;
     * answers how many. Each call also notes what the group handed out, at most once per {@code stepMs}.
     */
    public Future<Integer> sweepEvents(int partition, long idleMs, long stepMs, int count) {
        return SWEEP_EVENTS.run(redis, List.of(QueueKeys.events(partition), QueueKeys.eventsSweep(partition),
                QueueKeys.eventsMoved(partition)),
            List.of(QueueKeys.FANOUT_GROUP, System.currentTimeMillis(), idleMs, stepMs, count, MOVED_KEEP_MS,
                RecordLayout.packed(layout.current()) ? 1 : 0))
            .map(Response::toInteger);
    }

    /** Takes over entries of the deliveries stream idle for longer than {@code minIdleMs} (a replica died). */
    public Future<List<StreamEntry>> reclaimDeliveries(int partition, long minIdleMs, int count) {
        return redis.send(Request.cmd(Command.XAUTOCLAIM).arg(QueueKeys.deliveries(partition))
                .arg(QueueKeys.DISPATCH_GROUP).arg(consumer).arg(minIdleMs).arg("0-0").arg("COUNT").arg(count))
            .map(r -> StreamEntry.parseEntries(partition, r == null ? null : r.get(1)));
    }

    /** One event's fan-out: the event's stream entry and the deliveries it makes. */
    public record Fanout(StreamEntry event, List<NewDelivery> deliveries) {
    }

    /** A delivery to record; {@code skipped}: its webhook is disabled, so it is recorded without a try. */
    public record NewDelivery(String deliveryId, String webhookId, boolean skipped) {
    }

    /**
     * Records the deliveries of a batch of events of one partition and acknowledges the events, atomically.
     * {@code again}: the batch was fanned out before by a call that failed, which may have been recorded
     * all the same (its answer lost): the script then checks entry by entry (see takeEntries).
     */
    public Future<Void> recordFanout(int partition, List<Fanout> fanouts, boolean again) {
        List<Object> args = recordArgs(System.currentTimeMillis(), again, layout.current(), fanouts.size() * 11);
        for (Fanout f : fanouts) {
            StreamEntry e = f.event();
            EventRecord carried = e.event();
            args.add(e.id());
            args.add(e.field("id"));
            args.add(e.field("pr"));
            args.add(e.field("nm"));
            args.add(e.field("us"));
            args.add(e.field("at"));
            args.add(carried == null ? "" : carried.payload());
            args.add(e.field("rq"));
            args.add(f.deliveries().size());
            for (NewDelivery d : f.deliveries()) {
                args.add(d.deliveryId());
                args.add(d.webhookId());
                args.add(d.skipped() ? "skipped" : "pending");
            }
        }
        return FANOUT.run(redis, List.of(QueueKeys.events(partition), QueueKeys.deliveries(partition)),
            args).mapEmpty();
    }

    /**
     * The first arguments of the scripts that create delivery records (FANOUT, COMPLETE_FIRST): now, the event
     * hashes' TTL, the retention count, whether the call repeats one that failed, new records' {@link RecordLayout}.
     */
    private List<Object> recordArgs(long now, boolean again, int recordLayout, int more) {
        List<Object> args = new ArrayList<>(5 + more);
        args.add(now);
        args.add(ttl());
        args.add(retentionCountPerPartition);
        args.add(again ? 1 : 0);
        args.add(recordLayout);
        return args;
    }

    /** How a try (or a decision not to try) ends a stream entry; see {@code lua/complete.lua}. */
    public enum Outcome {
        DELIVERED('D'), RETRY('R'), FAILED('F'), PARKED('P'), HOLD('H'), WAIT('W'), REQUEUE('Q'), DROP('X');
        final char code;

        Outcome(char code) {
            this.code = code;
        }
    }

    /** A finished stream entry: its outcome, when to come back (RETRY, WAIT) and the try's record as JSON. */
    public record Completion(StreamEntry entry, Outcome outcome, long nextAt, String tryJson) {
    }

    /** Records outcomes and acknowledges the entries of one partition, atomically. */
    public Future<Void> complete(int partition, List<Completion> done) {
        List<Object> args = new ArrayList<>(3 + done.size() * 5);
        args.add(QueueKeys.DISPATCH_GROUP);
        args.add(System.currentTimeMillis());
        args.add(ttl());
        for (Completion c : done) {
            args.add(c.entry().id());
            args.add(c.entry().field("dl"));
            args.add(String.valueOf(c.outcome().code));
            args.add(c.nextAt());
            args.add(c.tryJson() == null ? "" : c.tryJson());
        }
        return COMPLETE.run(redis, List.of(QueueKeys.deliveries(partition), QueueKeys.retries(partition)),
            args).mapEmpty();
    }

    /**
     * Records first tries started straight from the fan-out (the engine's fan-out): per
     * entry, the delivery's record with its outcome and the event's acknowledgement, atomically.
     */
    public Future<Void> completeFirstTries(int partition, List<Completion> done, boolean again) {
        long now = System.currentTimeMillis();
        String updatedAt = Long.toString(now);
        int recordLayout = layout.current();
        List<Object> args = recordArgs(now, again, recordLayout, done.size() * 9);
        for (Completion c : done) {
            StreamEntry e = c.entry();
            String status = firstTryStatus(c.outcome());
            String eventId = e.field("ev");
            String projectId = e.field("pr");
            String deliveryId = e.field("dl");
            String webhookId = e.field("wh");
            String createdAt = e.field("at");
            args.add(e.id());
            args.add(eventId);
            args.add(projectId);
            args.add(deliveryId);
            args.add(webhookId);
            args.add(createdAt);
            args.add(status);
            args.add(c.nextAt());
            if (status.isEmpty()) {
                args.add("");
                continue;
            }
            // The record after the first try; the event lives in it (so = 1), see RecordFormat.
            EventRecord ev = e.event();
            boolean retrying = c.outcome() == Outcome.RETRY;
            // A delivered record of layout 4 goes as its webhook archive's whole item (lua/lib/retention.lua).
            String prefix = recordLayout >= 4 && status.equals("delivered") ? createdAt + ':' + deliveryId + ':' : "";
            args.add(RecordFormat.encode(prefix, recordLayout, status, "1", eventId, projectId, webhookId,
                new String[] {deliveryId, e.field("nm"), createdAt, updatedAt,
                    retrying ? Long.toString(c.nextAt()) : "0", c.tryJson() == null ? "0" : "1", retrying ? "1" : "0",
                    ev.userId(), Long.toString(ev.acceptedAt()), ev.requestId()}, c.tryJson(), ev.payload()));
        }
        return COMPLETE_FIRST.run(redis, List.of(QueueKeys.events(partition), QueueKeys.deliveries(partition),
            QueueKeys.retries(partition)), args).mapEmpty();
    }

    /** The status a first try leaves its delivery in; empty for DROP (no record is kept). */
    private static String firstTryStatus(Outcome o) {
        return switch (o) {
            case DELIVERED -> "delivered";
            case FAILED -> "failed";
            case RETRY -> "retrying";
            case PARKED -> "parked";
            case HOLD -> "held";
            case WAIT, REQUEUE -> "pending";
            case DROP -> "";
        };
    }

    /** Moves due retries of one partition into its deliveries stream; answers how many moved. */
    public Future<Integer> drainRetries(int partition, int limit) {
        return DRAIN_RETRIES.run(redis, List.of(QueueKeys.retries(partition), QueueKeys.deliveries(partition)),
            List.of(System.currentTimeMillis(), limit)).map(Response::toInteger);
    }

    /** How much unfinished work a partition holds: stream lengths, waiting retries, and the oldest entries' ages. */
    public record Stats(long events, long deliveries, long retries, long oldestEventMs, long oldestDeliveryMs) {
    }

    /** Reads a partition's {@link Stats} (streams hold only unfinished work, so their first entry is the oldest). */
    public Future<Stats> stats(int partition) {
        Future<Response> ev = redis.send(Request.cmd(Command.XLEN).arg(QueueKeys.events(partition)));
        Future<Response> dl = redis.send(Request.cmd(Command.XLEN).arg(QueueKeys.deliveries(partition)));
        Future<Response> rt = redis.send(Request.cmd(Command.ZCARD).arg(QueueKeys.retries(partition)));
        Future<Response> evFirst = redis.send(Request.cmd(Command.XRANGE).arg(QueueKeys.events(partition))
            .arg("-").arg("+").arg("COUNT").arg(1));
        Future<Response> dlFirst = redis.send(Request.cmd(Command.XRANGE).arg(QueueKeys.deliveries(partition))
            .arg("-").arg("+").arg("COUNT").arg(1));
        return Future.all(List.of(ev, dl, rt, evFirst, dlFirst)).map(x -> {
            long now = System.currentTimeMillis();
            return new Stats(ev.result().toLong(), dl.result().toLong(), rt.result().toLong(),
                age(evFirst.result(), now), age(dlFirst.result(), now));
        });
    }

    /** The age of the first entry of an XRANGE reply, from the time part of its ID; 0 when empty. */
    private static long age(Response range, long now) {
        if (range == null || range.size() == 0) {
            return 0;
        }
        String id = range.get(0).get(0).toString();
        int dash = id.indexOf('-');
        return Math.max(0, now - Long.parseLong(dash < 0 ? id : id.substring(0, dash)));
    }

    /**
     * A delivery's event (not in this replica's cache): the event's hash, else the record that holds it (its own
     * key, or in webhookId's archive when given); null if none does, or another project's.
     */
    public Future<EventRecord> loadEvent(int partition, String projectId, String eventId, String deliveryId,
                                         String webhookId) {
        String wh = String.valueOf(webhookId);
        List<String> keys = List.of(QueueKeys.event(partition, projectId, eventId), QueueKeys.delivery(partition,
            deliveryId), QueueKeys.archive(partition, projectId, wh), QueueKeys.archiveOrder(partition, projectId, wh));
        return LOAD_EVENT.run(redis, webhookId == null ? keys.subList(0, 2) : keys, List.of(deliveryId, projectId, wh))
            .map(r -> {
                if (r == null || r.size() < 6 || r.get(4) == null || r.get(1) == null || r.get(3) == null
                    || !projectId.equals(text(r.get(0)))) {
                    return null;
                }
                return new EventRecord(eventId, projectId, r.get(1).toString(), text(r.get(2)), r.get(4).toBytes(),
                    Long.parseLong(r.get(3).toString()), text(r.get(5)));
            });
    }

    private static String text(Response r) {
        return r == null ? "" : r.toString();
    }
}
