package io.hookgate.engine;

import io.hookgate.model.Webhook;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One webhook's share of a replica's delivery capacity: at most {@code cap} tries in flight, a queue
 * behind them, and an estimate of how long a try takes (moving average, and never less than the age
 * of the oldest try still under way, so a receiver that stops answering is noticed at once). The
 * queue is bounded by time, not by a count: work that would wait here longer than
 * {@link #MAX_WAIT_MS} is handed back to Redis instead, at once when it arrives and later through
 * {@link #overdue} when the estimate grows, so a slow receiver never holds capacity that healthy ones
 * need, while a fast one can have a long queue. Plain Java; owned by one event loop.
 */
final class Lane<T> {
    /** Longest expected wait in the queue before work is deferred to Redis. */
    static final long MAX_WAIT_MS = 2_000;
    /** Shortest and longest stay of deferred work in Redis. */
    static final long MIN_DEFER_MS = 100;
    static final long MAX_DEFER_MS = 30_000;
    private static final double SMOOTHING = 0.2;

    private final int cap;
    private final int maxQueued;
    private final ArrayDeque<T> queue = new ArrayDeque<>();
    private final ArrayDeque<Long> startedAt = new ArrayDeque<>();
    private double averageMs = -1;
    /** The earliest time the next deferred work may be booked to come back (see {@link #deferDelayMs}). */
    private long nextReturnMs;

    Lane(int cap) {
        this.cap = cap;
        // A safety bound only: the expected wait decides (the pump's maxInFlight bounds all lanes).
        this.maxQueued = 64 * cap;
    }

    /** What to do with new work: start it, queue it, or defer it. */
    enum Decision { START, QUEUE, DEFER }

    Decision offer(long nowMs) {
        if (startedAt.size() < cap) {
            return Decision.START;
        }
        if (queue.size() >= maxQueued || expectedWaitMs(nowMs) > MAX_WAIT_MS) {
            return Decision.DEFER;
        }
        return Decision.QUEUE;
    }

    void queue(T work) {
        queue.add(work);
    }

    void started(long nowMs) {
        startedAt.add(nowMs);
    }

    /**
     * The try started at {@code startedAtMs} ended at {@code nowMs}; answers the next queued work to
     * start, or null. Tries end in any order: the one that ended is forgotten, not the oldest, so a try
     * that hangs keeps counting in {@link #latencyMs} while younger ones come and go.
     */
    T finished(long startedAtMs, long nowMs) {
        if (!startedAt.removeFirstOccurrence(startedAtMs)) {
            startedAt.poll();
        }
        long durationMs = Math.max(0, nowMs - startedAtMs);
        averageMs = averageMs < 0 ? durationMs : averageMs + SMOOTHING * (durationMs - averageMs);
        return queue.poll();
    }

    /**
     * Queued work, from the tail, that would now wait longer than {@link #MAX_WAIT_MS} (the latency
     * estimate grew since it was queued): removed and answered, to go back to Redis.
     */
    java.util.List<T> overdue(long nowMs) {
        java.util.List<T> out = new java.util.ArrayList<>();
        long latency = latencyMs(nowMs);
        while (!queue.isEmpty() && ((queue.size() - 1) / cap + 1) * latency > MAX_WAIT_MS) {
            out.add(queue.pollLast());
        }
        return out;
    }

    /** The next queued work, or null. */
    T pollQueued() {
        return queue.poll();
    }

    /** Queued work, emptied (shutdown). */
    ArrayDeque<T> drainQueue() {
        ArrayDeque<T> out = new ArrayDeque<>(queue);
        queue.clear();
        return out;
    }

    boolean idle() {
        return startedAt.isEmpty() && queue.isEmpty();
    }

    /** How long a try takes, as far as we can tell now. */
    long latencyMs(long nowMs) {
        long oldest = startedAt.isEmpty() ? 0 : nowMs - startedAt.peek();
        return Math.max(Math.max(0, (long) averageMs), oldest);
    }

    /** Expected wait of one more queued item: the queue ahead of it drains {@code cap} at a time. */
    long expectedWaitMs(long nowMs) {
        return (queue.size() / cap + 1) * latencyMs(nowMs);
    }

    /**
     * How long one piece of deferred work stays in Redis: about until the lane expects room for it, within
     * [{@link #MIN_DEFER_MS}, {@link #MAX_DEFER_MS}], and behind the work this lane deferred before. Each
     * call books a place: deferred work comes back spread at the lane's own pace ({@code cap} tries per
     * {@link #latencyMs}), not all after the same wait. Without that, a receiver that stayed slow under a
     * steady flow had its whole backlog read back from Redis, refused and deferred again every few
     * seconds, at a cost to Redis and to every other webhook's deliveries.
     */
    long deferDelayMs(long nowMs) {
        long at = Math.max(nowMs + Math.max(MIN_DEFER_MS, expectedWaitMs(nowMs)), nextReturnMs);
        at = Math.min(at, nowMs + MAX_DEFER_MS);
        nextReturnMs = Math.min(at + Math.max(1, latencyMs(nowMs) / cap), nowMs + MAX_DEFER_MS);
        return at - nowMs;
    }

    /** A lane's key: webhook IDs are unique within a project only, and a lane belongs to one project's webhook. */
    static String key(Webhook w) {
        return w.projectId() + "/" + w.id();
    }

    /** A delay with up to a fifth more at random, so that work deferred together does not come back together. */
    static long jitter(long ms) {
        return ms + ThreadLocalRandom.current().nextLong(Math.max(1, ms / 5));
    }
}
