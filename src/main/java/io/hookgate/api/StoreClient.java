package io.hookgate.api;

import io.hookgate.bus.Addresses;
import io.hookgate.bus.ErrorCode;
import io.hookgate.bus.RequestFailure;
import io.hookgate.bus.StoreRequest;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * Requests to the subscription store with an explicit send timeout. A failed reply becomes a
 * {@link RequestFailure} with the store's {@link ErrorCode}; a timeout or a missing store is 503.
 */
final class StoreClient {
    private static final DeliveryOptions OPTIONS = new DeliveryOptions().setSendTimeout(10_000).setLocalOnly(true);

    private final EventBus bus;

    StoreClient(EventBus bus) {
        this.bus = bus;
    }

    <T> Future<T> request(StoreRequest request) {
        return bus.<T>request(Addresses.STORE, request, OPTIONS).map(Message::body).recover(err -> {
            if (err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
                return Future.failedFuture(RequestFailure.fromWire(ErrorCode.ofFailureCode(re.failureCode()), re.getMessage()));
            }
            return Future.failedFuture(new RequestFailure(ErrorCode.UNAVAILABLE,
                "The service is temporarily unavailable; try again."));
        });
    }
}
