package io.hookgate.dispatch;

import java.util.ArrayDeque;

/**
 * The deadlines of one dispatcher's tries. Every try has the same timeout, so deadlines come in the
 * order the tries start, and a queue checked every {@link #checkEveryMs} replaces a timer per try (each
 * one set and cancelled on the event loop's scheduler). A try that ends is only marked; the check drops
 * it when it reaches the head, and the queue is compacted when ended tries are most of it (one slow try
 * would otherwise keep every later one until its own deadline). Times are whole ms of a monotonic clock:
 * a deadline passes only once the clock is past it, so a try ends after at least the whole timeout.
 * Not thread-safe: one event loop uses it.
 */
final class Deadlines {
    private final long timeoutMs;
    private final ArrayDeque<Deadline> queue = new ArrayDeque<>();
    /** Tries under way (in the queue and not ended). */
    private int live;

    /** One try's deadline: {@link #timedOut()} once it passed while the try was under way. */
    static final class Deadline {
        private final long atMs;
        private Runnable onExpiry;
        private boolean timedOut;

        private Deadline(long atMs, Runnable onExpiry) {
            this.atMs = atMs;
            this.onExpiry = onExpiry;
        }

        boolean timedOut() {
            return timedOut;
        }
    }

    Deadlines(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    /** How often to {@link #expire}: a try then ends at most this much after its deadline. */
    long checkEveryMs() {
        return Math.max(5, Math.min(250, timeoutMs / 20));
    }

    /** A try starting at {@code nowMs} (a monotonic clock); {@code onExpiry} runs if it outlives the timeout. */
    Deadline start(long nowMs, Runnable onExpiry) {
        Deadline d = new Deadline(nowMs + timeoutMs, onExpiry);
        queue.addLast(d);
        live++;
        return d;
    }

    /** The try ended: its deadline no longer matters (and its expiry action is let go). */
    void done(Deadline d) {
        if (d.onExpiry == null) {
            return;
        }
        d.onExpiry = null;
        live--;
        if (queue.size() > 1024 && live < queue.size() / 4) {
            queue.removeIf(x -> x.onExpiry == null);
        }
    }

    /**
     * Runs the expiry actions of the tries under way whose deadline is before {@code nowMs} (a clock read in
     * whole ms: a try started at ms S may have started late in it, so its deadline S + timeout has passed
     * for sure only once the clock reads more).
     */
    void expire(long nowMs) {
        Deadline head;
        while ((head = queue.peekFirst()) != null && (head.onExpiry == null || head.atMs < nowMs)) {
            queue.pollFirst();
            Runnable action = head.onExpiry;
            if (action != null) {
                head.onExpiry = null;
                head.timedOut = true;
                live--;
                action.run();
            }
        }
    }

    /** Deadlines still queued, ended tries not yet dropped included. */
    int queued() {
        return queue.size();
    }
}
