package io.hookgate.api;

import io.hookgate.bus.Replies;
import io.hookgate.bus.StoreRequest;
import io.hookgate.model.ApiKey;
import io.hookgate.model.Ids;
import io.hookgate.model.Project;
import io.hookgate.model.Scope;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Admin routes: projects and their API keys. */
final class ProjectRoutes {
    private static final int MAX_NAME = 128;

    private final StoreClient store;
    private final Auth auth;
    private final Handler<RoutingContext> body;

    /** {@code body}: reads the request body, after authentication. */
    ProjectRoutes(StoreClient store, Auth auth, Handler<RoutingContext> body) {
        this.store = store;
        this.auth = auth;
        this.body = body;
    }

    void mount(Router router) {
        router.post("/v1/projects").handler(auth.admin()).handler(body).handler(this::create);
        router.get("/v1/projects").handler(auth.admin()).handler(body).handler(this::list);
        router.get("/v1/projects/:projectId").handler(auth.admin()).handler(PathIds::check).handler(body).handler(this::get);
        router.delete("/v1/projects/:projectId").handler(auth.admin()).handler(PathIds::check).handler(body).handler(this::delete);
        router.post("/v1/projects/:projectId/keys").handler(auth.admin()).handler(PathIds::check).handler(body)
            .handler(this::createKey);
        router.get("/v1/projects/:projectId/keys").handler(auth.admin()).handler(PathIds::check).handler(body)
            .handler(this::listKeys);
        router.delete("/v1/projects/:projectId/keys/:keyId").handler(auth.admin()).handler(PathIds::check).handler(body)
            .handler(this::deleteKey);
    }

    private void create(RoutingContext ctx) {
        JsonBody body = JsonBody.parse(RequestBodies.bytes(ctx), Set.of("projectId", "name"));
        String id = body.string("projectId", true, Ids.MAX_LENGTH + 10);
        if (Ids.UNIQUE.equals(id)) {
            id = Ids.unique();
        } else if (!Ids.isValid(id)) {
            throw JsonBody.invalid("Invalid `projectId` param: Parameter must contain at most 36 chars. Valid chars are"
                + " a-z, A-Z, 0-9, period, hyphen, and underscore. Can't start with a special char.");
        }
        String name = requireName(body);
        store.<Project>request(new StoreRequest.CreateProject(id, name))
            .onSuccess(p -> Responses.json(ctx, 201, Models.project(p)))
            .onFailure(ctx::fail);
    }

    private void list(RoutingContext ctx) {
        store.<Replies.ProjectList>request(new StoreRequest.ListProjects()).onSuccess(l -> {
            JsonArray items = new JsonArray();
            l.projects().forEach(p -> items.add(Models.project(p)));
            Responses.json(ctx, 200, new JsonObject().put("total", l.projects().size()).put("projects", items));
        }).onFailure(ctx::fail);
    }

    private void get(RoutingContext ctx) {
        store.<Project>request(new StoreRequest.GetProject(ctx.pathParam("projectId")))
            .onSuccess(p -> Responses.json(ctx, 200, Models.project(p)))
            .onFailure(ctx::fail);
    }

    private void delete(RoutingContext ctx) {
        store.request(new StoreRequest.DeleteProject(ctx.pathParam("projectId")))
            .onSuccess(x -> Responses.noContent(ctx))
            .onFailure(ctx::fail);
    }

    private void createKey(RoutingContext ctx) {
        JsonBody body = JsonBody.parse(RequestBodies.bytes(ctx), Set.of("name", "scopes", "expire"));
        String name = requireName(body);
        List<String> given = body.strings("scopes", true, Scope.values().length * 4);
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String s : given) {
            scopes.add(Scope.of(s).orElseThrow(() -> JsonBody.invalid("Invalid `scopes` param: unknown scope '" + s
                + "'. Known scopes: webhooks.read, webhooks.write, events.write.")));
        }
        long expireAt = expireAt(body.string("expire", false, 64));
        store.<Replies.CreatedKey>request(new StoreRequest.CreateKey(ctx.pathParam("projectId"), name,
                Set.copyOf(scopes), expireAt))
            .onSuccess(k -> Responses.json(ctx, 201, Models.key(k.key(), k.secret())))
            .onFailure(ctx::fail);
    }

    private void listKeys(RoutingContext ctx) {
        store.<Replies.KeyList>request(new StoreRequest.ListKeys(ctx.pathParam("projectId"))).onSuccess(l -> {
            JsonArray items = new JsonArray();
            l.keys().forEach(k -> items.add(Models.key(k, "")));
            Responses.json(ctx, 200, new JsonObject().put("total", l.keys().size()).put("keys", items));
        }).onFailure(ctx::fail);
    }

    private void deleteKey(RoutingContext ctx) {
        store.request(new StoreRequest.DeleteKey(ctx.pathParam("projectId"), ctx.pathParam("keyId")))
            .onSuccess(x -> Responses.noContent(ctx))
            .onFailure(ctx::fail);
    }

    /**
     * The key's {@code expire} as Appwrite takes it: null (or absent) for a key that never expires, else
     * an ISO 8601 date-time (with an offset, or UTC without one, or a date at midnight UTC) of a year
     * up to 9999. A past date is accepted, as in Appwrite: the key is expired from the start. PHP's
     * relative forms ("tomorrow") are not.
     */
    static long expireAt(String expire) {
        if (expire == null) {
            return ApiKey.NEVER;
        }
        // "2030-01-01 00:00:00" (a space for the T) is what PHP, and so Appwrite, also reads.
        String text = expire.length() > 10 && expire.charAt(10) == ' ' ? expire.substring(0, 10) + 'T'
            + expire.substring(11) : expire;
        try {
            TemporalAccessor parsed = text.length() == 10 ? LocalDate.parse(text).atStartOfDay()
                : DateTimeFormatter.ISO_DATE_TIME.parseBest(text, OffsetDateTime::from, LocalDateTime::from);
            OffsetDateTime at = parsed instanceof OffsetDateTime o ? o
                : ((LocalDateTime) parsed).atOffset(ZoneOffset.UTC);
            if (at.getYear() < 0 || at.getYear() > 9999) {
                throw new DateTimeException("year out of range");
            }
            return at.toInstant().toEpochMilli();
        } catch (DateTimeException e) {
            throw JsonBody.invalid("Invalid `expire` param: Value must be valid date.");
        }
    }

    private static String requireName(JsonBody body) {
        String name = body.string("name", true, MAX_NAME);
        if (name.isBlank()) {
            throw JsonBody.invalid("Invalid `name` param: must not be empty.");
        }
        return name;
    }
}
