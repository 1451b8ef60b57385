package io.hookgate.api;

import io.hookgate.bus.ErrorCode;
import io.hookgate.bus.RequestFailure;
import io.hookgate.model.Ids;
import io.vertx.ext.web.RoutingContext;

/**
 * Checks every ID in a route's path before the route's handler runs, so that no malformed ID reaches
 * the store, whose Redis keys are built from them ({@code <deliveryId>:tries} once named another
 * record's key). Mounted after authentication, as Appwrite validates parameters after its auth hooks.
 *
 * <ul>
 *   <li>{@code projectId}, {@code keyId}, {@code webhookId} are Appwrite IDs: a malformed one is 400
 *       {@code general_argument_invalid}, as Appwrite's UID validator answers (with the wording of its
 *       custom-ID validator, which states the rule correctly). On the legacy
 *       {@code /v1/projects/{projectId}/webhooks} routes the project ID is also the authentication
 *       scope, so a malformed one already gets what an unknown project gets there: 404
 *       {@code project_not_found} with the admin key, 401 with a project key.</li>
 *   <li>{@code deliveryId} is Hookgate's own (28 lowercase hex chars, {@link Ids#forDelivery}):
 *       anything else names no delivery, and gets the 404 {@code delivery_not_found} of an unknown one.</li>
 * </ul>
 */
final class PathIds {
    private static final String[] APPWRITE_IDS = {"projectId", "keyId", "webhookId"};

    private PathIds() {
    }

    static void check(RoutingContext ctx) {
        for (String name : APPWRITE_IDS) {
            String id = ctx.pathParam(name);
            if (id != null && !Ids.isValid(id)) {
                ctx.fail(JsonBody.invalid("Invalid `" + name + "` param: Parameter must contain at most 36 chars."
                    + " Valid chars are a-z, A-Z, 0-9, period, hyphen, and underscore. Can't start with a special char."));
                return;
            }
        }
        String deliveryId = ctx.pathParam("deliveryId");
        if (deliveryId != null && !Ids.isDeliveryId(deliveryId)) {
            ctx.fail(new RequestFailure(ErrorCode.DELIVERY_NOT_FOUND, "Delivery with the requested ID could not be found."));
            return;
        }
        ctx.next();
    }
}
