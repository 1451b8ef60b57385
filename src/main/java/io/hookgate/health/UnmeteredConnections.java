package io.hookgate.health;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Closes an HTTP connection that Vert.x accepted without its metrics. Vert.x 5.0's server binds its port,
 * then sets up its metrics once the bind has completed: a connection accepted in between (a readiness
 * probe polling a starting gateway) gets no socket metric, yet its requests are reported to the server's
 * metrics, which then fail on the missing one (a {@code NullPointerException} logged by Netty for every
 * request, and the request never answered). Closed before it reads anything, the client connects again
 * and that connection is metered. This reaches into Vert.x's internals ({@code ConnectionBase}), as the
 * API's request decoder does.
 */
public final class UnmeteredConnections {
    private UnmeteredConnections() {
    }

    /** Closes {@code connection} when it reports to metrics but has no socket metric; answers whether it did. */
    public static boolean refuse(HttpConnection connection) {
        if (connection instanceof ConnectionBase base && base.metrics() != null && base.metric() == null) {
            connection.close();
            return true;
        }
        return false;
    }
}
