package io.hookgate.api;

import io.hookgate.bus.ErrorCode;
import io.hookgate.bus.Replies;
import io.hookgate.bus.RequestFailure;
import io.hookgate.bus.StoreRequest;
import io.hookgate.model.Scope;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Authentication and scopes. Admin routes need the admin key in {@code X-Appwrite-Key}; project
 * routes need {@code X-Appwrite-Project} and a key of that project with the route's scope (the admin
 * key acts on any project). Any mismatch is 401 and nothing runs.
 */
final class Auth {
    static final String PRINCIPAL = "principal";
    private static final int MAX_KEY_LENGTH = 512;

    private final StoreClient store;

    Auth(StoreClient store) {
        this.store = store;
    }

    /** Admin-only routes. */
    Handler<RoutingContext> admin() {
        return ctx -> authenticate(ctx, "").onSuccess(p -> {
            if (!p.admin()) {
                ctx.fail(new RequestFailure(ErrorCode.UNAUTHORIZED_SCOPE,
                    "This route needs the admin key; project keys cannot manage projects."));
                return;
            }
            ctx.put(PRINCIPAL, p);
            ctx.next();
        }).onFailure(ctx::fail);
    }

    /** Project routes: the project comes from {@code X-Appwrite-Project}, or from the path for legacy routes. */
    Handler<RoutingContext> project(Scope scope) {
        return ctx -> {
            String projectId = ctx.pathParam("projectId");
            if (projectId == null) {
                projectId = ctx.request().getHeader("X-Appwrite-Project");
            }
            if (projectId == null || projectId.isEmpty()) {
                ctx.fail(new RequestFailure(ErrorCode.UNAUTHORIZED, "The X-Appwrite-Project header is required."));
                return;
            }
            String pid = projectId;
            authenticate(ctx, pid).onSuccess(p -> {
                if (!p.admin() && !p.scopes().contains(scope)) {
                    ctx.fail(new RequestFailure(ErrorCode.UNAUTHORIZED_SCOPE,
                        "The API key is missing the scope (" + scope.value() + ") this route needs."));
                    return;
                }
                ctx.put(PRINCIPAL, new Replies.Principal(p.admin(), pid, p.scopes()));
                ctx.next();
            }).onFailure(ctx::fail);
        };
    }

    private io.vertx.core.Future<Replies.Principal> authenticate(RoutingContext ctx, String projectId) {
        String key = ctx.request().getHeader("X-Appwrite-Key");
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            return io.vertx.core.Future.failedFuture(new RequestFailure(ErrorCode.UNAUTHORIZED,
                "The current user is not authorized to perform the requested action."));
        }
        return store.request(new StoreRequest.Authenticate(projectId, key));
    }

    static String projectId(RoutingContext ctx) {
        Replies.Principal p = ctx.get(PRINCIPAL);
        return p.projectId();
    }
}
