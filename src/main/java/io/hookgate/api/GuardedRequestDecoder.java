package io.hookgate.api;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The API port's HTTP/1.x request decoder: Vert.x's own, with two refusals it lacks.
 *
 * <ul>
 *   <li>A request head (request line and headers) must be complete within {@code headTimeoutMs} of its
 *   first byte, else the connection is closed. The idle timeout cannot do this: it restarts with every
 *   byte, so a header line every few seconds would hold a connection for ever. Time between requests
 *   on a kept-alive connection is left to the idle timeout.</li>
 *   <li>A request with both Content-Length and Transfer-Encoding is invalid (RFC 9112 section 6.3: the
 *   two framings disagree, the mark of request smuggling). Netty would drop the length and read
 *   chunks; here the request becomes an invalid one, which Vert.x hands to the server's invalid-request
 *   handler (a 400, then the connection closes).</li>
 * </ul>
 *
 * <p>Installed in place of Vert.x's decoder when a connection opens, before it has read anything
 * (see {@link HttpApiVerticle}). This reaches into Vert.x's internals (the pipeline and the decoder
 * class), which the public API of 5.0 does not offer; the front-door tests fail if that changes.
 */
final class GuardedRequestDecoder extends VertxHttpRequestDecoder {
    /** The reason an invalid request carries when both framings were given. */
    static final class AmbiguousLengthException extends IllegalArgumentException {
        AmbiguousLengthException() {
            super("Content-Length and Transfer-Encoding together", null);
        }
    }

    private final FrontDoor door;
    private final long headTimeoutMs;
    /** When the first byte of the request head now being read arrived; 0 between requests. */
    private long headStarted;
    /** Between a request's head and the end of its body. */
    private boolean inBody;
    private ScheduledFuture<?> deadline;

    GuardedRequestDecoder(HttpServerOptions options, FrontDoor door) {
        super(options);
        this.door = door;
        this.headTimeoutMs = door.config().requestHeadTimeoutMs();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!inBody && headStarted == 0 && msg instanceof ByteBuf b && b.isReadable()) {
            headStarted = System.nanoTime();
        }
        super.channelRead(ctx, msg);
        // Most heads arrive in one read and are decoded by now: a timer only for those that do not.
        if (headStarted != 0 && deadline == null && ctx.channel().isActive()) {
            long left = headTimeoutMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - headStarted);
            deadline = ctx.executor().schedule(() -> headTooSlow(ctx), Math.max(0, left), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        int before = out.size();
        super.decode(ctx, in, out);
        for (int i = before; i < out.size(); i++) {
            Object m = out.get(i);
            if (m instanceof HttpRequest) {
                headStarted = 0;
                inBody = true;
                cancelDeadline();
            }
            if (m instanceof LastHttpContent) {
                inBody = false;
                if (in.isReadable()) {
                    // A pipelined request's head follows in the same read.
                    headStarted = System.nanoTime();
                }
            }
        }
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        door.refused(FrontDoor.Refusal.AMBIGUOUS_LENGTH);
        throw new AmbiguousLengthException();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelDeadline();
        super.channelInactive(ctx);
    }

    private void headTooSlow(ChannelHandlerContext ctx) {
        deadline = null;
        if (headStarted != 0 && ctx.channel().isActive()) {
            door.refused(FrontDoor.Refusal.HEAD_TIMEOUT);
            ctx.close();
        }
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
