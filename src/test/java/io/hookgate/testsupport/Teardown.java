package io.hookgate.testsupport;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/** The end of a test class that ran a gateway, a Vert.x instance and a Redis: all closed, Redis last. */
public final class Teardown {
    private Teardown() {
    }

    /** Closes what was started (nulls are skipped); Redis is closed even when the others fail. */
    public static void close(Gateway gateway, Vertx vertx, RedisServer redis) throws Exception {
        try {
            if (gateway != null) {
                gateway.close();
            }
            if (vertx != null) {
                vertx.close().await(10, TimeUnit.SECONDS);
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }
}
