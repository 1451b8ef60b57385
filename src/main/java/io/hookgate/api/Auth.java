package io.hookgate.api;

import io.hookgate.bus.ErrorCode;
import io.hookgate.bus.Replies;
import io.hookgate.bus.RequestFailure;
import io.hookgate.bus.StoreRequest;
import io.hookgate.model.Scope;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

/**
 * Authentication and scopes. Admin routes need the admin key in {@code X-Appwrite-Key}; project
 * routes need {@code X-Appwrite-Project} and a key of that project with the route's scope (the admin
 * key acts on any project). Nothing runs on a refusal, and the body is not read before.
 *
 * <p>Project routes answer as Appwrite does (app/controllers/shared/api.php and app/init/resources at
 * 1.9.5): a project that does not exist is 404 {@code project_not_found}, whatever the key; a call
 * without a key is Appwrite's guest, who has none of the routes' scopes (401
 * {@code general_unauthorized_scope}); a key without {@code X-Appwrite-Project} is 403
 * {@code project_id_missing}; a key that is not one of the project's is 401 {@code user_unauthorized}.
 *
 * <p>A key that does not authenticate counts against its client address, and so does a 404 for a project
 * that does not exist (but to the admin key): over {@code maxFailedAuthPerMinute} the address gets 429
 * with {@code Retry-After}, and no key of it is checked until then, a correct one neither, nor is any
 * project looked up for it (see {@link FrontDoor#authRetryAfterSeconds}).
 */
final class Auth {
    static final String PRINCIPAL = "principal";
    private static final int MAX_KEY_LENGTH = 512;

    private final StoreClient store;
    private final FrontDoor door;

    Auth(StoreClient store, FrontDoor door) {
        this.store = store;
        this.door = door;
    }

    /** Admin-only routes. */
    Handler<RoutingContext> admin() {
        return ctx -> {
            if (key(ctx).isEmpty()) {
                ctx.fail(unauthorized());
                return;
            }
            authenticate(ctx, "").onSuccess(p -> {
                if (!p.admin()) {
                    ctx.fail(new RequestFailure(ErrorCode.UNAUTHORIZED_SCOPE,
                        "This route needs the admin key; project keys cannot manage projects."));
                    return;
                }
                ctx.put(PRINCIPAL, p);
                ctx.next();
            }).onFailure(ctx::fail);
        };
    }

    /** Project routes: the project comes from {@code X-Appwrite-Project}, or from the path for legacy routes. */
    Handler<RoutingContext> project(Scope scope) {
        return ctx -> {
            String projectId = ctx.pathParam("projectId");
            if (projectId == null) {
                projectId = ctx.request().getHeader("X-Appwrite-Project");
            }
            boolean guest = key(ctx).isEmpty();
            if (projectId == null || projectId.isEmpty()) {
                // Appwrite takes such a call for one to its console: a guest lacks the scope there, and a
                // project key must name its project.
                ctx.fail(guest ? guestScope(scope) : new RequestFailure(ErrorCode.PROJECT_ID_MISSING,
                    "When using project API key, make sure to pass x-appwrite-project header with your project ID."));
                return;
            }
            String pid = projectId;
            authenticate(ctx, pid).onSuccess(p -> {
                if (!p.admin() && !p.scopes().contains(scope)) {
                    ctx.fail(guest ? guestScope(scope) : new RequestFailure(ErrorCode.UNAUTHORIZED_SCOPE,
                        "The API key is missing the scope (" + scope.value() + ") this route needs."));
                    return;
                }
                ctx.put(PRINCIPAL, new Replies.Principal(p.admin(), pid, p.scopes()));
                ctx.next();
            }).onFailure(ctx::fail);
        };
    }

    private static String key(RoutingContext ctx) {
        String key = ctx.request().getHeader("X-Appwrite-Key");
        return key == null ? "" : key;
    }

    /** {@code key} empty: a guest of the project (project routes only). */
    private Future<Replies.Principal> authenticate(RoutingContext ctx, String projectId) {
        String key = key(ctx);
        SocketAddress peer = ctx.request().remoteAddress();
        String address = FrontDoor.clientKey(peer == null ? null : peer.hostAddress());
        long wait = door.authRetryAfterSeconds(address);
        if (wait > 0) {
            door.refused(FrontDoor.Refusal.AUTH_THROTTLED);
            return Future.failedFuture(RequestFailure.retryLater(ErrorCode.RATE_LIMITED,
                "Too many failed authentication attempts from this address; retry after " + wait + " s.", wait));
        }
        if (key.length() > MAX_KEY_LENGTH) {
            door.authFailed(address);
            return Future.failedFuture(unauthorized());
        }
        return store.<Replies.Authentication>request(new StoreRequest.Authenticate(projectId, key)).compose(a -> {
            if (a instanceof Replies.Principal p) {
                return Future.succeededFuture(p);
            }
            Replies.Refusal refusal = (Replies.Refusal) a;
            if (refusal.failedKey()) {
                door.authFailed(address);
            }
            return Future.failedFuture(new RequestFailure(refusal.code(), refusal.message()));
        });
    }

    private static RequestFailure unauthorized() {
        return new RequestFailure(ErrorCode.UNAUTHORIZED,
            "The current user is not authorized to perform the requested action.");
    }

    /** Appwrite's answer to a guest on a route whose scope guests lack. */
    private static RequestFailure guestScope(Scope scope) {
        return new RequestFailure(ErrorCode.UNAUTHORIZED_SCOPE,
            "User (role: guests) missing scopes ([\"" + scope.value() + "\"])");
    }

    static String projectId(RoutingContext ctx) {
        Replies.Principal p = ctx.get(PRINCIPAL);
        return p.projectId();
    }
}
