package io.hookgate.api;

import io.hookgate.net.HostResolver;
import io.hookgate.net.IpLiterals;
import io.hookgate.net.TargetGuard;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.URI;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target guard at create/update time: a webhook URL whose host is a refused address, or a name
 * that resolves to one, is refused with a 400. A name that does not resolve now is accepted (it may
 * later); deliveries check again on every try in any case.
 *
 * <p>The 400 says only what is wrong, never the address a name resolved to nor the range: a tenant
 * could otherwise map the operator's internal DNS one name at a time. The operator's log keeps the
 * detail (project, host, address and range; never the URL, whose query may hold a token).
 */
public final class TargetCheck {
    private static final Logger LOG = LoggerFactory.getLogger(TargetCheck.class);
    static final String REFUSED_ADDRESS = "Invalid `url` param: the host is an address that deliveries may not reach.";
    static final String REFUSED_NAME = "Invalid `url` param: the host resolves to an address that deliveries may not reach.";

    private final TargetGuard guard;
    private final HostResolver resolver;

    public TargetCheck(TargetGuard guard, HostResolver resolver) {
        this.guard = guard;
        this.resolver = resolver;
    }

    /** Completes when the URL's host may be delivered to; fails with a 400 otherwise. */
    Future<Void> check(RoutingContext ctx, String url) {
        String host = IpLiterals.host(URI.create(url));
        Optional<InetAddress> literal = IpLiterals.parse(host);
        Future<InetAddress> address = literal.isPresent() ? Future.succeededFuture(literal.get())
            : ctx.vertx().executeBlocking(() -> resolver.resolve(host), false).recover(err -> Future.succeededFuture(null));
        return address.compose(a -> {
            if (a == null) {
                return Future.succeededFuture();
            }
            Optional<String> refused = guard.refusal(a);
            if (refused.isEmpty()) {
                return Future.succeededFuture();
            }
            LOG.info("request {}: webhook URL of project {} refused, host {}: {}", ctx.get(ErrorHandler.REQUEST_ID, "-"),
                Auth.projectId(ctx), host, refused.get());
            return Future.failedFuture(JsonBody.invalid(literal.isPresent() ? REFUSED_ADDRESS : REFUSED_NAME));
        });
    }
}
