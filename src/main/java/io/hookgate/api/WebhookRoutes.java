package io.hookgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.bus.ErrorCode;
import io.hookgate.bus.Replies;
import io.hookgate.bus.RequestFailure;
import io.hookgate.bus.StoreRequest;
import io.hookgate.config.HookgateConfig;
import io.hookgate.events.EventCatalogue;
import io.hookgate.events.InvalidEventException;
import io.hookgate.events.Notices;
import io.hookgate.model.Ids;
import io.hookgate.model.Scope;
import io.hookgate.model.Webhook;
import io.hookgate.net.IpLiterals;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Appwrite 1.9's webhooks API under {@code /v1/webhooks}, and the legacy project routes
 * {@code /v1/projects/{projectId}/webhooks} with their old field names (security, httpUser, httpPass,
 * signatureKey) and {@code PATCH .../signature}. Both flavours share one implementation; a
 * {@link Flavor} names the fields and renders the model.
 */
final class WebhookRoutes {
    private static final String BAD_PORT = "Invalid `url` param: the port must be 1-65535.";
    private static final int MAX_NAME = 128;
    private static final int MAX_AUTH = 256;
    private static final int DEFAULT_LIMIT = 25;
    private static final int MAX_LIMIT = 5000;
    private static final long MAX_GRACE_SECONDS = 7L * 86400;

    /**
     * Field names and model of one API flavour; {@code operational}: the flavour of operational webhooks,
     * which subscribe to Hookgate's notices instead of the catalogue's events.
     */
    record Flavor(String tls, String user, String password, String secret, BiFunction<Webhook, Boolean, JsonObject> model,
                  boolean idRequired, boolean operational) {
        Set<String> createFields() {
            return Set.of("webhookId", "url", "name", "events", "enabled", tls, user, password, secret);
        }

        Set<String> updateFields() {
            return Set.of("url", "name", "events", "enabled", tls, user, password);
        }
    }

    static final Flavor CURRENT = new Flavor("tls", "authUsername", "authPassword", "secret", Models::webhook, true,
        false);
    static final Flavor LEGACY = new Flavor("security", "httpUser", "httpPass", "signatureKey", Models::legacyWebhook,
        false, false);
    static final Flavor OPERATIONAL = new Flavor("tls", "authUsername", "authPassword", "secret", Models::webhook,
        true, true);

    private final StoreClient store;
    private final Auth auth;
    private final Handler<RoutingContext> body;
    private final EventCatalogue catalogue;
    private final TargetCheck targets;
    private final HookgateConfig.Quotas quotas;

    /** {@code body}: reads the request body, after authentication. */
    WebhookRoutes(StoreClient store, Auth auth, Handler<RoutingContext> body, EventCatalogue catalogue,
                  TargetCheck targets, HookgateConfig.Quotas quotas) {
        this.store = store;
        this.auth = auth;
        this.body = body;
        this.catalogue = catalogue;
        this.targets = targets;
        this.quotas = quotas;
    }

    void mount(Router router) {
        mount(router, "/v1/webhooks", CURRENT, "secret");
        mount(router, "/v1/projects/:projectId/webhooks", LEGACY, "signature");
        mount(router, "/v1/operational-webhooks", OPERATIONAL, "secret");
    }

    private void mount(Router router, String base, Flavor f, String rotatePath) {
        Handler<RoutingContext> read = auth.project(Scope.WEBHOOKS_READ);
        Handler<RoutingContext> write = auth.project(Scope.WEBHOOKS_WRITE);
        router.post(base).handler(write).handler(PathIds::check).handler(body).handler(ctx -> create(ctx, f));
        router.get(base).handler(read).handler(PathIds::check).handler(body).handler(ctx -> list(ctx, f));
        router.get(base + "/:webhookId").handler(read).handler(PathIds::check).handler(body).handler(ctx -> get(ctx, f));
        router.put(base + "/:webhookId").handler(write).handler(PathIds::check).handler(body)
            .handler(ctx -> update(ctx, f));
        router.patch(base + "/:webhookId/" + rotatePath).handler(write).handler(PathIds::check).handler(body)
            .handler(ctx -> rotate(ctx, f));
        router.delete(base + "/:webhookId").handler(write).handler(PathIds::check).handler(body)
            .handler(ctx -> delete(ctx, f));
    }

    private void create(RoutingContext ctx, Flavor f) {
        JsonBody body = parse(ctx, f.createFields());
        String id = body.string("webhookId", f.idRequired(), Ids.MAX_LENGTH + 10);
        if (id == null || Ids.UNIQUE.equals(id)) {
            id = Ids.unique();
        } else if (!Ids.isValid(id)) {
            throw JsonBody.invalid("Invalid `webhookId` param: Parameter must contain at most 36 chars. Valid chars are"
                + " a-z, A-Z, 0-9, period, hyphen, and underscore. Can't start with a special char.");
        }
        StoreRequest.WebhookSpec spec = spec(body, f);
        String secret = secret(body, f.secret());
        String webhookId = id;
        targets.check(ctx, spec.url())
            .compose(x -> store.<Webhook>request(new StoreRequest.CreateWebhook(Auth.projectId(ctx), webhookId, spec,
                secret, f.operational())))
            .onSuccess(w -> Responses.json(ctx, 201, f.model().apply(w, true)))
            .onFailure(ctx::fail);
    }

    private void list(RoutingContext ctx, Flavor f) {
        int limit = DEFAULT_LIMIT;
        int offset = 0;
        boolean total = !"false".equals(ctx.request().getParam("total"));
        for (Map.Entry<String, String> q : ctx.queryParams()) {
            if (!q.getKey().startsWith("queries")) {
                continue;
            }
            JsonNode query;
            try {
                query = JsonBody.MAPPER.readTree(q.getValue());
            } catch (Exception e) {
                throw queryInvalid("Invalid query: " + q.getValue());
            }
            String method = query.path("method").asText("");
            JsonNode value = query.path("values").path(0);
            switch (method) {
                case "limit" -> limit = intQuery(value, 1, MAX_LIMIT, "limit");
                case "offset" -> offset = intQuery(value, 0, Integer.MAX_VALUE - MAX_LIMIT, "offset");
                default -> throw queryInvalid("Invalid query method: '" + method + "'. Supported: limit, offset.");
            }
        }
        int finalLimit = limit;
        store.<Replies.WebhookList>request(new StoreRequest.ListWebhooks(Auth.projectId(ctx), finalLimit, offset,
                f.operational()))
            .onSuccess(l -> {
                JsonArray items = new JsonArray();
                l.webhooks().forEach(w -> items.add(f.model().apply(w, false)));
                Responses.json(ctx, 200, new JsonObject().put("total", total ? l.total() : 0).put("webhooks", items));
            }).onFailure(ctx::fail);
    }

    private void get(RoutingContext ctx, Flavor f) {
        store.<Webhook>request(new StoreRequest.GetWebhook(Auth.projectId(ctx), ctx.pathParam("webhookId"),
                f.operational()))
            .onSuccess(w -> Responses.json(ctx, 200, f.model().apply(w, false)))
            .onFailure(ctx::fail);
    }

    private void update(RoutingContext ctx, Flavor f) {
        JsonBody body = parse(ctx, f.updateFields());
        StoreRequest.WebhookSpec spec = spec(body, f);
        targets.check(ctx, spec.url())
            .compose(x -> store.<Webhook>request(new StoreRequest.UpdateWebhook(Auth.projectId(ctx),
                ctx.pathParam("webhookId"), spec, f.operational())))
            .onSuccess(w -> Responses.json(ctx, 200, f.model().apply(w, false)))
            .onFailure(ctx::fail);
    }

    private void rotate(RoutingContext ctx, Flavor f) {
        JsonBody body = parse(ctx, Set.of(f.secret(), "graceSeconds"));
        String secret = secret(body, f.secret());
        Long grace = body.integer("graceSeconds");
        if (grace != null && (grace < 0 || grace > MAX_GRACE_SECONDS)) {
            throw JsonBody.invalid("Invalid `graceSeconds` param: between 0 and " + MAX_GRACE_SECONDS + " (7 days).");
        }
        store.<Webhook>request(new StoreRequest.RotateSecret(Auth.projectId(ctx), ctx.pathParam("webhookId"), secret,
                grace == null ? 0 : grace, f.operational()))
            .onSuccess(w -> Responses.json(ctx, 200, f.model().apply(w, true)))
            .onFailure(ctx::fail);
    }

    private void delete(RoutingContext ctx, Flavor f) {
        store.request(new StoreRequest.DeleteWebhook(Auth.projectId(ctx), ctx.pathParam("webhookId"), f.operational()))
            .onSuccess(x -> Responses.noContent(ctx))
            .onFailure(ctx::fail);
    }

    private StoreRequest.WebhookSpec spec(JsonBody body, Flavor f) {
        String url = validUrl(body.string("url", true, quotas.maxUrlLength()));
        String name = body.string("name", true, MAX_NAME);
        if (name.isBlank()) {
            throw JsonBody.invalid("Invalid `name` param: must not be empty.");
        }
        if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            // It travels in the X-Appwrite-Webhook-Name header: no line breaks or other controls.
            throw JsonBody.invalid("Invalid `name` param: control characters (such as line breaks) are not allowed.");
        }
        List<String> events;
        if (f.operational()) {
            // Hookgate's notices; all of them when none are named.
            List<String> given = body.strings("events", false, Notices.ALL.size());
            events = given == null || given.isEmpty() ? Notices.ALL : given;
            if (!Notices.ALL.containsAll(events) || events.stream().distinct().count() != events.size()) {
                throw JsonBody.invalid("Invalid `events` param: an operational webhook subscribes to "
                    + String.join(", ", Notices.ALL) + ", each once.");
            }
        } else {
            events = body.strings("events", true, quotas.maxSubscriptionsPerWebhook());
            try {
                catalogue.validateSubscriptions(events);
            } catch (InvalidEventException e) {
                throw JsonBody.invalid("Invalid `events` param: " + e.getMessage());
            }
        }
        Boolean enabled = body.bool("enabled");
        Boolean tls = body.bool(f.tls());
        String user = body.string(f.user(), false, MAX_AUTH);
        String password = body.string(f.password(), false, MAX_AUTH);
        return new StoreRequest.WebhookSpec(name, url, List.copyOf(events), enabled == null || enabled,
            tls != null && tls, user == null ? "" : user, password == null ? "" : password);
    }

    private static String secret(JsonBody body, String field) {
        String secret = body.string(field, false, 256);
        if (secret != null && secret.length() < 8) {
            throw JsonBody.invalid("Invalid `" + field + "` param: must be between 8 and 256 chars.");
        }
        return secret;
    }

    /** An absolute http(s) URL with a host, a port (if any) of 1-65535 and no credentials. */
    static String validUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            if (e.getReason().contains("port number")) { // after a bracketed IPv6 host, URI reads the port itself
                throw JsonBody.invalid(BAD_PORT);
            }
            throw JsonBody.invalid("Invalid `url` param: not a valid URL (" + e.getReason() + ").");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw JsonBody.invalid("Invalid `url` param: only http and https URLs are allowed.");
        }
        if (IpLiterals.port(uri) == IpLiterals.INVALID_PORT) {
            throw JsonBody.invalid(BAD_PORT);
        }
        if (IpLiterals.host(uri) == null) {
            throw JsonBody.invalid("Invalid `url` param: the URL needs a host name.");
        }
        if (uri.getRawUserInfo() != null) {
            throw JsonBody.invalid("Invalid `url` param: credentials in the URL are not allowed; use authUsername and authPassword.");
        }
        return url;
    }

    private static JsonBody parse(RoutingContext ctx, Set<String> fields) {
        return JsonBody.parse(RequestBodies.bytes(ctx), fields);
    }

    private static int intQuery(JsonNode v, int min, int max, String name) {
        // canConvertToLong: asLong() of a BigInteger keeps its low 64 bits (2^64 + 5 would pass as 5).
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw queryInvalid("Invalid " + name + " query: must be an integer between " + min + " and " + max + ".");
        }
        return v.asInt();
    }

    private static RequestFailure queryInvalid(String message) {
        return new RequestFailure(ErrorCode.QUERY_INVALID, message);
    }
}
