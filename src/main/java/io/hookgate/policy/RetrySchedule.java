package io.hookgate.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * When a failed delivery is tried again. {@code steps.get(i)} is the wait after the (i+1)-th failed
 * try, so a schedule of n steps allows n + 1 tries in all. Each wait is jittered by +-20% so that the
 * retries of a burst do not arrive together. A {@code Retry-After} of the receiver (on 429 or 503)
 * is honoured but kept within [step, 2 x step]: a receiver can slow us down, never stall us nor make
 * us hammer it. An empty schedule ({@code none}) allows one try, as Appwrite makes. Plain Java.
 */
public final class RetrySchedule {
    static final double JITTER = 0.2;
    /** The default schedule: ten tries over about three days. */
    public static final String DEFAULT = "5s,5m,30m,2h,5h,10h,14h,20h,24h";
    /** The schedule of no retries: one try per delivery. */
    public static final String NONE = "none";

    private final List<Duration> steps;
    private final DoubleSupplier random;

    public RetrySchedule(List<Duration> steps, DoubleSupplier random) {
        this.steps = List.copyOf(steps);
        this.random = random;
    }

    public RetrySchedule(List<Duration> steps) {
        this(steps, () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    }

    /** Parses {@code "5s,5m,30m,2h"}: positive integers with ms, s, m, h or d; {@code none}: no retries. */
    public static List<Duration> parse(String text) {
        if (text.trim().equalsIgnoreCase(NONE)) {
            return List.of();
        }
        List<Duration> out = new ArrayList<>();
        for (String raw : text.split(",", -1)) {
            String s = raw.trim().toLowerCase(Locale.ROOT);
            if (s.isEmpty()) {
                throw new IllegalArgumentException("empty step in retry schedule '" + text + "'");
            }
            int unitAt = 0;
            while (unitAt < s.length() && Character.isDigit(s.charAt(unitAt))) {
                unitAt++;
            }
            if (unitAt == 0 || unitAt > 12) {
                throw new IllegalArgumentException("bad step '" + raw.trim() + "' in retry schedule: use e.g. 5s, 5m, 2h");
            }
            long n = Long.parseLong(s.substring(0, unitAt));
            Duration d = switch (s.substring(unitAt)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException("bad unit in step '" + raw.trim()
                    + "' of retry schedule: use ms, s, m, h or d");
            };
            if (d.isZero()) {
                throw new IllegalArgumentException("retry schedule steps must be positive: '" + raw.trim() + "'");
            }
            out.add(d);
        }
        return List.copyOf(out);
    }

    public List<Duration> steps() {
        return steps;
    }

    /** Whether a delivery whose {@code failedTries} tries all failed may be tried again. */
    public boolean hasNext(int failedTries) {
        return failedTries >= 1 && failedTries <= steps.size();
    }

    /**
     * The wait before the next try after {@code failedTries} failed tries (1-based), in ms.
     *
     * @param retryAfterMs the receiver's {@code Retry-After} in ms, or a negative value when absent
     */
    public long delayMs(int failedTries, long retryAfterMs) {
        long step = steps.get(failedTries - 1).toMillis();
        if (retryAfterMs >= 0) {
            return Math.max(step, Math.min(2 * step, retryAfterMs));
        }
        double factor = 1 - JITTER + 2 * JITTER * random.getAsDouble();
        return Math.max(1, Math.round(step * factor));
    }

    /** The longest time a delivery can spend between its first and its last try. */
    public Duration maxSpan() {
        Duration total = Duration.ZERO;
        for (Duration d : steps) {
            total = total.plus(d.multipliedBy(2));
        }
        return total;
    }

    /**
     * Parses a {@code Retry-After} value (delta seconds, or an HTTP date) into ms from {@code nowMs};
     * -1 when absent or unreadable.
     */
    public static long parseRetryAfter(String value, long nowMs) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        String v = value.trim();
        if (v.chars().allMatch(Character::isDigit) && v.length() <= 10) {
            return Long.parseLong(v) * 1000;
        }
        try {
            long at = java.time.ZonedDateTime.parse(v, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                .toInstant().toEpochMilli();
            return Math.max(0, at - nowMs);
        } catch (java.time.format.DateTimeParseException e) {
            return -1;
        }
    }
}
