package io.hookgate.bus;

/** What one try of a delivery came to; a dispatcher's reply to a {@link DeliveryJob}. */
public sealed interface DeliveryOutcome {

    long durationMs();

    /** The receiver answered with a status below 400. */
    record Delivered(int status, long durationMs) implements DeliveryOutcome {
    }

    /**
     * A status of 400 or more ({@code status > 0}) or a transport error ({@code status == 0}).
     * {@code logs} is the Appwrite-format text of the failure (contract section 3).
     */
    record Failed(int status, String error, String logs, long durationMs) implements DeliveryOutcome {
    }
}
