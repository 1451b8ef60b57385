package io.hookgate.bus;

import java.util.Map;

/** What one try of a delivery came to; a dispatcher's reply to a {@link DeliveryJob}. */
public sealed interface DeliveryOutcome {

    /** The HTTP status, or 0 when no response came (transport error, refused target). */
    int status();

    long durationMs();

    /** The response headers (empty without a response). */
    Map<String, String> headers();

    /** The first 10 000 bytes of the response body, as text. */
    String body();

    /** The receiver answered with a status below 400. */
    record Delivered(int status, long durationMs, Map<String, String> headers, String body) implements DeliveryOutcome {
    }

    /**
     * A status of 400 or more ({@code status > 0}) or a transport error ({@code status == 0}).
     * {@code logs} is the Appwrite-format text of the failure (contract section 3);
     * {@code retryAfterMs} is the receiver's {@code Retry-After} in ms, or -1.
     */
    record Failed(int status, String error, String logs, long durationMs, Map<String, String> headers, String body,
                  long retryAfterMs) implements DeliveryOutcome {
    }
}
