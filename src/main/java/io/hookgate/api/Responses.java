package io.hookgate.api;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writing success answers. */
final class Responses {
    private Responses() {
    }

    static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }

    /** 204 without a content type: Appwrite's SDKs parse any JSON-typed answer, even an empty one. */
    static void noContent(RoutingContext ctx) {
        ctx.response().setStatusCode(204).end();
    }
}
