package io.hookgate.api;

import io.hookgate.bus.ErrorCode;
import io.hookgate.bus.RequestFailure;
import io.hookgate.config.HookgateConfig;
import io.hookgate.events.EventCatalogue;
import io.hookgate.health.UnmeteredConnections;
import io.hookgate.model.Ids;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The public HTTP API: Appwrite-compatible webhooks management, projects and keys (admin), and event
 * ingestion. Several instances share one port. All state is behind the store on the event bus.
 */
public final class HttpApiVerticle extends VerticleBase {
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    /** How long a stop waits for the requests under way (a body read at the minimum rate may take long). */
    private static final long IN_FLIGHT_GRACE_SECONDS = 5;
    /** The name of Vert.x's HTTP/1.x request decoder in a connection's pipeline. */
    private static final String DECODER = "httpDecoder";
    /** One line per request: method, path (never the query or headers, which may carry secrets), status, time. */
    private static final org.slf4j.Logger ACCESS = org.slf4j.LoggerFactory.getLogger("hookgate.access");
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpApiVerticle.class);

    private final HookgateConfig.ApiConfig config;
    private final EventCatalogue catalogue;
    private final TargetCheck targets;
    private final FrontDoor door;
    private final BooleanSupplier draining;
    private Router router;
    private HttpServer server;

    /**
     * {@code door}: the one of this replica, shared by all its API instances; {@code draining}: true
     * once the replica is shutting down (every request is then answered 503).
     */
    public HttpApiVerticle(HookgateConfig.ApiConfig config, EventCatalogue catalogue, TargetCheck targets,
                           FrontDoor door, BooleanSupplier draining) {
        this.config = config;
        this.catalogue = catalogue;
        this.targets = targets;
        this.door = door;
        this.draining = draining;
    }

    @Override
    public Future<?> start() {
        return OpenApiRoutes.load(vertx).compose(this::listen);
    }

    private Future<HttpServer> listen(OpenApiRoutes openApi) {
        StoreClient store = new StoreClient(vertx.eventBus());
        Auth auth = new Auth(store, door);
        RequestBodies bodies = new RequestBodies(door);
        ErrorHandler errors = new ErrorHandler(config.appwriteVersion());
        router = Router.router(vertx);
        router.route().handler(ctx -> {
            String given = ctx.request().getHeader("X-Request-Id");
            String id = given != null && Ids.isValid(given) ? given : Ids.unique();
            ctx.put(ErrorHandler.REQUEST_ID, id);
            ctx.response().putHeader("X-Request-Id", id);
            long started = System.nanoTime();
            ctx.addEndHandler(v -> ACCESS.atInfo()
                .addKeyValue("requestId", id)
                .addKeyValue("project", Objects.requireNonNullElse(ctx.request().getHeader("X-Appwrite-Project"), "-"))
                .log("{} {} {} {}ms", ctx.request().method(), ctx.request().path(), ctx.response().getStatusCode(),
                    (System.nanoTime() - started) / 1_000_000));
            ctx.next();
        });
        // Synchronous up to here: the body must be paused before the first asynchronous handler (auth).
        router.route().handler(bodies::admit);
        router.route().handler(this::refuseWhileDraining);
        router.route().handler(HttpApiVerticle::decodableQuery);
        router.route().handler(HttpApiVerticle::onlyRawBodies);
        openApi.mount(router);
        // Each route reads its body itself, after authentication: only POST /v1/events may be large.
        Handler<RoutingContext> smallBody = bodies.read(config.frontDoor().maxOtherRequestBytes());
        new ProjectRoutes(store, auth, smallBody).mount(router);
        new WebhookRoutes(store, auth, smallBody, catalogue, targets, config.quotas()).mount(router);
        new EventRoutes(store, auth, bodies.read(config.maxRequestBytes()), catalogue, config).mount(router);
        new DeliveryRoutes(store, auth, smallBody).mount(router);
        new ConsoleRoutes(store, auth, smallBody, catalogue).mount(router);
        router.route().last().handler(ctx -> ctx.fail(new RequestFailure(ErrorCode.ROUTE_NOT_FOUND,
            "The requested route was not found. Please refer to the API docs and try again.")));
        router.route().failureHandler(errors::handle);
        // Failures outside any route (no match, a malformed percent-encoding in the path or query,
        // a failing failure handler): Vert.x passes the status, the context may hold neither.
        for (int status : new int[] {400, 404, 405, 500}) {
            router.errorHandler(status, errors.forStatus(status));
        }
        HttpServerOptions options = new HttpServerOptions()
            .setHost(config.host())
            .setMaxHeaderSize(MAX_HEADER_BYTES)
            // A connection that sends nothing for a minute (idle between requests, say) is closed.
            .setIdleTimeout(60)
            .setCompressionSupported(false)
            // HTTP/1.1 only: the door's limits (head deadline, framing) are those of HTTP/1.x, and
            // Appwrite's clients speak nothing else. An h2c upgrade request is answered in HTTP/1.1.
            .setHttp2ClearTextEnabled(false);
        server = vertx.createHttpServer(options);
        return server.connectionHandler(c -> admitConnection(c, options))
            .requestHandler(router).invalidRequestHandler(errors::invalidRequest).listen(config.port());
    }

    /**
     * A draining replica answers 503 with {@code Retry-After: 1} and closes the connection, so the
     * client's retry opens a new one, which the load balancer sends to a replica that is still ready.
     * Requests already past this point finish: nothing is cut half-way, and a request whose event was
     * stored gets its 202.
     */
    private void refuseWhileDraining(RoutingContext ctx) {
        if (draining.getAsBoolean()) {
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
            ctx.fail(RequestFailure.retryLater(ErrorCode.UNAVAILABLE,
                "This replica is shutting down; try again (another replica will take the request).", 1));
        } else {
            ctx.next();
        }
    }

    /**
     * Stops listening and lets the requests under way finish (at most {@link #IN_FLIGHT_GRACE_SECONDS}):
     * undeploying would otherwise close their connections without an answer.
     */
    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.shutdown(IN_FLIGHT_GRACE_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * A new connection: refused (closed at once) when it came without its metrics ({@link UnmeteredConnections})
     * or its address has {@code maxConnectionsPerAddress} open already, else counted until it closes and given
     * the guarded request decoder. Runs before the connection has read anything.
     */
    private void admitConnection(HttpConnection connection, HttpServerOptions options) {
        if (UnmeteredConnections.refuse(connection)) {
            return;
        }
        String address = FrontDoor.clientKey(connection.remoteAddress() == null ? null
            : connection.remoteAddress().hostAddress());
        if (!door.openConnection(address)) {
            door.refused(FrontDoor.Refusal.CONNECTIONS_PER_ADDRESS);
            connection.close();
            return;
        }
        connection.closeHandler(v -> door.closeConnection(address));
        if (connection instanceof ConnectionBase base) {
            ChannelPipeline pipeline = base.channel().pipeline();
            if (pipeline.get(DECODER) instanceof VertxHttpRequestDecoder) {
                pipeline.replace(DECODER, DECODER, new GuardedRequestDecoder(options, door));
                return;
            }
        }
        // Vert.x's pipeline is not what this was written against (an upgrade changed it): rather no
        // connection than one without the head deadline and the framing check.
        LOG.error("unexpected HTTP connection pipeline, the request decoder cannot be guarded: connection refused");
        connection.close();
    }

    /**
     * Decodes the query once up front: a malformed percent-encoding ({@code ?%ZZ}) would otherwise
     * throw from {@code getParam}/{@code queryParams} inside a route and become a 500.
     */
    private static void decodableQuery(RoutingContext ctx) {
        try {
            ctx.request().params();
            ctx.queryParams();
        } catch (IllegalArgumentException e) {
            ctx.fail(new RequestFailure(ErrorCode.ARGUMENT_INVALID,
                "The query string is not valid: malformed percent-encoding."));
            return;
        }
        ctx.next();
    }

    /**
     * The API reads JSON only, as raw bytes: multipart is refused with 415, and the urlencoded type
     * (curl -d sends JSON with it) is dropped, the body being the JSON it is.
     */
    private static void onlyRawBodies(RoutingContext ctx) {
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (type != null) {
            String t = type.trim().toLowerCase(Locale.ROOT);
            if (t.startsWith("multipart/")) {
                ctx.fail(new RequestFailure(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "The request body must be JSON (Content-Type: application/json), not multipart."));
                return;
            }
            if (t.startsWith("application/x-www-form-urlencoded")) {
                ctx.request().headers().remove(HttpHeaders.CONTENT_TYPE);
            }
        }
        ctx.next();
    }

    /** The router, once started: the tests hold the OpenAPI document to its routes. */
    Router router() {
        return router;
    }

    /** The bound port (useful when configured as 0). */
    public int actualPort() {
        return server.actualPort();
    }
}
