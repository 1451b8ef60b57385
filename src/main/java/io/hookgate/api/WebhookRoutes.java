package io.hookgate.api;

import io.hookgate.bus.Replies;
import io.hookgate.bus.StoreRequest;
import io.hookgate.config.HookgateConfig;
import io.hookgate.events.EventCatalogue;
import io.hookgate.events.InvalidEventException;
import io.hookgate.events.Notices;
import io.hookgate.model.Ids;
import io.hookgate.model.Scope;
import io.hookgate.model.Webhook;
import io.hookgate.model.WebhookQuery;
import io.hookgate.net.IpLiterals;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Appwrite 1.9's webhooks API under {@code /v1/webhooks}, the legacy project routes
 * {@code /v1/projects/{projectId}/webhooks} (with {@code PATCH .../signature}), and Hookgate's operational
 * webhooks under {@code /v1/operational-webhooks}. One implementation; a {@link Flavor} says which rules
 * a route follows.
 *
 * <p>On Appwrite's two paths the names of the fields follow {@code X-Appwrite-Response-Format}, as in
 * Appwrite ({@link ResponseFormat}); without it, the current path has the 1.9.1 names ({@code tls},
 * {@code authUsername}, {@code authPassword}, {@code secret}) and the legacy path the old ones
 * ({@code security}, {@code httpUser}, {@code httpPass}, {@code signatureKey}) with an optional
 * {@code webhookId}. Under the old names a body may carry either name of a field (the old one wins, as
 * Appwrite's request filter renames it over the new one); Hookgate also takes {@code signatureKey} for
 * the secret there. Appwrite's routes ignore body fields they do not know; the operational routes,
 * Hookgate's own, refuse them.
 */
final class WebhookRoutes {
    private static final String BAD_PORT = "Invalid `url` param: the port must be 1-65535.";
    private static final int MAX_NAME = 128;
    private static final int MAX_AUTH = 256;
    private static final long MAX_GRACE_SECONDS = 7L * 86400;
    private static final Set<String> CREATE_FIELDS = Set.of("webhookId", "url", "name", "events", "enabled", "tls",
        "authUsername", "authPassword", "secret");
    private static final Set<String> UPDATE_FIELDS = Set.of("url", "name", "events", "enabled", "tls", "authUsername",
        "authPassword");
    private static final Set<String> ROTATE_FIELDS = Set.of("secret", "graceSeconds");
    /** The names PHP reads into the {@code queries} array: {@code queries[]}, {@code queries[0]}, ... */
    private static final Pattern QUERIES = Pattern.compile("queries(\\[[^\\]]*\\])?");

    /**
     * The rules of one group of routes: its field names and {@code webhookId} rule without the header,
     * whether it is one of Appwrite's routes (the header decides the names, unknown fields are ignored) and
     * whether it serves operational webhooks, which subscribe to Hookgate's notices instead of the
     * catalogue's events.
     */
    record Flavor(ResponseFormat defaults, boolean appwrite, boolean operational) {
        /** The names and rules for this request. */
        ResponseFormat format(RoutingContext ctx) {
            return appwrite ? ResponseFormat.of(ctx.request().getHeader(ResponseFormat.HEADER), defaults) : defaults;
        }
    }

    static final Flavor CURRENT = new Flavor(ResponseFormat.CURRENT, true, false);
    static final Flavor LEGACY = new Flavor(ResponseFormat.LEGACY, true, false);
    static final Flavor OPERATIONAL = new Flavor(ResponseFormat.CURRENT, false, true);

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
        ResponseFormat format = f.format(ctx);
        JsonBody body = parse(ctx, f, CREATE_FIELDS);
        String id = body.string("webhookId", !format.webhookIdOptional(), Ids.MAX_LENGTH + 10);
        if (id == null || Ids.UNIQUE.equals(id)) {
            id = Ids.unique();
        } else if (!Ids.isValid(id)) {
            throw JsonBody.invalid("Invalid `webhookId` param: Parameter must contain at most 36 chars. Valid chars are"
                + " a-z, A-Z, 0-9, period, hyphen, and underscore. Can't start with a special char.");
        }
        StoreRequest.WebhookSpec spec = spec(body, f, format);
        String secret = secret(body, format);
        String webhookId = id;
        targets.check(ctx, spec.url())
            .compose(x -> store.<Webhook>request(new StoreRequest.CreateWebhook(Auth.projectId(ctx), webhookId, spec,
                secret, f.operational())))
            .onSuccess(w -> Responses.json(ctx, 201, Models.webhook(w, true, format)))
            .onFailure(ctx::fail);
    }

    /**
     * Appwrite's list with its {@code queries[]} and {@code total} ({@link WebhookQueries}), answered from the
     * store's index. Appwrite's routes ignore other parameters; the operational route refuses them.
     */
    private void list(RoutingContext ctx, Flavor f) {
        List<String> queries = new ArrayList<>();
        for (Map.Entry<String, String> q : ctx.queryParams()) {
            String name = q.getKey();
            if (QUERIES.matcher(name).matches()) {
                queries.add(q.getValue());
            } else if (!f.appwrite() && !name.equals("total")) {
                throw JsonBody.invalid("Unknown parameter '" + name + "'. Allowed: queries, total.");
            }
        }
        WebhookQuery query = WebhookQueries.parse(queries, ctx.request().getParam("total"));
        ResponseFormat format = f.format(ctx);
        store.<Replies.WebhookList>request(new StoreRequest.ListWebhooks(Auth.projectId(ctx), query, f.operational()))
            .onSuccess(l -> {
                JsonArray items = new JsonArray();
                l.webhooks().forEach(w -> items.add(Models.webhook(w, false, format)));
                Responses.json(ctx, 200, new JsonObject().put("total", l.total()).put("webhooks", items));
            }).onFailure(ctx::fail);
    }

    private void get(RoutingContext ctx, Flavor f) {
        store.<Webhook>request(new StoreRequest.GetWebhook(Auth.projectId(ctx), ctx.pathParam("webhookId"),
                f.operational()))
            .onSuccess(w -> Responses.json(ctx, 200, Models.webhook(w, false, f.format(ctx))))
            .onFailure(ctx::fail);
    }

    private void update(RoutingContext ctx, Flavor f) {
        ResponseFormat format = f.format(ctx);
        JsonBody body = parse(ctx, f, UPDATE_FIELDS);
        StoreRequest.WebhookSpec spec = spec(body, f, format);
        targets.check(ctx, spec.url())
            .compose(x -> store.<Webhook>request(new StoreRequest.UpdateWebhook(Auth.projectId(ctx),
                ctx.pathParam("webhookId"), spec, f.operational())))
            .onSuccess(w -> Responses.json(ctx, 200, Models.webhook(w, false, format)))
            .onFailure(ctx::fail);
    }

    private void rotate(RoutingContext ctx, Flavor f) {
        ResponseFormat format = f.format(ctx);
        JsonBody body = parse(ctx, f, ROTATE_FIELDS);
        String secret = secret(body, format);
        Long grace = body.integer("graceSeconds");
        if (grace != null && (grace < 0 || grace > MAX_GRACE_SECONDS)) {
            throw JsonBody.invalid("Invalid `graceSeconds` param: between 0 and " + MAX_GRACE_SECONDS + " (7 days).");
        }
        store.<Webhook>request(new StoreRequest.RotateSecret(Auth.projectId(ctx), ctx.pathParam("webhookId"), secret,
                grace == null ? 0 : grace, f.operational()))
            .onSuccess(w -> Responses.json(ctx, 200, Models.webhook(w, true, format)))
            .onFailure(ctx::fail);
    }

    private void delete(RoutingContext ctx, Flavor f) {
        store.request(new StoreRequest.DeleteWebhook(Auth.projectId(ctx), ctx.pathParam("webhookId"), f.operational()))
            .onSuccess(x -> Responses.noContent(ctx))
            .onFailure(ctx::fail);
    }

    private StoreRequest.WebhookSpec spec(JsonBody body, Flavor f, ResponseFormat format) {
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
        Boolean tls = body.bool(field(body, format, "tls"));
        String user = body.string(field(body, format, "authUsername"), false, MAX_AUTH);
        String password = body.string(field(body, format, "authPassword"), false, MAX_AUTH);
        return new StoreRequest.WebhookSpec(name, url, List.copyOf(events), enabled == null || enabled,
            tls != null && tls, user == null ? "" : user, password == null ? "" : password);
    }

    /**
     * The body's field for {@code field}: under the old names the old one when it is given (Appwrite's
     * request filter puts it over the new one), else the new one.
     */
    private static String field(JsonBody body, ResponseFormat format, String field) {
        String old = format.name(field);
        return format.oldNames() && body.has(old) ? old : field;
    }

    private static String secret(JsonBody body, ResponseFormat format) {
        String field = field(body, format, "secret");
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

    /** Appwrite's routes ignore fields they do not know; Hookgate's own refuse anything but {@code fields}. */
    private static JsonBody parse(RoutingContext ctx, Flavor f, Set<String> fields) {
        byte[] bytes = RequestBodies.bytes(ctx);
        return f.appwrite() ? JsonBody.parseIgnoringUnknown(bytes) : JsonBody.parse(bytes, fields);
    }
}
