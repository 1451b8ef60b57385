package io.hookgate.engine;

import io.hookgate.bus.DeliveryOutcome;
import io.hookgate.health.GatewayMetrics;
import io.hookgate.index.Subscriptions;
import io.hookgate.model.Webhook;
import io.hookgate.policy.OutcomePolicy;
import io.hookgate.policy.OutcomePolicy.Decision;
import io.hookgate.redis.EventQueue;
import io.hookgate.redis.StreamEntry;
import io.hookgate.redis.TryRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the dispatcher pool, one pipeline per stream entry: read it (the deliveries stream through the
 * shared consumer group, or what {@link QueueMaintenance} reclaims, or a first try handed over by the
 * {@link FanoutPump}), find its webhook and event, ask the {@link OutcomePolicy} whether to try, wait for
 * room in the webhook's {@link Lane} (at most {@code maxInFlightPerWebhook} tries of one webhook at a time),
 * send the try to a dispatcher over the event bus, record it on the webhook ({@link Bookkeeping}), ask the
 * policy what comes next, and hand that to the {@link Recorder}. At most {@code maxInFlight} entries are
 * held per replica; reading pauses at the cap. Owned by the store verticle's event loop.
 */
final class DeliveryPump {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryPump.class);
    private static final int BATCH = 256;
    private static final long BLOCK_MS = 1_000;
    private static final long SWEEP_MS = 250;
    /** A lane slower than this gets no first tries from the fan-out: its deliveries wait visibly, as pending. */
    private static final long FIRST_TRY_MAX_LATENCY_MS = 1_000;
    /** A retry whose circuit opened while it waited in its lane asks again this much later. */
    private static final long PROBE_RECHECK_MS = 1_000;

    private final Vertx vertx;
    private final EventQueue queue;
    private final Subscriptions subscriptions;
    private final Bookkeeping bookkeeping;
    private final OutcomePolicy policy;
    private final Recorder recorder;
    private final GatewayMetrics metrics;
    private final DispatchLink dispatchers;
    private final String replicaId;
    private final int maxInFlight;
    private final int perWebhook;
    private final List<Partition> partitions = new ArrayList<>();
    private final Map<String, Lane<Work>> lanes = new HashMap<>();
    private final FirstTryGroups firstTries;
    private final EntryResolver resolver;
    /** Written on the store's event loop only; read by the metrics scrape. */
    private volatile int inFlight;
    private long sweeper = -1;
    private boolean stopped;
    private Promise<Void> drained;

    /**
     * One stream entry on its way, with what it resolved to; {@code probeToken} is the lease token when
     * this try is its webhook's circuit probe, else "".
     */
    private record Work(Partition part, StreamEntry entry, Webhook webhook, EventCache.Entry event, String probeToken) {
        Work(Partition part, StreamEntry entry, Webhook webhook, EventCache.Entry event) {
            this(part, entry, webhook, event, "");
        }
    }

    private static final class Partition {
        final int index;
        final Backoff backoff = new Backoff();
        boolean ownPending = true;
        boolean reading;
        /** Entry IDs this replica holds (read or taken over, outcome not recorded yet): never taken twice. */
        final Set<String> held = new HashSet<>();
        /** Where the next read of this consumer's own pending entries starts. */
        String pendingFrom = "0";

        Partition(int index) {
            this.index = index;
        }
    }

    DeliveryPump(Vertx vertx, EventQueue queue, Subscriptions subscriptions, Events events, Bookkeeping bookkeeping,
                 OutcomePolicy policy, Recorder recorder, GatewayMetrics metrics, String replicaId, int maxInFlight,
                 int perWebhook, long deliveryTimeoutMs) {
        this.vertx = vertx;
        this.queue = queue;
        this.subscriptions = subscriptions;
        this.bookkeeping = bookkeeping;
        this.policy = policy;
        this.recorder = recorder;
        this.metrics = metrics;
        this.replicaId = replicaId;
        this.maxInFlight = maxInFlight;
        this.perWebhook = perWebhook;
        this.firstTries = new FirstTryGroups(recorder, queue.partitions());
        this.resolver = new EntryResolver(subscriptions, events);
        this.dispatchers = new DispatchLink(vertx, deliveryTimeoutMs);
    }

    void start() {
        dispatchers.start();
        for (int p = 0; p < queue.partitions(); p++) {
            Partition part = new Partition(p);
            partitions.add(part);
            read(part);
        }
        sweeper = vertx.setPeriodic(SWEEP_MS, t -> sweep());
    }

    int inFlight() {
        return inFlight;
    }

    /** The most entries this pump holds at once (maxInFlight). */
    int capacity() {
        return maxInFlight;
    }

    /** How many more entries this pump takes now (0 while stopping). */
    int room() {
        return stopped ? 0 : maxInFlight - inFlight;
    }

    /**
     * Stops reading and hands queued work back to Redis at once, for any replica to take; completes
     * when the tries under way have finished and every outcome is recorded.
     */
    Future<Void> stop() {
        if (drained != null) {
            return drained.future();
        }
        stopped = true;
        vertx.cancelTimer(sweeper);
        drained = Promise.promise();
        recorder.stopping();
        for (Lane<Work> lane : lanes.values()) {
            for (Work w : lane.drainQueue()) {
                finish(w.part(), w.entry(), EventQueue.Outcome.REQUEUE, 0, "");
            }
        }
        checkDrained();
        return drained.future().eventually(dispatchers::stop);
    }

    /**
     * Starts the first tries of an event's deliveries, all of them or none, handed over by the fan-out
     * before anything of them is written; answers false, doing nothing, when the pump is stopping or
     * would be over its cap, or a webhook is disabled, has its circuit open, or its lane has no free slot
     * or is slow (then the deliveries go through the deliveries stream, where they are visible as
     * pending while they wait).
     */
    boolean startFirstTries(StreamEntry event, List<FirstTryGroups.FirstTry> tries, EventCache.Entry ev, long createdAt) {
        if (stopped || inFlight + tries.size() > maxInFlight) {
            return false;
        }
        Partition part = partitions.get(event.partition());
        if (firstTries.holds(event)) {
            return false;
        }
        long now = System.currentTimeMillis();
        for (FirstTryGroups.FirstTry t : tries) {
            Webhook webhook = t.webhook();
            if (!webhook.enabled() || webhook.health().circuitOpen()) {
                return false;
            }
            Lane<Work> busy = lanes.get(Lane.key(webhook));
            if (busy != null && (busy.offer(now) != Lane.Decision.START
                || busy.latencyMs(now) > FIRST_TRY_MAX_LATENCY_MS)) {
                return false;
            }
        }
        firstTries.begin(event, tries.size());
        for (FirstTryGroups.FirstTry t : tries) {
            Lane<Work> lane = lanes.computeIfAbsent(Lane.key(t.webhook()), id -> new Lane<>(perWebhook));
            inFlight++;
            send(lane, new Work(part, FirstTryGroups.entry(event, t.deliveryId(), t.webhook(), ev, createdAt), t.webhook(),
                ev));
        }
        return true;
    }

    /** Whether this replica is running the first tries of this event's deliveries (see {@link #startFirstTries}). */
    boolean holdsEvent(StreamEntry event) {
        return firstTries.holds(event);
    }

    /** Entries taken over from a replica that stopped answering (see {@link QueueMaintenance}). */
    void accept(int partition, List<StreamEntry> entries) {
        if (stopped) {
            // Taken over while stopping: left pending under this replica's name, for the next reclaim.
            return;
        }
        Partition part = partitions.get(partition);
        List<StreamEntry> taken = new ArrayList<>(entries.size());
        for (StreamEntry e : entries) {
            if (part.held.add(e.id())) {
                inFlight++;
                taken.add(e);
            }
        }
        resolveInOrder(part, taken);
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
                part.ownPending = !entries.isEmpty();
                part.pendingFrom = entries.isEmpty() ? "0" : entries.get(entries.size() - 1).id();
            }
            List<StreamEntry> taken = new ArrayList<>(entries.size());
            for (StreamEntry e : entries) {
                if (!part.held.add(e.id())) {
                    continue;
                }
                inFlight++;
                if (stopped) {
                    // Read while stopping: hand it straight back for another replica.
                    finish(part, e, EventQueue.Outcome.REQUEUE, 0, "");
                } else {
                    taken.add(e);
                }
            }
            resolveInOrder(part, taken);
            if (stopped) {
                checkDrained();
            } else {
                read(part);
            }
        });
    }

    /** Resolves the entries of one read, then decides on each in the order read (see {@link EntryResolver}). */
    private void resolveInOrder(Partition part, List<StreamEntry> entries) {
        resolver.inOrder(part.index, entries).onSuccess(all -> all.forEach(r -> decide(part, r)));
    }

    /** Asks the policy about a resolved entry: drop, fail, park or try. */
    private void decide(Partition part, EntryResolver.Resolved r) {
        StreamEntry entry = r.entry();
        if (r.deleted()) {
            finish(part, entry, EventQueue.Outcome.DROP, 0, "");
            return;
        }
        if (r.failed()) {
            // Redis unreachable: leave the entry pending; it is reclaimed once Redis is back.
            LOG.warn("cannot resolve delivery {}: Redis did not answer", entry.field("dl"));
            part.held.remove(entry.id());
            release();
            return;
        }
        Webhook w = r.webhook();
        EventCache.Entry ev = r.event();
        long now = System.currentTimeMillis();
        Decision d = policy.beforeTry(w != null, w != null && w.enabled(), ev != null);
        if (d.kind() != Decision.Kind.TRY) {
            finish(part, entry, d, d.reason().isEmpty() ? "" : TryRecord.notMade(d.reason(), now));
        } else if (w.health().circuitOpen() || !entry.field("pb").isEmpty()) {
            throughCircuit(new Work(part, entry, w, ev));
        } else {
            offer(new Work(part, entry, w, ev), now);
        }
    }

    /**
     * A try of a webhook whose circuit is open (as this replica knows it, or a held delivery sent out as
     * its probe): it goes only as the one probe at a time, cluster-wide; else it is held, or (a retry)
     * waits until the next probe is due.
     */
    private void throughCircuit(Work work) {
        String given = work.entry().field("pb");
        String token = given.isEmpty() ? replicaId + ":" + work.entry().field("dl") : given;
        bookkeeping.mayTry(work.webhook(), token).onComplete(ar -> {
            long now = System.currentTimeMillis();
            if (ar.failed()) {
                // Redis unreachable: leave the entry pending; it is reclaimed once Redis is back.
                work.part().held.remove(work.entry().id());
                release();
                return;
            }
            if (ar.result().allowed()) {
                Work go = ar.result().probe()
                    ? new Work(work.part(), work.entry(), work.webhook(), work.event(), token) : work;
                offer(go, now);
                return;
            }
            Decision d = policy.whileOpen(work.entry().step(), ar.result().retryAtMs());
            finish(work.part(), work.entry(), d, "");
        });
    }

    private void offer(Work work, long now) {
        Lane<Work> lane = lanes.computeIfAbsent(Lane.key(work.webhook()), id -> new Lane<>(perWebhook));
        switch (lane.offer(now)) {
            case START -> send(lane, work);
            case QUEUE -> lane.queue(work);
            case DEFER -> finish(work.part(), work.entry(), EventQueue.Outcome.WAIT,
                now + Lane.jitter(lane.deferDelayMs(now)), "");
        }
    }

    /** Hands back to Redis queued work whose lane now expects it to wait too long (a receiver slowed down). */
    private void sweep() {
        long now = System.currentTimeMillis();
        for (Lane<Work> lane : lanes.values()) {
            for (Work w : lane.overdue(now)) {
                finish(w.part(), w.entry(), EventQueue.Outcome.WAIT, now + Lane.jitter(lane.deferDelayMs(now)), "");
            }
        }
    }

    private void send(Lane<Work> lane, Work work) {
        long startedAt = System.currentTimeMillis();
        lane.started(startedAt);
        String deliveryId = work.entry().field("dl");
        dispatchers.send(deliveryId, work.webhook(), work.event().event(), work.event().eventsHeader()).onComplete(ar -> {
            Work next = lane.finished(startedAt, System.currentTimeMillis());
            if (next != null) {
                restart(lane, next);
            } else if (lane.idle()) {
                lanes.remove(Lane.key(work.webhook()), lane);
            }
            if (ar.failed()) {
                if (ar.cause() instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
                    // No dispatcher (shutting down): hand the entry back for this or another replica.
                    finish(work.part(), work.entry(), EventQueue.Outcome.REQUEUE, 0, "");
                    return;
                }
                LOG.warn("delivery {} got no answer from a dispatcher: {}", deliveryId, ar.cause().toString());
                tried(work, new DeliveryOutcome.Failed(0, "no answer from the dispatcher", "", 0, Map.of(), "", -1),
                    startedAt);
                return;
            }
            tried(work, ar.result(), startedAt);
        });
    }

    /**
     * Starts queued work, unless its webhook was disabled or deleted in the meantime; then the next
     * queued item gets its turn, so a lane never keeps work without a try under way.
     */
    private void restart(Lane<Work> lane, Work next) {
        subscriptions.webhookOrLoad(next.entry().field("pr"), next.entry().field("wh")).onComplete(ar -> {
            Webhook w = ar.succeeded() ? ar.result() : next.webhook();
            Decision d = policy.beforeTry(w != null, w != null && w.enabled(), true);
            if (d.kind() == Decision.Kind.TRY && w.health().circuitOpen() && next.probeToken().isEmpty()) {
                // Its circuit opened while it waited in the lane: held, or (a retry) back when a probe may go.
                d = policy.whileOpen(next.entry().step(), System.currentTimeMillis() + PROBE_RECHECK_MS);
            }
            if (d.kind() == Decision.Kind.TRY) {
                send(lane, new Work(next.part(), next.entry(), w, next.event(), next.probeToken()));
                return;
            }
            finish(next.part(), next.entry(), d, "");
            Work after = lane.pollQueued();
            if (after != null) {
                restart(lane, after);
            } else if (lane.idle()) {
                lanes.remove(Lane.key(next.webhook()), lane);
            }
        });
    }

    /** A try has ended: the webhook's bookkeeping, then what the policy says comes next. */
    private void tried(Work work, DeliveryOutcome outcome, long startedAt) {
        String tryJson = TryRecord.of(outcome, startedAt);
        metrics.tryDuration(outcome.durationMs());
        if (outcome instanceof DeliveryOutcome.Delivered) {
            metrics.eventToDelivery(System.currentTimeMillis() - work.event().event().acceptedAt());
        }
        bookkeeping.record(work.webhook(), outcome, work.probeToken()).onComplete(ar -> {
            boolean enabled = ar.failed() || ar.result();
            boolean heldProbe = !work.entry().field("pb").isEmpty();
            Decision d = policy.afterTry(outcome, work.entry().step(), enabled, heldProbe,
                System.currentTimeMillis());
            finish(work.part(), work.entry(), d, tryJson);
        });
    }

    /** Records what the policy decided for an entry (with its try, when one was made). */
    private void finish(Partition part, StreamEntry entry, Decision d, String tryJson) {
        finish(part, entry, Recorder.outcome(d), d.retryAtMs(), tryJson);
    }

    /**
     * Records an entry's outcome (a first try's together with those of its event's other first tries);
     * once written, the entry's slot is free and reading may go on.
     */
    private void finish(Partition part, StreamEntry entry, EventQueue.Outcome outcome, long nextAt, String tryJson) {
        EventQueue.Completion completion = new EventQueue.Completion(entry, outcome, nextAt, tryJson);
        Future<Void> written = entry.firstTry() ? firstTries.ended(completion)
            : recorder.record(completion).onComplete(x -> part.held.remove(entry.id()));
        written.onComplete(x -> {
            release();
            partitions.forEach(this::read);
        });
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


}
