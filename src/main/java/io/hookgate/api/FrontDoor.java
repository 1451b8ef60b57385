package io.hookgate.api;

import io.hookgate.config.HookgateConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the API instances of one replica share at the door, before a route runs: the request body
 * bytes held at once, the open connections per client address, and the failed authentications per
 * client address. One object per replica, made at start and handed to every API instance (they share
 * the port, so a limit kept per instance would multiply by their number). All methods are thread-safe.
 *
 * <p>A client address is the peer's IP address, an IPv6 one cut to its /64 (one subscriber's
 * network, which is cheap to change addresses within). Behind a proxy every client has the proxy's
 * address.
 */
public final class FrontDoor {
    /** Why the door refused or closed something; counted for the metrics. */
    public enum Refusal {
        /** A connection over {@code maxConnectionsPerAddress}. */
        CONNECTIONS_PER_ADDRESS,
        /** A request head not complete within {@code requestHeadTimeoutMs}. */
        HEAD_TIMEOUT,
        /** A body arriving slower than {@code minBodyBytesPerSecond}. */
        BODY_TOO_SLOW,
        /** A body that did not fit into {@code maxRequestBytesInFlight} (503). */
        BODY_BUDGET,
        /** A body over its route's limit (413). */
        BODY_TOO_LARGE,
        /** An authentication attempt from an address over {@code maxFailedAuthPerMinute} (429). */
        AUTH_THROTTLED,
        /** A request with both Content-Length and Transfer-Encoding (400). */
        AMBIGUOUS_LENGTH
    }

    /** Addresses tracked for failed authentications before stale ones are swept out... */
    private static final int SWEEP_ABOVE = 10_000;
    /** ...at most once a second: a sweep walks them all. */
    private static final long SWEEP_EVERY_NANOS = 1_000_000_000L;
    /** Beyond this many addresses with recent failures, new ones are not tracked (memory stays bounded). */
    private static final int MAX_TRACKED = 100_000;

    private final HookgateConfig.FrontDoorConfig config;
    private final AtomicLong bodyBytes = new AtomicLong();
    private final AtomicLong bodyBytesPeak = new AtomicLong();
    private final Map<String, Integer> connections = new ConcurrentHashMap<>();
    private final Map<String, FailureBucket> failures = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep = new AtomicLong(System.nanoTime());
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

    // ---- connections per client address -----------------------------------------------------

    /** Counts a new connection of {@code address}; false (not counted) when the address has its maximum. */
    boolean openConnection(String address) {
        int max = config.maxConnectionsPerAddress();
        if (max == 0) {
            return true;
        }
        boolean[] admitted = {false};
        connections.compute(address, (a, n) -> {
            int open = n == null ? 0 : n;
            if (open >= max) {
                return n;
            }
            admitted[0] = true;
            return open + 1;
        });
        return admitted[0];
    }

    /** For every connection {@link #openConnection} admitted, once it has closed. */
    void closeConnection(String address) {
        if (config.maxConnectionsPerAddress() == 0) {
            return;
        }
        connections.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    // ---- failed authentications per client address -------------------------------------------

    /**
     * Zero when {@code address} may present a key now; else the seconds until it may. While an address
     * is throttled no key of it is checked, a correct one neither: a check would tell a guess that hit.
     */
    long authRetryAfterSeconds(String address) {
        if (config.maxFailedAuthPerMinute() == 0) {
            return 0;
        }
        FailureBucket b = failures.get(address);
        return b == null ? 0 : b.retryAfterSeconds(System.nanoTime());
    }

    /** Records a key of {@code address} that did not authenticate. */
    void authFailed(String address) {
        int perMinute = config.maxFailedAuthPerMinute();
        if (perMinute == 0) {
            return;
        }
        long now = System.nanoTime();
        if (failures.size() >= SWEEP_ABOVE && !failures.containsKey(address)) {
            long last = lastSweep.get();
            if (now - last >= SWEEP_EVERY_NANOS && lastSweep.compareAndSet(last, now)) {
                failures.values().removeIf(b -> b.full(now));
            }
            if (failures.size() >= MAX_TRACKED) {
                return;
            }
        }
        failures.computeIfAbsent(address, a -> new FailureBucket(perMinute)).take(now);
    }

    // ---- refusals ---------------------------------------------------------------------------

    void refused(Refusal why) {
        refusals.get(why).increment();
    }

    /** How often the door refused for this reason since start. */
    public long refusals(Refusal why) {
        return refusals.get(why).sum();
    }

    /**
     * The key limits are kept under for {@code ip} (an IP address as text): the address itself, an
     * IPv6 address cut to its /64. An IPv4 address written as IPv6 is the IPv4 address.
     */
    static String clientKey(String ip) {
        if (ip == null || ip.indexOf(':') < 0) {
            return ip == null ? "" : ip;
        }
        try {
            // A literal: no name lookup. Mapped IPv4 (::ffff:a.b.c.d) comes back as an Inet4Address.
            byte[] a = InetAddress.getByName(ip).getAddress();
            if (a.length == 4) {
                return InetAddress.getByAddress(a).getHostAddress();
            }
            byte[] prefix = new byte[16];
            System.arraycopy(a, 0, prefix, 0, 8);
            return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
        } catch (UnknownHostException e) {
            return ip;
        }
    }

    /**
     * A token bucket of failed attempts: {@code perMinute} at once, refilled at {@code perMinute} a
     * minute; an attempt needs a whole token.
     */
    private static final class FailureBucket {
        private final double capacity;
        private final double perNano;
        private double tokens;
        private long updated;

        FailureBucket(int perMinute) {
            this.capacity = perMinute;
            this.perNano = perMinute / 60e9;
            this.tokens = perMinute;
            this.updated = System.nanoTime();
        }

        private void refill(long now) {
            tokens = Math.min(capacity, tokens + (now - updated) * perNano);
            updated = now;
        }

        synchronized void take(long now) {
            refill(now);
            tokens = Math.max(0, tokens - 1);
        }

        synchronized long retryAfterSeconds(long now) {
            refill(now);
            return tokens >= 1 ? 0 : Math.max(1, (long) Math.ceil((1 - tokens) / perNano / 1e9));
        }

        synchronized boolean full(long now) {
            refill(now);
            return tokens >= capacity;
        }
    }
}
