package io.hookgate.policy;

import io.hookgate.bus.DeliveryOutcome;
import java.time.Duration;
import java.util.List;

/**
 * What a delivery's situation means, in one place: before a try (its webhook gone, its event's payload
 * gone, its webhook disabled, its circuit open) and after one (delivered, retried when, parked, failed
 * for good), and when a webhook's failures open its circuit or disable it. Plain Java: the delivery
 * engine asks, then records what it is told.
 *
 * <p>A try succeeds when there was no transport error and the status is below 400 (Appwrite's rule). A
 * refused target is a failed try too, one that leaves the webhook's bookkeeping alone. A
 * failed delivery is tried again on the {@link RetrySchedule}, honouring the receiver's
 * {@code Retry-After}, until the schedule ends. Under {@code hold}, a {@code 410 Gone} disables the webhook
 * at once (the receiver says the endpoint is gone for good, as Standard Webhooks reads it); deliveries of a disabled
 * webhook are parked until it is enabled again. The rest depends on the {@link FailurePolicy}:
 * <ul>
 *   <li>{@link FailurePolicy#HOLD} (the default): {@code circuitOpenAfter} consecutive failed tries open
 *   the webhook's circuit; while it is open, new deliveries are held, retries wait, and one probe at a
 *   time is tried, on the retry schedule's steps; the first success closes it and the held deliveries
 *   go out, oldest first. The webhook is disabled only once it has been failing for
 *   {@code disableAfter} and at least {@code maxFailedAttempts} tries in a row.</li>
 *   <li>{@link FailurePolicy#APPWRITE}: no circuit; {@code maxFailedAttempts} consecutive failed tries
 *   disable the webhook, as Appwrite does.</li>
 * </ul>
 */
public final class OutcomePolicy {
    /** What a delivery's try was never made for. */
    private static final List<Duration> DEFAULT_PROBE_STEPS = RetrySchedule.parse(RetrySchedule.DEFAULT);
    public static final String PAYLOAD_GONE = "the event's payload is no longer stored";

    /** What repeated failures of a webhook lead to. */
    public enum FailurePolicy {
        HOLD, APPWRITE;

        /** {@code hold} or {@code appwrite}. */
        public static FailurePolicy of(String value) {
            return switch (value) {
                case "hold" -> HOLD;
                case "appwrite" -> APPWRITE;
                default -> throw new IllegalArgumentException("unknown failure policy '" + value + "'");
            };
        }
    }

    private final RetrySchedule retries;
    private final int maxFailedAttempts;
    private final FailurePolicy failurePolicy;
    private final Duration disableAfter;
    private final int circuitOpenAfter;

    public OutcomePolicy(RetrySchedule retries, int maxFailedAttempts, FailurePolicy failurePolicy,
                         Duration disableAfter, int circuitOpenAfter) {
        this.retries = retries;
        this.maxFailedAttempts = maxFailedAttempts;
        this.failurePolicy = failurePolicy;
        this.disableAfter = disableAfter;
        this.circuitOpenAfter = circuitOpenAfter;
    }

    /** What becomes of a delivery. */
    public record Decision(Kind kind, long retryAtMs, String reason) {
        public enum Kind {
            /** Make the try now. */
            TRY,
            /** The receiver took it. */
            DELIVERED,
            /** Try again at {@code retryAtMs}. */
            RETRY,
            /** No more tries: the schedule ended, or the try cannot be made ({@code reason}). */
            FAILED,
            /** Its webhook is disabled: kept until it is enabled again. */
            PARKED,
            /** Its webhook is gone: the record goes too. */
            DROPPED,
            /** Its webhook's circuit is open: kept, not tried, until it closes. */
            HELD,
            /** Its webhook's circuit is open: asked again at {@code retryAtMs}, no try counted. */
            WAIT
        }

        static final Decision TRY_NOW = new Decision(Kind.TRY, 0, "");
        static final Decision DELIVERED_NOW = new Decision(Kind.DELIVERED, 0, "");
        static final Decision PARK = new Decision(Kind.PARKED, 0, "");
        static final Decision DROP = new Decision(Kind.DROPPED, 0, "");
        static final Decision HOLD = new Decision(Kind.HELD, 0, "");

        static Decision fail(String reason) {
            return new Decision(Kind.FAILED, 0, reason);
        }
    }

    /**
     * Before a try, given what was found of its webhook and its event.
     *
     * @param webhookExists false when the webhook was deleted
     * @param webhookEnabled whether the webhook is enabled (ignored when it is gone)
     * @param payloadStored false when the event's payload has expired from Redis
     */
    public Decision beforeTry(boolean webhookExists, boolean webhookEnabled, boolean payloadStored) {
        if (!webhookExists) {
            return Decision.DROP;
        }
        if (!payloadStored) {
            return Decision.fail(PAYLOAD_GONE);
        }
        return webhookEnabled ? Decision.TRY_NOW : Decision.PARK;
    }

    /**
     * After a try.
     *
     * @param failedBefore the delivery's failed tries before this one (its retry step)
     * @param webhookEnabled whether the webhook is still enabled after this try's bookkeeping
     * @param heldProbe the try was a held delivery sent out as its circuit's probe: when it fails, it is
     *                  held again (the circuit is still open), keeping its place as the oldest
     * @param nowMs the time the next try's wait counts from
     */
    public Decision afterTry(DeliveryOutcome outcome, int failedBefore, boolean webhookEnabled, boolean heldProbe,
                             long nowMs) {
        if (outcome instanceof DeliveryOutcome.Delivered) {
            return Decision.DELIVERED_NOW;
        }
        if (!webhookEnabled) {
            return Decision.PARK;
        }
        if (heldProbe) {
            return Decision.HOLD;
        }
        long retryAfterMs = outcome instanceof DeliveryOutcome.Failed f ? f.retryAfterMs() : -1;
        int failedTries = failedBefore + 1;
        if (retries.hasNext(failedTries)) {
            return new Decision(Decision.Kind.RETRY, nowMs + retries.delayMs(failedTries, retryAfterMs), "");
        }
        return Decision.fail("");
    }

    /**
     * A delivery whose webhook's circuit is open and whose try is not the probe: a new one is held until
     * the circuit closes; a retry keeps its place on its own schedule and asks again when the next probe
     * is due ({@code probeAtMs}).
     */
    public Decision whileOpen(int failedBefore, long probeAtMs) {
        return failedBefore == 0 ? Decision.HOLD : new Decision(Decision.Kind.WAIT, probeAtMs, "");
    }

    /**
     * A {@code 410 Gone} read whole, under {@code hold}: the webhook is disabled at once. Under Appwrite's
     * policy it is a failure like any other, as Appwrite counts it.
     */
    public boolean gone(DeliveryOutcome.Failed failed) {
        return failurePolicy == FailurePolicy.HOLD && failed.status() == 410 && failed.error().isEmpty();
    }

    public int maxFailedAttempts() {
        return maxFailedAttempts;
    }

    /** How long a webhook fails before it may be disabled; -1 under Appwrite's policy (at once, by count). */
    public long disableAfterMs() {
        return failurePolicy == FailurePolicy.APPWRITE ? -1 : disableAfter.toMillis();
    }

    /** Consecutive failed tries that open a webhook's circuit; 0 under Appwrite's policy (no circuit). */
    public int circuitOpenAfter() {
        return failurePolicy == FailurePolicy.APPWRITE ? 0 : circuitOpenAfter;
    }

    /**
     * The waits before successive probes of an open circuit: the retry schedule's steps, or, with no
     * retries ({@code retrySchedule=none}), the default schedule's, so a failing receiver is still probed.
     */
    public List<Long> probeStepsMs() {
        List<Duration> steps = retries.steps().isEmpty() ? DEFAULT_PROBE_STEPS : retries.steps();
        return steps.stream().map(Duration::toMillis).toList();
    }
}
