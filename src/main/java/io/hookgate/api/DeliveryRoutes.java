package io.hookgate.api;

import io.hookgate.bus.Replies;
import io.hookgate.bus.StoreRequest;
import io.hookgate.model.DeliveryRecord;
import io.hookgate.model.Scope;
import io.hookgate.model.Timestamps;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Seeing and replaying deliveries: {@code GET /v1/webhooks/{id}/deliveries} (newest first, status
 * filter, cursor paging), one delivery with its event and tries, {@code POST .../retry} and
 * {@code POST /v1/webhooks/{id}/recover}.
 */
final class DeliveryRoutes {
    private static final int DEFAULT_LIMIT = 25;
    private static final int MAX_LIMIT = 100;
    private static final Pattern CURSOR = Pattern.compile("\\d{1,18}:[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final StoreClient store;
    private final Auth auth;
    private final Handler<RoutingContext> body;

    /** {@code body}: reads the request body, after authentication. */
    DeliveryRoutes(StoreClient store, Auth auth, Handler<RoutingContext> body) {
        this.store = store;
        this.auth = auth;
        this.body = body;
    }

    void mount(Router router) {
        router.get("/v1/webhooks/:webhookId/deliveries").handler(auth.project(Scope.WEBHOOKS_READ))
            .handler(PathIds::check).handler(body).handler(this::list);
        router.get("/v1/webhooks/:webhookId/deliveries/:deliveryId").handler(auth.project(Scope.WEBHOOKS_READ))
            .handler(PathIds::check).handler(body).handler(this::get);
        router.post("/v1/webhooks/:webhookId/deliveries/:deliveryId/retry").handler(auth.project(Scope.WEBHOOKS_WRITE))
            .handler(PathIds::check).handler(body).handler(this::retry);
        router.post("/v1/webhooks/:webhookId/recover").handler(auth.project(Scope.WEBHOOKS_WRITE))
            .handler(PathIds::check).handler(body).handler(this::recover);
    }

    private void list(RoutingContext ctx) {
        String status = ctx.request().getParam("status");
        String cursor = ctx.request().getParam("cursor");
        if (cursor != null && !CURSOR.matcher(cursor).matches()) {
            throw JsonBody.invalid("Invalid `cursor` param: use the nextCursor of a previous page.");
        }
        int limit = DEFAULT_LIMIT;
        String limitParam = ctx.request().getParam("limit");
        if (limitParam != null) {
            try {
                limit = Integer.parseInt(limitParam);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw JsonBody.invalid("Invalid `limit` param: an integer between 1 and " + MAX_LIMIT + ".");
            }
        }
        store.<Replies.DeliveryPage>request(new StoreRequest.ListDeliveries(Auth.projectId(ctx),
                ctx.pathParam("webhookId"), status, limit, cursor))
            .onSuccess(page -> {
                JsonArray items = new JsonArray();
                page.deliveries().forEach(d -> items.add(model(d)));
                Responses.json(ctx, 200, new JsonObject().put("deliveries", items)
                    .put("nextCursor", page.nextCursor() == null ? "" : page.nextCursor()));
            }).onFailure(ctx::fail);
    }

    private void get(RoutingContext ctx) {
        store.<Replies.DeliveryDetail>request(new StoreRequest.GetDelivery(Auth.projectId(ctx),
                ctx.pathParam("webhookId"), ctx.pathParam("deliveryId")))
            .onSuccess(d -> Responses.json(ctx, 200, model(d)))
            .onFailure(ctx::fail);
    }

    private void retry(RoutingContext ctx) {
        store.<Replies.DeliveryDetail>request(new StoreRequest.RetryDelivery(Auth.projectId(ctx),
                ctx.pathParam("webhookId"), ctx.pathParam("deliveryId")))
            .onSuccess(d -> Responses.json(ctx, 202, model(d)))
            .onFailure(ctx::fail);
    }

    private void recover(RoutingContext ctx) {
        JsonBody body = JsonBody.parse(RequestBodies.bytes(ctx), Set.of("since"));
        String since = body.string("since", true, 64);
        long sinceMs;
        try {
            sinceMs = OffsetDateTime.parse(since).toInstant().toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            try {
                // Years beyond +-292 million overflow epoch milliseconds (ArithmeticException).
                sinceMs = Instant.parse(since).toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e2) {
                throw JsonBody.invalid("Invalid `since` param: an ISO 8601 date-time such as 2026-11-27T10:00:00.000+00:00.");
            }
        }
        store.<Replies.Count>request(new StoreRequest.RecoverDeliveries(Auth.projectId(ctx), ctx.pathParam("webhookId"),
                sinceMs))
            .onSuccess(n -> Responses.json(ctx, 202, new JsonObject().put("requeued", n.count())))
            .onFailure(ctx::fail);
    }

    /** A delivery as the API shows it; the event's payload only when it was loaded (single GET). */
    static JsonObject model(Replies.DeliveryDetail detail) {
        DeliveryRecord d = detail.delivery();
        JsonArray attempts = new JsonArray();
        d.triesJson().forEach(t -> attempts.add(new JsonObject(t)));
        JsonObject out = new JsonObject()
            .put("$id", d.id())
            .put("$createdAt", Timestamps.format(d.createdAt()))
            .put("$updatedAt", Timestamps.format(d.updatedAt()))
            .put("webhookId", d.webhookId())
            .put("eventId", d.eventId())
            .put("event", d.eventName())
            .put("expansion", new JsonArray(detail.expansion()))
            .put("status", d.status().value())
            .put("nextRetryAt", d.nextTryAt() > 0 ? Timestamps.format(d.nextTryAt()) : "")
            .put("attemptCount", d.tries())
            .put("attempts", attempts);
        if (detail.payload() != null) {
            out.put("payload", new JsonObject(Buffer.buffer(detail.payload())));
        }
        return out;
    }
}
