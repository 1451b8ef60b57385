package io.hookgate.bus;

/**
 * A failure with a code, thrown by the store's handlers and turned into a bus reply failure by the
 * store verticle. The message is meant for the API caller; it never holds secrets.
 */
public final class RequestFailure extends RuntimeException {
    private final ErrorCode code;

    public RequestFailure(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
