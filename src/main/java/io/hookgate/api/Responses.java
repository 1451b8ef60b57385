package io.hookgate.api;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writing success answers. */
final class Responses {
    private Responses() {
    }

    static void json(RoutingContext ctx, int status, JsonObject body) {
        json(ctx, status, body.encode());
    }

    /** A body already written as JSON text. */
    static void json(RoutingContext ctx, int status, String body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }

    /** 204 without a content type: Appwrite's SDKs parse any JSON-typed answer, even an empty one. */
    static void noContent(RoutingContext ctx) {
        ctx.response().setStatusCode(204).end();
    }
}
