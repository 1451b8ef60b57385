package io.hookgate.bus;

/**
 * Why a request failed: the failure code of a bus reply and, through {@link #type()} and
 * {@link #status()}, the Appwrite error type and HTTP status the API answers with.
 */
public enum ErrorCode {
    ARGUMENT_INVALID("general_argument_invalid", 400),
    UNAUTHORIZED("user_unauthorized", 401),
    UNAUTHORIZED_SCOPE("general_unauthorized_scope", 401),
    KEY_EXPIRED("project_key_expired", 401),
    ROUTE_NOT_FOUND("general_route_not_found", 404),
    PROJECT_NOT_FOUND("project_not_found", 404),
    PROJECT_ALREADY_EXISTS("project_already_exists", 409),
    KEY_NOT_FOUND("key_not_found", 404),
    WEBHOOK_NOT_FOUND("webhook_not_found", 404),
    WEBHOOK_ALREADY_EXISTS("webhook_already_exists", 409),
    DELIVERY_NOT_FOUND("delivery_not_found", 404),
    RATE_LIMITED("general_rate_limit_exceeded", 429),
    METHOD_NOT_ALLOWED("general_method_unsupported", 405),
    PAYLOAD_TOO_LARGE("general_payload_too_large", 413),
    UNSUPPORTED_MEDIA_TYPE("general_unsupported_media_type", 415),
    UNAVAILABLE("general_service_unavailable", 503),
    SERVER_ERROR("general_server_error", 500),
    WEBHOOK_LIMIT_EXCEEDED("webhook_limit_exceeded", 403),
    PROJECT_ID_MISSING("project_id_missing", 403),
    CURSOR_NOT_FOUND("general_cursor_not_found", 400);

    private final String type;
    private final int status;

    ErrorCode(String type, int status) {
        this.type = type;
        this.status = status;
    }

    public String type() {
        return type;
    }

    public int status() {
        return status;
    }

    /** The code carried by a reply failure; unknown codes are server errors. */
    public static ErrorCode ofFailureCode(int code) {
        ErrorCode[] all = values();
        return code >= 0 && code < all.length ? all[code] : SERVER_ERROR;
    }

    public int failureCode() {
        return ordinal();
    }
}
