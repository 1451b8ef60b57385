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
 * key acts on any project). Any mismatch is 401 and nothing runs; the body is not read before.
 *
 * <p>A key that does not authenticate counts against its client address; over
 * {@code maxFailedAuthPerMinute} the address gets 429 with {@code Retry-After}, and no key of it is
 * checked until then, a correct one neither (see {@link FrontDoor#authRetryAfterSeconds}).
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

    private Future<Replies.Principal> authenticate(RoutingContext ctx, String projectId) {
        String key = ctx.request().getHeader("X-Appwrite-Key");
        if (key == null || key.isEmpty()) {
            return Future.failedFuture(unauthorized());
        }
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
        return store.<Replies.Principal>request(new StoreRequest.Authenticate(projectId, key)).onFailure(err -> {
            if (err instanceof RequestFailure f && f.code() == ErrorCode.UNAUTHORIZED) {
                door.authFailed(address);
            }
        });
    }

    private static RequestFailure unauthorized() {
        return new RequestFailure(ErrorCode.UNAUTHORIZED,
            "The current user is not authorized to perform the requested action.");
    }

    static String projectId(RoutingContext ctx) {
        Replies.Principal p = ctx.get(PRINCIPAL);
        return p.projectId();
    }
}
