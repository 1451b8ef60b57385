package io.hookgate.bench;

import java.time.Instant;

/**
 * Wall-clock time in microseconds since the epoch. The load generator stamps payloads with it and
 * the receiver (another JVM on the same machine, so the same clock) subtracts it on arrival. Also
 * the driver's sleep, for its measuring windows and polls.
 */
final class BenchClock {
    private BenchClock() {
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
