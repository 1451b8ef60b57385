package io.hookgate.api;

import io.hookgate.dispatch.HostResolver;
import io.hookgate.dispatch.IpLiterals;
import io.hookgate.dispatch.TargetGuard;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.URI;
import java.util.Optional;

/**
 * The target guard at create/update time: a webhook URL whose host is a refused address, or a name
 * that resolves to one, is refused with a 400 naming the reason. A name that does not resolve now is
 * accepted (it may later); deliveries check again on every try in any case.
 */
public final class TargetCheck {
    private final TargetGuard guard;
    private final HostResolver resolver;

    public TargetCheck(TargetGuard guard, HostResolver resolver) {
        this.guard = guard;
        this.resolver = resolver;
    }

    /** Completes when the URL's host may be delivered to; fails with a 400 otherwise. */
    Future<Void> check(Vertx vertx, String url) {
        String host = IpLiterals.host(URI.create(url));
        Optional<InetAddress> literal = IpLiterals.parse(host);
        Future<InetAddress> address = literal.isPresent() ? Future.succeededFuture(literal.get())
            : vertx.executeBlocking(() -> resolver.resolve(host), false).recover(err -> Future.succeededFuture(null));
        return address.compose(a -> {
            if (a == null) {
                return Future.succeededFuture();
            }
            Optional<String> refused = guard.refusal(a);
            return refused.isEmpty() ? Future.succeededFuture()
                : Future.failedFuture(JsonBody.invalid("Invalid `url` param: " + refused.get() + "."));
        });
    }
}
