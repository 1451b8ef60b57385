package io.hookgate.api;

import io.hookgate.bus.Replies;
import io.hookgate.bus.StoreRequest;
import io.hookgate.events.CatalogueListing;
import io.hookgate.events.EventCatalogue;
import io.hookgate.events.InvalidEventException;
import io.hookgate.model.RetiredSecret;
import io.hookgate.model.Scope;
import io.hookgate.model.Timestamps;
import io.hookgate.model.Webhook;
import io.hookgate.signing.StandardWebhooksSignature;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console at {@code /console} (see {@link ConsoleAssets}) and the read-only routes it needs
 * beside the Appwrite API:
 * <ul>
 *   <li>{@code GET /v1/catalogue}: the subscribable events with their descriptions, and
 *       {@code GET /v1/catalogue/expansion?event=}: what a concrete event expands to;</li>
 *   <li>{@code GET /v1/webhooks/{id}/secret} (and for operational webhooks): the signature key in the
 *       webhook's properties, as Appwrite's dashboard shows it. Secrets are encrypted at rest, so this is
 *       a decrypt: it needs {@code webhooks.write}, answers {@code no-store}, and each reveal is logged
 *       (logger {@code hookgate.audit}) without the value;</li>
 *   <li>{@code GET /v1/webhooks/{id}/deliveries/{deliveryId}/request}: the request a try sent, rebuilt
 *       ({@link DeliveryRequest}).</li>
 * </ul>
 */
final class ConsoleRoutes {
    private static final Logger AUDIT = LoggerFactory.getLogger("hookgate.audit");
    private static final int MAX_EVENT_PARAM = 1024;

    private final StoreClient store;
    private final Auth auth;
    private final Handler<RoutingContext> body;
    private final EventCatalogue catalogue;
    private final ConsoleAssets assets = new ConsoleAssets();
    /** The catalogue's answer, built once: it never changes while the gateway runs. */
    private final String catalogueJson;

    /** {@code body}: reads the request body, after authentication. */
    ConsoleRoutes(StoreClient store, Auth auth, Handler<RoutingContext> body, EventCatalogue catalogue) {
        this.store = store;
        this.auth = auth;
        this.body = body;
        this.catalogue = catalogue;
        JsonArray events = new JsonArray();
        List<CatalogueListing.Entry> entries = CatalogueListing.load();
        entries.forEach(e -> events.add(new JsonObject().put("event", e.event()).put("description", e.description())));
        this.catalogueJson = new JsonObject().put("total", entries.size()).put("events", events).encode();
    }

    void mount(Router router) {
        router.route("/console/*").method(HttpMethod.GET).method(HttpMethod.HEAD)
            .handler(ConsoleAssets::securityHeaders).handler(ctx -> {
                if (ctx.request().path().equals("/console")) {
                    // Relative module paths resolve against the folder, so the console lives at /console/.
                    ctx.redirect("/console/");
                } else {
                    assets.serve(ctx);
                }
            });

        Handler<RoutingContext> read = auth.project(Scope.WEBHOOKS_READ);
        Handler<RoutingContext> write = auth.project(Scope.WEBHOOKS_WRITE);
        router.get("/v1/catalogue").handler(read).handler(body).handler(ctx -> ctx.response().setStatusCode(200)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(catalogueJson));
        router.get("/v1/catalogue/expansion").handler(read).handler(body).handler(this::expansion);
        router.get("/v1/webhooks/:webhookId/secret").handler(write).handler(PathIds::check).handler(body)
            .handler(ctx -> secret(ctx, false));
        router.get("/v1/operational-webhooks/:webhookId/secret").handler(write).handler(PathIds::check).handler(body)
            .handler(ctx -> secret(ctx, true));
        router.get("/v1/webhooks/:webhookId/deliveries/:deliveryId/request").handler(read).handler(PathIds::check)
            .handler(body).handler(this::request);
    }

    private void expansion(RoutingContext ctx) {
        String event = ctx.request().getParam("event");
        if (event == null || event.isEmpty() || event.length() > MAX_EVENT_PARAM) {
            throw JsonBody.invalid("Invalid `event` param: a concrete event name such as users.u1.update.email.");
        }
        List<String> expansion;
        try {
            expansion = catalogue.expand(event);
        } catch (InvalidEventException e) {
            throw JsonBody.invalid("Invalid `event` param: " + e.getMessage());
        }
        Responses.json(ctx, 200, new JsonObject().put("event", event).put("expansion", new JsonArray(expansion)));
    }

    private void secret(RoutingContext ctx, boolean operational) {
        String projectId = Auth.projectId(ctx);
        String webhookId = ctx.pathParam("webhookId");
        store.<Webhook>request(new StoreRequest.GetWebhook(projectId, webhookId, operational)).onSuccess(w -> {
            AUDIT.atInfo().addKeyValue("requestId", ctx.<String>get(ErrorHandler.REQUEST_ID))
                .addKeyValue("project", projectId).addKeyValue("webhook", webhookId)
                .log("webhook secret revealed");
            long now = System.currentTimeMillis();
            JsonArray previous = new JsonArray();
            for (RetiredSecret r : w.retiredSecrets()) {
                if (r.validUntil() > now) {
                    previous.add(keys(r.secret()).put("validUntil", Timestamps.format(r.validUntil())));
                }
            }
            ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
            Responses.json(ctx, 200, keys(w.secret()).put("previousSecrets", previous));
        }).onFailure(ctx::fail);
    }

    /** A secret in both forms receivers use: as Appwrite's key, and as a Standard Webhooks secret. */
    private static JsonObject keys(String secret) {
        return new JsonObject().put("secret", secret).put("standardWebhooksSecret",
            StandardWebhooksSignature.displaySecret(secret.getBytes(StandardCharsets.UTF_8)));
    }

    private void request(RoutingContext ctx) {
        String projectId = Auth.projectId(ctx);
        String webhookId = ctx.pathParam("webhookId");
        Future<Webhook> webhook = store.request(new StoreRequest.GetWebhook(projectId, webhookId, false));
        Future<Replies.DeliveryDetail> delivery = webhook.compose(w -> store.request(
            new StoreRequest.GetDelivery(projectId, webhookId, ctx.pathParam("deliveryId"))));
        delivery.onSuccess(d -> Responses.json(ctx, 200,
                DeliveryRequest.of(webhook.result(), d, System.currentTimeMillis())))
            .onFailure(ctx::fail);
    }
}
