package io.hookgate.testsupport;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Vert.x for a test class's own receivers and clients, for classes that start a Redis and a gateway per
 * test (those that share one for the class use {@link GatewayEnv}): started before all tests, closed
 * after them. Register it on a static field:
 * <pre>{@code
 * @RegisterExtension
 * static final ClassVertx vertx = new ClassVertx();
 * }</pre>
 */
public final class ClassVertx implements BeforeAllCallback, AfterAllCallback {
    private Vertx vertx;

    @Override
    public void beforeAll(ExtensionContext context) {
        vertx = Vertx.vertx();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    public Vertx get() {
        return vertx;
    }
}
