package io.hookgate.bus;

import java.util.Map;

/** What one try of a delivery came to: a dispatcher's answer to a {@link DeliveryJob}, sent back in a {@link TryOutcome}. */
public sealed interface DeliveryOutcome {

    /** The HTTP status, or 0 when no response came (transport error, refused target). */
    int status();

    long durationMs();

    /** The response headers (empty without a response). */
    Map<String, String> headers();

    /** The first 10 000 bytes of the response body, as text. */
    String body();

    /** The receiver answered with a status below 400, and its answer was read whole. */
    record Delivered(int status, long durationMs, Map<String, String> headers, String body) implements DeliveryOutcome {
    }

    /**
     * A failed try that counts against the webhook: a status of 400 or more ({@code error} empty), or a
     * transport error ({@code error} says which; {@code status} is 0, or the status of an answer that
     * could not be read whole, such as one over {@code maxResponseBytes}). {@code logs} is the
     * Appwrite-format text of the failure (contract section 3); {@code retryAfterMs} is the receiver's
     * {@code Retry-After} in ms, or -1.
     */
    record Failed(int status, String error, String logs, long durationMs, Map<String, String> headers, String body,
                  long retryAfterMs) implements DeliveryOutcome {
        /** The error, or the status that failed the try: for log lines. */
        public String describe() {
            return error.isEmpty() ? "status " + status : error;
        }
    }

    /**
     * No request was made: the target guard refused the address. Like Appwrite's worker, which returns
     * before the request when its host check fails, this leaves the webhook's {@code attempts} and
     * {@code logs} as they are; the delivery keeps the try, with the refusal as its error, and is retried.
     */
    record Refused(String error, long durationMs) implements DeliveryOutcome {
        @Override
        public int status() {
            return 0;
        }

        @Override
        public Map<String, String> headers() {
            return Map.of();
        }

        @Override
        public String body() {
            return "";
        }
    }
}
