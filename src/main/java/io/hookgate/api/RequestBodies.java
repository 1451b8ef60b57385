package io.hookgate.api;

import io.hookgate.bus.ErrorCode;
import io.hookgate.bus.RequestFailure;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Request bodies, read only once the caller is known. {@link #admit} (the first handler of every
 * request) pauses a request that announces a body; the route authenticates from the headers; then
 * {@link #read} takes the body within the route's limit, within the replica's budget of body bytes
 * held at once ({@code maxRequestBytesInFlight}) and at no less than {@code minBodyBytesPerSecond}.
 * An answer given while the body is still unread (401, 413, 429, 503, a route that reads none)
 * closes the connection: what follows on it would be the rest of that body.
 *
 * <p>Vert.x does not pause a request for its router (web 4.3 stopped doing it), and a request that
 * is not paused drops the body bytes that arrive while no handler is set: hence the pause before the
 * first asynchronous handler. A paused request holds a few chunks, then Vert.x stops reading the
 * socket.
 */
final class RequestBodies {
    private static final String BODY = "hookgate.body";
    private static final String CLOSE = "hookgate.closeAfterAnswer";
    /** The minimum rate must be met within every window of this length. */
    private static final long RATE_WINDOW_MS = 5_000;
    /**
     * How long a connection closed with its body unread still takes (and drops) the client's bytes:
     * closing a socket with unread bytes resets it, and a reset can destroy the answer before the
     * client has read it.
     */
    private static final long LINGER_MS = 2_000;
    private static final long BUSY_RETRY_AFTER_SECONDS = 1;

    private final FrontDoor door;

    RequestBodies(FrontDoor door) {
        this.door = door;
    }

    /** The body a {@link #read} handler read, as bytes; null when the request had none. */
    static byte[] bytes(RoutingContext ctx) {
        Buffer body = ctx.get(BODY);
        return body == null ? null : body.getBytes();
    }

    /** First handler of every request: nothing of a body is read before the route lets it. */
    void admit(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (announcesBody(request)) {
            request.pause();
            ctx.addHeadersEndHandler(v -> {
                if (!request.isEnded()) {
                    ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
                    ctx.put(CLOSE, Boolean.TRUE);
                }
            });
            ctx.addBodyEndHandler(v -> {
                if (ctx.get(CLOSE) != null) {
                    closeUnread(ctx.vertx(), request);
                }
            });
        }
        ctx.next();
    }

    /** Reads the body (at most {@code limit} bytes, else 413) for the next handler; after authentication. */
    Handler<RoutingContext> read(int limit) {
        return ctx -> {
            HttpServerRequest request = ctx.request();
            if (!announcesBody(request)) {
                ctx.next();
                return;
            }
            long length = contentLength(request);
            if (length > limit) {
                ctx.fail(tooLarge(limit));
                return;
            }
            if (length > 0 && !door.bodyFits(length)) {
                ctx.fail(busy());
                return;
            }
            String expect = request.getHeader(HttpHeaders.EXPECT);
            if (expect != null) {
                if (!expect.equalsIgnoreCase("100-continue")) {
                    ctx.fail(new RequestFailure(ErrorCode.ARGUMENT_INVALID,
                        "The Expect header may only be 100-continue."));
                    return;
                }
                // Only now, with the caller known and the body sure to fit, is the client asked for it.
                if (request.version() != HttpVersion.HTTP_1_0) {
                    ctx.response().writeContinue();
                }
            }
            new Reader(ctx, limit, length).start();
        };
    }

    private RequestFailure tooLarge(int limit) {
        door.refused(FrontDoor.Refusal.BODY_TOO_LARGE);
        return new RequestFailure(ErrorCode.PAYLOAD_TOO_LARGE,
            "The request body is larger than this route accepts (" + limit + " bytes).");
    }

    private RequestFailure busy() {
        door.refused(FrontDoor.Refusal.BODY_BUDGET);
        return RequestFailure.retryLater(ErrorCode.UNAVAILABLE, "Too many request bodies are being read.",
            BUSY_RETRY_AFTER_SECONDS);
    }

    /** One body being read; its bytes count against the replica's budget until the answer is out. */
    private final class Reader {
        private final RoutingContext ctx;
        private final int limit;
        private final Buffer body;
        private long reserved;
        private long window;
        private long timer = -1;
        private boolean done;

        Reader(RoutingContext ctx, int limit, long length) {
            this.ctx = ctx;
            this.limit = limit;
            // Grown as bytes arrive: an announced length costs nothing until it is sent.
            this.body = Buffer.buffer((int) Math.min(Math.max(length, 1024), 64 * 1024));
        }

        void start() {
            HttpServerRequest request = ctx.request();
            ctx.addEndHandler(x -> {
                stop();
                door.releaseBody(reserved);
                reserved = 0;
            });
            request.handler(this::chunk).exceptionHandler(this::broken).endHandler(v -> end());
            int rate = door.config().minBodyBytesPerSecond();
            if (rate > 0) {
                long perWindow = rate * RATE_WINDOW_MS / 1000;
                timer = ctx.vertx().setPeriodic(RATE_WINDOW_MS, t -> checkRate(perWindow));
            }
            request.resume();
        }

        private void chunk(Buffer chunk) {
            if (done) {
                return;
            }
            window += chunk.length();
            if (reserved + chunk.length() > limit) {
                stop();
                ctx.fail(tooLarge(limit));
            } else if (!door.reserveBody(chunk.length())) {
                stop();
                ctx.fail(busy());
            } else {
                reserved += chunk.length();
                body.appendBuffer(chunk);
            }
        }

        private void end() {
            if (!done) {
                stop();
                ctx.put(BODY, body);
                ctx.next();
            }
        }

        private void broken(Throwable err) {
            if (!done) {
                stop();
                ctx.fail(new RequestFailure(ErrorCode.ARGUMENT_INVALID, "The request body could not be read."));
            }
        }

        /** A body slower than the minimum holds a connection and budget for nothing: it is closed, unanswered. */
        private void checkRate(long perWindow) {
            if (done) {
                return;
            }
            if (window < perWindow) {
                stop();
                door.refused(FrontDoor.Refusal.BODY_TOO_SLOW);
                ctx.request().connection().close();
            }
            window = 0;
        }

        private void stop() {
            done = true;
            if (timer >= 0) {
                ctx.vertx().cancelTimer(timer);
                timer = -1;
            }
        }
    }

    /** Takes and drops what is left of an unread body for a moment, then closes the connection. */
    private static void closeUnread(Vertx vertx, HttpServerRequest request) {
        HttpConnection connection = request.connection();
        long timer = vertx.setTimer(LINGER_MS, t -> connection.close());
        request.exceptionHandler(err -> { })
            .handler(chunk -> { })
            .endHandler(v -> {
                vertx.cancelTimer(timer);
                connection.close();
            })
            .resume();
    }

    private static boolean announcesBody(HttpServerRequest request) {
        return request.headers().contains(HttpHeaders.TRANSFER_ENCODING) || contentLength(request) > 0;
    }

    /** The announced length; -1 when there is none (chunked, or no body). */
    private static long contentLength(HttpServerRequest request) {
        String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
