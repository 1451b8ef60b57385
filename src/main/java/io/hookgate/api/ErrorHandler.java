package io.hookgate.api;

import io.hookgate.bus.ErrorCode;
import io.hookgate.bus.RequestFailure;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure handler: every error leaves as Appwrite's {@code {message, code, type, version}}.
 * A 5xx carries only the request ID; its cause goes to the log under that ID.
 */
final class ErrorHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorHandler.class);
    static final String REQUEST_ID = "requestId";

    private final String version;

    ErrorHandler(String version) {
        this.version = version;
    }

    void handle(RoutingContext ctx) {
        handle(ctx, ctx.statusCode());
    }

    /** For {@code Router.errorHandler(status, ...)}: the status is known, the context may not carry it. */
    Handler<RoutingContext> forStatus(int status) {
        return ctx -> handle(ctx, status);
    }

    private void handle(RoutingContext ctx, int status) {
        Throwable failure = ctx.failure();
        ErrorCode code;
        String message;
        if (failure instanceof RequestFailure f) {
            code = f.code();
            message = f.getMessage();
            if (f.retryAfterSeconds() > 0) {
                ctx.response().putHeader("Retry-After", Long.toString(f.retryAfterSeconds()));
            }
        } else if (status >= 400 && status < 500) {
            // Vert.x's own refusals, with or without a cause: no route, a malformed percent-encoding,
            // a body its decoder rejected, a body over the limit.
            code = byStatus(status);
            message = defaultMessage(code);
        } else if (failure != null && status == 200) {
            // BodyHandler fails with the status 200 (sic) when reading the request failed for another
            // reason than its decoder, e.g. a malformed chunk size: the client's doing.
            code = ErrorCode.ARGUMENT_INVALID;
            message = "The request body could not be read.";
        } else if (failure == null && status > 0) {
            code = byStatus(status);
            message = defaultMessage(code);
        } else {
            code = ErrorCode.SERVER_ERROR;
            message = null;
        }
        if (code.status() >= 500) {
            String id = ctx.get(REQUEST_ID, "-");
            if (code == ErrorCode.SERVER_ERROR) {
                LOG.error("request {} {} {} failed", id, ctx.request().method(), ctx.request().path(), failure);
            }
            message = (code == ErrorCode.UNAVAILABLE ? "Service unavailable" : "Server Error") + " (request " + id + ")";
        }
        send(ctx, code, message);
    }

    void send(RoutingContext ctx, ErrorCode code, String message) {
        if (ctx.response().ended()) {
            return;
        }
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        JsonObject body = new JsonObject()
            .put("message", message)
            .put("code", code.status())
            .put("type", code.type())
            .put("version", version);
        ctx.response().setStatusCode(code.status())
            .putHeader("Content-Type", "application/json")
            .end(body.encode());
    }

    /**
     * Requests the HTTP codec refuses before routing (request line or headers too long, malformed
     * HTTP/1.x): the same error shape as everything else instead of Vert.x's empty default answer,
     * then the connection closes as the default handler does.
     */
    void invalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        int status;
        String message;
        if (cause instanceof TooLongHttpLineException) {
            status = 414;
            message = "The request line is longer than the server accepts.";
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = 431;
            message = "The request headers are larger than the server accepts.";
        } else if (cause instanceof GuardedRequestDecoder.AmbiguousLengthException) {
            status = 400;
            message = "A request must not have both Content-Length and Transfer-Encoding.";
        } else {
            status = 400;
            message = "The request is not valid HTTP.";
        }
        JsonObject body = new JsonObject()
            .put("message", message)
            .put("code", status)
            .put("type", ErrorCode.ARGUMENT_INVALID.type())
            .put("version", version);
        request.response().setStatusCode(status)
            .putHeader("Content-Type", "application/json")
            .putHeader("Connection", "close")
            .end(body.encode())
            .onComplete(x -> request.connection().close());
    }

    private static ErrorCode byStatus(int status) {
        return switch (status) {
            case 400 -> ErrorCode.ARGUMENT_INVALID;
            case 401 -> ErrorCode.UNAUTHORIZED;
            case 404 -> ErrorCode.ROUTE_NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 503 -> ErrorCode.UNAVAILABLE;
            default -> status >= 500 ? ErrorCode.SERVER_ERROR : ErrorCode.ARGUMENT_INVALID;
        };
    }

    private static String defaultMessage(ErrorCode code) {
        return switch (code) {
            case ROUTE_NOT_FOUND -> "The requested route was not found.";
            case METHOD_NOT_ALLOWED -> "The requested method is not supported by this route.";
            case PAYLOAD_TOO_LARGE -> "The request body is larger than the configured limit.";
            case UNSUPPORTED_MEDIA_TYPE -> "The request body must be application/json.";
            default -> "Invalid request.";
        };
    }
}
