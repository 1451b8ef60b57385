package io.hookgate.bus;

/**
 * A failure with a code, thrown by the store's handlers and turned into a bus reply failure by the
 * store verticle. The message is meant for the API caller; it never holds secrets. A rate-limit
 * failure, and an unavailable store that knows when to try again, also say when to come back; on the
 * bus that travels in front of the message ({@link #wireMessage()} / {@link #fromWire}).
 */
public final class RequestFailure extends RuntimeException {
    private final ErrorCode code;
    private final long retryAfterSeconds;

    public RequestFailure(ErrorCode code, String message) {
        this(code, message, 0);
    }

    private RequestFailure(ErrorCode code, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static RequestFailure projectNotFound() {
        // Appwrite's words (app/config/errors.php, PROJECT_NOT_FOUND).
        return new RequestFailure(ErrorCode.PROJECT_NOT_FOUND, "Project with the requested ID could not be found."
            + " Please check the value of the X-Appwrite-Project header to ensure the correct project ID is being used.");
    }

    public static RequestFailure webhookNotFound() {
        return new RequestFailure(ErrorCode.WEBHOOK_NOT_FOUND, "Webhook with the requested ID could not be found.");
    }

    public static RequestFailure deliveryNotFound() {
        return new RequestFailure(ErrorCode.DELIVERY_NOT_FOUND, "Delivery with the requested ID could not be found.");
    }

    public static RequestFailure rateLimited(long retryAfterSeconds) {
        return new RequestFailure(ErrorCode.RATE_LIMITED, "Rate limit for events exceeded; retry after "
            + retryAfterSeconds + " s.", retryAfterSeconds);
    }

    /**
     * A refusal that says when to come back ({@code Retry-After}); across the bus only
     * {@link ErrorCode#RATE_LIMITED} and {@link ErrorCode#UNAVAILABLE} keep their wait.
     */
    public static RequestFailure retryLater(ErrorCode code, String message, long retryAfterSeconds) {
        return new RequestFailure(code, message, retryAfterSeconds);
    }

    public ErrorCode code() {
        return code;
    }

    /** Seconds until a retry may succeed, else 0. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The reply-failure message: {@code "<retryAfter>|<message>"} when it has a wait, else the message. */
    public String wireMessage() {
        return keepsWait(code) && retryAfterSeconds > 0 ? retryAfterSeconds + "|" + getMessage() : getMessage();
    }

    public static RequestFailure fromWire(ErrorCode code, String message) {
        if (keepsWait(code) && message != null && message.indexOf('|') > 0) {
            int bar = message.indexOf('|');
            try {
                return new RequestFailure(code, message.substring(bar + 1), Long.parseLong(message.substring(0, bar)));
            } catch (NumberFormatException e) {
                return new RequestFailure(code, message);
            }
        }
        return new RequestFailure(code, message);
    }

    private static boolean keepsWait(ErrorCode code) {
        return code == ErrorCode.RATE_LIMITED || code == ErrorCode.UNAVAILABLE;
    }
}
