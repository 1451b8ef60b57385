package io.hookgate.engine;

import io.hookgate.health.GatewayMetrics;
import io.hookgate.policy.OutcomePolicy;
import io.hookgate.redis.EventQueue;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the outcomes of stream entries to Redis in batches, per partition: a batch goes when it holds
 * {@link #FLUSH_AT} outcomes, after {@link #FLUSH_DELAY_MS}, or at once while stopping; one script per
 * batch (first tries and queued deliveries each have theirs). An outcome's future completes once it is
 * recorded, or once Redis lost its data (NOGROUP: nothing left to acknowledge). A batch that fails is
 * kept and written again after a backoff: the outcome is known, only its record is missing (Redis may
 * be restarting). Owned by the store verticle's event loop.
 */
final class Recorder {
    private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);
    private static final int FLUSH_AT = 128;
    private static final long FLUSH_DELAY_MS = 2;

    private final Vertx vertx;
    private final EventQueue queue;
    private final GatewayMetrics metrics;
    private final List<Batch> partitions = new ArrayList<>();
    private boolean stopping;

    /** An outcome waiting to be written, and who waits for it. */
    private record Pending(EventQueue.Completion completion, Promise<Void> written) {
    }

    private static final class Batch {
        final int partition;
        final Backoff backoff = new Backoff();
        List<Pending> pending = new ArrayList<>();
        boolean scheduled;
        boolean flushing;
        /** The last flush failed: the next one repeats outcomes that may have been recorded (their answer lost). */
        boolean again;

        Batch(int partition) {
            this.partition = partition;
        }
    }

    Recorder(Vertx vertx, EventQueue queue, GatewayMetrics metrics) {
        this.vertx = vertx;
        this.queue = queue;
        this.metrics = metrics;
        for (int p = 0; p < queue.partitions(); p++) {
            partitions.add(new Batch(p));
        }
    }

    /** Writes every outcome at once from now on, and what waits now. */
    void stopping() {
        stopping = true;
        partitions.forEach(this::flush);
    }

    /** Queues an outcome for its partition's next batch; completes when it is recorded. */
    Future<Void> record(EventQueue.Completion completion) {
        return recordAll(List.of(completion));
    }

    /**
     * Queues outcomes of one partition, to be written together in one script (the first tries of one
     * event: see {@code lua/complete_first.lua}); completes when they are recorded.
     */
    Future<Void> recordAll(List<EventQueue.Completion> completions) {
        completions.forEach(this::count);
        Batch b = partitions.get(completions.get(0).entry().partition());
        Promise<Void> written = Promise.promise();
        for (EventQueue.Completion c : completions) {
            b.pending.add(new Pending(c, written));
        }
        if (b.pending.size() >= FLUSH_AT || stopping) {
            flush(b);
        } else if (!b.scheduled) {
            b.scheduled = true;
            vertx.setTimer(FLUSH_DELAY_MS, t -> {
                b.scheduled = false;
                flush(b);
            });
        }
        return written.future();
    }

    private void count(EventQueue.Completion completion) {
        metrics.outcome(switch (completion.outcome()) {
            case DELIVERED -> GatewayMetrics.Outcome.DELIVERED;
            case RETRY -> GatewayMetrics.Outcome.RETRY;
            case FAILED -> GatewayMetrics.Outcome.FAILED;
            case PARKED -> GatewayMetrics.Outcome.PARKED;
            case HOLD -> GatewayMetrics.Outcome.HELD;
            case WAIT -> GatewayMetrics.Outcome.DEFERRED;
            case REQUEUE -> GatewayMetrics.Outcome.REQUEUED;
            case DROP -> GatewayMetrics.Outcome.DROPPED;
        });
    }

    private void flush(Batch b) {
        if (b.flushing || b.pending.isEmpty()) {
            return;
        }
        b.flushing = true;
        List<Pending> batch = b.pending;
        b.pending = new ArrayList<>();
        List<Pending> queued = new ArrayList<>(batch.size());
        List<Pending> first = new ArrayList<>();
        for (Pending p : batch) {
            (p.completion().entry().firstTry() ? first : queued).add(p);
        }
        Future<Void> a = queued.isEmpty() ? Future.succeededFuture() : queue.complete(b.partition, completions(queued));
        Future<Void> c = first.isEmpty() ? Future.succeededFuture()
            : queue.completeFirstTries(b.partition, completions(first), b.again);
        Future.join(a, c).onComplete(x -> {
            b.flushing = false;
            List<Pending> again = new ArrayList<>();
            settle(a, queued, again);
            settle(c, first, again);
            if (!again.isEmpty()) {
                LOG.warn("recording {} outcomes failed ({}), retrying", again.size(),
                    (a.failed() ? a : c).cause().getMessage());
                again.addAll(b.pending);
                b.pending = again;
                b.again = true;
                vertx.setTimer(b.backoff.nextDelay(), t -> flush(b));
                return;
            }
            b.backoff.reset();
            b.again = false;
            flush(b);
        });
    }

    /** After one script: its outcomes are done, or kept in {@code again} when it failed for another reason than NOGROUP. */
    private static void settle(Future<Void> recorded, List<Pending> pending, List<Pending> again) {
        String error = recorded.failed() ? String.valueOf(recorded.cause().getMessage()) : null;
        if (error != null && !error.startsWith("NOGROUP")) {
            again.addAll(pending);
            return;
        }
        // The outcomes of one group (recordAll) share one promise.
        pending.forEach(p -> p.written().tryComplete());
    }

    /** How a policy's decision ends a stream entry. */
    static EventQueue.Outcome outcome(OutcomePolicy.Decision d) {
        return switch (d.kind()) {
            case DELIVERED -> EventQueue.Outcome.DELIVERED;
            case RETRY -> EventQueue.Outcome.RETRY;
            case FAILED -> EventQueue.Outcome.FAILED;
            case PARKED -> EventQueue.Outcome.PARKED;
            case DROPPED -> EventQueue.Outcome.DROP;
            case HELD -> EventQueue.Outcome.HOLD;
            case WAIT -> EventQueue.Outcome.WAIT;
            case TRY -> throw new IllegalArgumentException("a try is not an outcome");
        };
    }

    private static List<EventQueue.Completion> completions(List<Pending> pending) {
        List<EventQueue.Completion> out = new ArrayList<>(pending.size());
        pending.forEach(p -> out.add(p.completion()));
        return out;
    }
}
