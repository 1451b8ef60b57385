package io.hookgate.testsupport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The set-up the whole-process tests share, as {@link GatewayEnv} is for the in-process ones. For
 * each test: a Vert.x and a {@link Receiver} on loopback, a private {@code redis-server} from the
 * first use of {@link #redis()} on, and the {@link ChildGateway}s the test starts through
 * {@link #start}. A test that builds a Redis topology of its own (sentinels, replicas) hands its
 * servers to {@link #own} and starts gateways on them with {@link #startOn}. After each test the
 * gateways stop first (a graceful stop wants its Redis and its receiver), then the receiver, the
 * Vert.x and Redis last. A failing test carries the log tails of its gateways and of Redis, as
 * suppressed exceptions. Register it on a static field:
 * <pre>{@code
 * @RegisterExtension
 * static final ChildGatewayEnv env = ChildGatewayEnv.durable(Map.of("HOOKGATE_RETRY_SCHEDULE", "1s"));
 * }</pre>
 * The class is skipped unless failsafe runs it (it passes {@code -Dhookgate.jar}).
 */
public final class ChildGatewayEnv
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, TestExecutionExceptionHandler {
    private static final int TAIL_LINES = 40;

    private final Map<String, String> gatewayEnv;
    private final RedisServer.Options redisOptions;
    private final List<ChildGateway> gateways = new ArrayList<>();
    private final List<RedisServer> owned = new ArrayList<>();
    private RedisServer redis;
    private Vertx vertx;
    private Receiver receiver;

    private ChildGatewayEnv(Map<String, String> gatewayEnv, RedisServer.Options redisOptions) {
        this.gatewayEnv = Map.copyOf(gatewayEnv);
        this.redisOptions = redisOptions;
    }

    /** Gateways with {@code gatewayEnv} on a Redis without persistence. */
    public static ChildGatewayEnv create(Map<String, String> gatewayEnv) {
        return new ChildGatewayEnv(gatewayEnv, RedisServer.Options.defaults());
    }

    /** Gateways with {@code gatewayEnv} on a durable Redis (append-only file, fsync always), for crash tests. */
    public static ChildGatewayEnv durable(Map<String, String> gatewayEnv) {
        return new ChildGatewayEnv(gatewayEnv, RedisServer.Options.durable());
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        assumeTrue(System.getProperty("hookgate.jar") != null,
            "whole-process test: run by failsafe (mvn verify), which passes -Dhookgate.jar");
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        vertx = Vertx.vertx();
        receiver = Receiver.start(vertx).await(10, TimeUnit.SECONDS);
    }

    /** This test's Redis, started on first use. */
    public synchronized RedisServer redis() {
        if (redis == null) {
            redis = RedisServer.start(redisOptions);
        }
        return redis;
    }

    public Vertx vertx() {
        return vertx;
    }

    public Receiver receiver() {
        return receiver;
    }

    /** Starts a gateway on this test's Redis with the shared environment; it is stopped after the test. */
    public ChildGateway start(String name) {
        return start(name, Map.of());
    }

    /** As {@link #start(String)}, with {@code more} variables over the shared ones. */
    public ChildGateway start(String name, Map<String, String> more) {
        Map<String, String> env = new HashMap<>(gatewayEnv);
        env.putAll(more);
        ChildGateway g = ChildGateway.start(name, redis().url(), env);
        synchronized (gateways) {
            gateways.add(g);
        }
        return g;
    }

    /**
     * Starts a gateway on another Redis than {@link #redis()} (e.g. sentinels: {@code redisUrl} is then
     * their comma-separated URLs), with {@code more} variables over the shared ones; it is stopped after
     * the test.
     */
    public ChildGateway startOn(String redisUrl, String name, Map<String, String> more) {
        Map<String, String> env = new HashMap<>(gatewayEnv);
        env.putAll(more);
        ChildGateway g = ChildGateway.start(name, redisUrl, env);
        synchronized (gateways) {
            gateways.add(g);
        }
        return g;
    }

    /** Takes a server the test started: closed after the gateways, its log tail on a failure. */
    public RedisServer own(RedisServer server) {
        synchronized (owned) {
            owned.add(server);
        }
        return server;
    }

    /** Starts several gateways side by side (see {@link ChildGateway#startAll}). */
    public List<ChildGateway> startAll(String... names) {
        List<ChildGateway> started = ChildGateway.startAll(List.of(names), redis().url(), gatewayEnv);
        synchronized (gateways) {
            gateways.addAll(started);
        }
        return started;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        List<ChildGateway> started;
        synchronized (gateways) {
            started = List.copyOf(gateways);
        }
        for (ChildGateway g : started) {
            failure.addSuppressed(new LogTail(g + ", last lines:\n" + g.tail(TAIL_LINES)));
        }
        if (redis != null) {
            failure.addSuppressed(new LogTail("redis-server on port " + redis.port() + ", last lines:\n"
                + redis.logTail(TAIL_LINES)));
        }
        synchronized (owned) {
            for (RedisServer s : owned) {
                failure.addSuppressed(new LogTail("redis-server on port " + s.port() + ", last lines:\n"
                    + s.logTail(TAIL_LINES)));
            }
        }
        throw failure;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        List<ChildGateway> started;
        synchronized (gateways) {
            started = List.copyOf(gateways);
            gateways.clear();
        }
        try {
            try {
                ChildGateway.closeAll(started);
            } finally {
                try {
                    if (receiver != null) {
                        receiver.close();
                    }
                } finally {
                    if (vertx != null) {
                        vertx.close().await(10, TimeUnit.SECONDS);
                    }
                }
            }
        } finally {
            receiver = null;
            vertx = null;
            synchronized (this) {
                if (redis != null) {
                    redis.close();
                    redis = null;
                }
            }
            synchronized (owned) {
                owned.forEach(RedisServer::close);
                owned.clear();
            }
        }
    }

    /** A log tail attached to a failure. */
    private static final class LogTail extends Exception {
        private static final long serialVersionUID = 1L;

        LogTail(String message) {
            super(message, null, false, false);
        }
    }
}
