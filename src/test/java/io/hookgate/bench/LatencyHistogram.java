package io.hookgate.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A log-linear histogram of latencies in microseconds, in the spirit of HdrHistogram but tiny:
 * values below 64 us get one bucket each; above, every power of two is split into 32 equal
 * sub-buckets, so a recorded value is known to within 1/32 (about 3%). 1,088 buckets cover 1 us to
 * about 38 hours; larger values land in the last bucket.
 *
 * <p>Recording is lock-free ({@link AtomicLongArray}), so several event loops may record into one
 * histogram while another thread reads percentiles: a read sees each increment or not, never a
 * torn count. Histograms travel between JVMs as {@link #toJson()} (sparse: only non-empty buckets).
 */
public final class LatencyHistogram {
    private static final int SUB_BITS = 5;
    private static final int SUB = 1 << SUB_BITS;
    private static final int LINEAR = 2 * SUB;
    private static final int MAX_EXPONENT = 37;
    static final int BUCKETS = LINEAR + (MAX_EXPONENT - SUB_BITS) * SUB;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final LongAdder total = new LongAdder();

    /** Records one value (negative values, from clock skew between processes, count as 0). */
    public void record(long micros) {
        counts.incrementAndGet(index(Math.max(0, micros)));
        total.increment();
    }

    public long count() {
        return total.sum();
    }

    /** Forgets every value (values recorded concurrently may survive or not). */
    public void reset() {
        for (int i = 0; i < BUCKETS; i++) {
            counts.set(i, 0);
        }
        total.reset();
    }

    static int index(long v) {
        if (v < LINEAR) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v);
        if (exponent > MAX_EXPONENT) {
            return BUCKETS - 1;
        }
        int sub = (int) (v >>> (exponent - SUB_BITS)) & (SUB - 1);
        return LINEAR + (exponent - SUB_BITS - 1) * SUB + sub;
    }

    /** The highest value that falls into bucket {@code i}. */
    static long highest(int i) {
        if (i < LINEAR) {
            return i;
        }
        int exponent = (i - LINEAR) / SUB + SUB_BITS + 1;
        int sub = (i - LINEAR) % SUB;
        return ((long) (SUB + sub + 1) << (exponent - SUB_BITS)) - 1;
    }

    /**
     * The value at quantile {@code q} (0..1) in microseconds: the highest value of the bucket that
     * holds the ceil(q * count)-th smallest value; 0 when empty.
     */
    public long quantile(double q) {
        return quantile(snapshot(), q);
    }

    /** Percentiles in milliseconds plus the count, as the driver reports them. */
    public JsonObject summary() {
        long[] s = snapshot();
        return new JsonObject()
            .put("count", sum(s))
            .put("p50Ms", millis(quantile(s, 0.50)))
            .put("p90Ms", millis(quantile(s, 0.90)))
            .put("p99Ms", millis(quantile(s, 0.99)))
            .put("p999Ms", millis(quantile(s, 0.999)))
            .put("maxMs", millis(quantile(s, 1.0)));
    }

    /** Sparse form: {@code [[bucket, count], ...]} of the non-empty buckets. */
    public JsonArray toJson() {
        JsonArray out = new JsonArray();
        for (int i = 0; i < BUCKETS; i++) {
            long c = counts.get(i);
            if (c > 0) {
                out.add(new JsonArray().add(i).add(c));
            }
        }
        return out;
    }

    /** Adds the buckets of a {@link #toJson()} form (merging histograms of several processes or phases). */
    public void add(JsonArray sparse) {
        for (int k = 0; k < sparse.size(); k++) {
            JsonArray pair = sparse.getJsonArray(k);
            long c = pair.getLong(1);
            counts.addAndGet(pair.getInteger(0), c);
            total.add(c);
        }
    }

    private long[] snapshot() {
        long[] s = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            s[i] = counts.get(i);
        }
        return s;
    }

    private static long sum(long[] s) {
        long n = 0;
        for (long c : s) {
            n += c;
        }
        return n;
    }

    private static long quantile(long[] s, double q) {
        long n = sum(s);
        if (n == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * n));
        long seen = 0;
        for (int i = 0; i < s.length; i++) {
            seen += s[i];
            if (seen >= rank) {
                return highest(i);
            }
        }
        return highest(s.length - 1);
    }

    /** Microseconds to milliseconds, rounded to 0.01 ms. */
    static double millis(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }
}
