package io.hookgate.policy;

import io.hookgate.bus.DeliveryOutcome;

/**
 * What a delivery's situation means, in one place: before a try (its webhook gone, its event's payload
 * gone, its webhook disabled) and after one (delivered, retried when, parked, failed for good), and when
 * a webhook's failures disable it. Plain Java: the delivery engine asks, then records what it is told.
 *
 * <p>The rules are Appwrite's, plus retries: a try succeeds when there was no transport error and the
 * status is below 400; {@code maxFailedAttempts} consecutive failed tries disable the webhook, and a
 * {@code 410 Gone} disables it at once (the receiver says the endpoint is gone for good, as Standard
 * Webhooks reads it); a failed delivery is tried again on the {@link RetrySchedule}, honouring the
 * receiver's {@code Retry-After}, until the schedule ends; deliveries of a disabled webhook are parked
 * until it is enabled again.
 */
public final class OutcomePolicy {
    /** What a delivery's try was never made for. */
    public static final String PAYLOAD_GONE = "the event's payload is no longer stored";

    private final RetrySchedule retries;
    private final int maxFailedAttempts;

    public OutcomePolicy(RetrySchedule retries, int maxFailedAttempts) {
        this.retries = retries;
        this.maxFailedAttempts = maxFailedAttempts;
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
            DROPPED
        }

        static final Decision TRY_NOW = new Decision(Kind.TRY, 0, "");
        static final Decision DELIVERED_NOW = new Decision(Kind.DELIVERED, 0, "");
        static final Decision PARK = new Decision(Kind.PARKED, 0, "");
        static final Decision DROP = new Decision(Kind.DROPPED, 0, "");

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
     * @param nowMs the time the next try's wait counts from
     */
    public Decision afterTry(DeliveryOutcome outcome, int failedBefore, boolean webhookEnabled, long nowMs) {
        if (outcome instanceof DeliveryOutcome.Delivered) {
            return Decision.DELIVERED_NOW;
        }
        if (!webhookEnabled) {
            return Decision.PARK;
        }
        DeliveryOutcome.Failed f = (DeliveryOutcome.Failed) outcome;
        int failedTries = failedBefore + 1;
        if (retries.hasNext(failedTries)) {
            return new Decision(Decision.Kind.RETRY, nowMs + retries.delayMs(failedTries, f.retryAfterMs()), "");
        }
        return Decision.fail("");
    }

    /**
     * How many consecutive failed tries disable the webhook, counting this failed one: one for a
     * {@code 410 Gone}, else {@code maxFailedAttempts}.
     */
    public int disableAfter(DeliveryOutcome.Failed failed) {
        return failed.status() == 410 ? 1 : maxFailedAttempts;
    }
}
