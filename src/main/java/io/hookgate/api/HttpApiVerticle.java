package io.hookgate.api;

import io.hookgate.bus.ErrorCode;
import io.hookgate.bus.RequestFailure;
import io.hookgate.config.HookgateConfig;
import io.hookgate.events.EventCatalogue;
import io.hookgate.model.Ids;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Objects;

/**
 * The public HTTP API: Appwrite-compatible webhooks management, projects and keys (admin), and event
 * ingestion. Several instances share one port. All state is behind the store on the event bus.
 */
public final class HttpApiVerticle extends VerticleBase {
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    /** One line per request: method, path (never the query or headers, which may carry secrets), status, time. */
    private static final org.slf4j.Logger ACCESS = org.slf4j.LoggerFactory.getLogger("hookgate.access");

    private final HookgateConfig.ApiConfig config;
    private final EventCatalogue catalogue;
    private final TargetCheck targets;
    private HttpServer server;

    public HttpApiVerticle(HookgateConfig.ApiConfig config, EventCatalogue catalogue, TargetCheck targets) {
        this.config = config;
        this.catalogue = catalogue;
        this.targets = targets;
    }

    @Override
    public Future<?> start() {
        StoreClient store = new StoreClient(vertx.eventBus());
        Auth auth = new Auth(store);
        ErrorHandler errors = new ErrorHandler(config.appwriteVersion());
        Router router = Router.router(vertx);
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
        router.route().handler(BodyHandler.create(false).setBodyLimit(config.maxRequestBytes()));
        new ProjectRoutes(store, auth).mount(router);
        new WebhookRoutes(store, auth, catalogue, targets).mount(router);
        new EventRoutes(store, auth, catalogue, config).mount(router);
        new DeliveryRoutes(store, auth).mount(router);
        router.route().last().handler(ctx -> ctx.fail(new RequestFailure(ErrorCode.ROUTE_NOT_FOUND,
            "The requested route was not found. Please refer to the API docs and try again.")));
        router.route().failureHandler(errors::handle);
        router.errorHandler(405, errors::handle);
        router.errorHandler(404, errors::handle);
        server = vertx.createHttpServer(new HttpServerOptions()
            .setHost(config.host())
            .setMaxHeaderSize(MAX_HEADER_BYTES)
            .setCompressionSupported(false));
        return server.requestHandler(router).invalidRequestHandler(errors::invalidRequest).listen(config.port());
    }

    /** The bound port (useful when configured as 0). */
    public int actualPort() {
        return server.actualPort();
    }
}
