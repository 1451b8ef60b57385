package io.hookgate.testsupport;

import io.hookgate.config.ConfigKey;
import io.hookgate.net.HostResolver;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The in-process set-up that many test classes share, in one place: before all tests a private
 * Redis, a gateway on it and a Vert.x for the test's own clients and receivers; after all tests
 * they are closed by {@link Teardown}. Register it on a static field:
 * <pre>{@code
 * @RegisterExtension
 * static final GatewayEnv env = GatewayEnv.create(Map.of(ConfigKey.RETRY_SCHEDULE, "1s"));
 * }</pre>
 * Its {@code beforeAll} runs before the class's {@code @BeforeAll} methods and its {@code afterAll}
 * after the class's {@code @AfterAll} methods, so a class can add its own fixtures around it.
 */
public final class GatewayEnv implements BeforeAllCallback, AfterAllCallback {
    /** {@link Gateway#start} awaits without a deadline: a hang fails with a thread dump instead. */
    private static final Duration START_LIMIT = Duration.ofSeconds(60);

    private final Map<ConfigKey, String> overrides;
    private final HostResolver resolver;
    private RedisServer redis;
    private Gateway gateway;
    private Vertx vertx;

    private GatewayEnv(Map<ConfigKey, String> overrides, HostResolver resolver) {
        this.overrides = Map.copyOf(overrides);
        this.resolver = resolver;
    }

    /** A gateway with the test defaults of {@link Gateway#start(String)}. */
    public static GatewayEnv create() {
        return create(Map.of());
    }

    /** A gateway whose config {@code overrides} replace the test defaults. */
    public static GatewayEnv create(Map<ConfigKey, String> overrides) {
        return create(overrides, HostResolver.SYSTEM);
    }

    /** As {@link #create(Map)}, with the resolver the gateway's deliveries use for host names. */
    public static GatewayEnv create(Map<ConfigKey, String> overrides, HostResolver resolver) {
        return new GatewayEnv(overrides, resolver);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        redis = RedisServer.start();
        gateway = Bounded.call("gateway start", START_LIMIT, () -> Gateway.start(redis.url(), overrides, resolver));
        vertx = Vertx.vertx();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        Teardown.close(gateway, vertx, redis);
    }

    public RedisServer redis() {
        return redis;
    }

    public Gateway gateway() {
        return gateway;
    }

    public Vertx vertx() {
        return vertx;
    }
}
