package io.hookgate.engine;


/** Doubling delay for a loop that keeps failing (Redis down): 100 ms up to 5 s, reset on success. */
final class Backoff {
    private static final long MIN_MS = 100;
    private static final long MAX_MS = 5_000;
    private long next = MIN_MS;

    long nextDelay() {
        long d = next;
        next = Math.min(MAX_MS, next * 2);
        return d;
    }

    void reset() {
        next = MIN_MS;
    }
}
