package io.hookgate.api;

import io.hookgate.config.HookgateConfig;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the API instances of one replica share at the door, before a route runs: the request body
 * bytes held at once. One object per replica, made at start and handed to every API instance (they
 * share the port, so a limit kept per instance would multiply by their number). All methods are
 * thread-safe.
 */
public final class FrontDoor {
    /** Why the door refused or closed something; counted for the metrics. */
    public enum Refusal {
        /** A body arriving slower than {@code minBodyBytesPerSecond}. */
        BODY_TOO_SLOW,
        /** A body that did not fit into {@code maxRequestBytesInFlight} (503). */
        BODY_BUDGET,
        /** A body over its route's limit (413). */
        BODY_TOO_LARGE
    }

    private final HookgateConfig.FrontDoorConfig config;
    private final AtomicLong bodyBytes = new AtomicLong();
    private final AtomicLong bodyBytesPeak = new AtomicLong();
    private final Map<Refusal, LongAdder> refusals = new EnumMap<>(Refusal.class);

    public FrontDoor(HookgateConfig.FrontDoorConfig config) {
        this.config = config;
        for (Refusal r : Refusal.values()) {
            refusals.put(r, new LongAdder());
        }
    }

    HookgateConfig.FrontDoorConfig config() {
        return config;
    }

    // ---- body bytes held by this replica ------------------------------------------------------

    /** Whether {@code bytes} more would fit now (a hint before reading; {@link #reserveBody} decides). */
    boolean bodyFits(long bytes) {
        return bodyBytes.get() + bytes <= config.maxRequestBytesInFlight();
    }

    /** Takes {@code bytes} of the replica's body budget; false (nothing taken) when they do not fit. */
    boolean reserveBody(long bytes) {
        long cap = config.maxRequestBytesInFlight();
        while (true) {
            long held = bodyBytes.get();
            if (held + bytes > cap) {
                return false;
            }
            if (bodyBytes.compareAndSet(held, held + bytes)) {
                bodyBytesPeak.accumulateAndGet(held + bytes, Math::max);
                return true;
            }
        }
    }

    void releaseBody(long bytes) {
        if (bytes > 0) {
            bodyBytes.addAndGet(-bytes);
        }
    }

    /** Request body bytes this replica holds now. */
    public long bodyBytes() {
        return bodyBytes.get();
    }

    /** The most request body bytes this replica held at once since it started. */
    public long bodyBytesPeak() {
        return bodyBytesPeak.get();
    }

    // ---- refusals ---------------------------------------------------------------------------

    void refused(Refusal why) {
        refusals.get(why).increment();
    }

    /** How often the door refused for this reason since start. */
    public long refusals(Refusal why) {
        return refusals.get(why).sum();
    }
}
