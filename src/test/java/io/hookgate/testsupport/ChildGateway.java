package io.hookgate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway as a child process, the way it runs in production: {@code java -jar hookgate.jar}
 * configured only through {@code HOOKGATE_*} environment variables; it can be SIGKILLed, SIGTERMed
 * and started again under the same replica ID like a real replica.
 *
 * <p>Each process gets the repository's {@code conf/hookgate.json}, free loopback ports for the API
 * and the management server, the given Redis URL, {@link #ADMIN_KEY}, loopback targets allowed, its
 * name as replica ID (and in its {@code User-Agent}, see {@link #replicaOf}) and a short shutdown
 * timeout; the caller's variables override these. The heap is {@link #MAX_HEAP_BYTES}. Standard
 * output and standard error go to two files under {@code target/it-logs/} (kept for the report).
 * {@link #start} returns once {@code /health/ready} answers 200, and fails with the log tail if the
 * process exits first; a start that lost one of its ports to another process is tried again.
 *
 * <p>The jar is the system property {@code hookgate.jar} (set by failsafe), else
 * {@code target/hookgate.jar}: build it with {@code mvn -B -q -o package -DskipTests}.
 */
public final class ChildGateway implements GatewayClient, AutoCloseable {
    /** The admin key every process is started with (unless overridden). */
    public static final String ADMIN_KEY = "process-admin-key-0123456789";
    /** The child's maximum heap ({@code -Xmx}). */
    public static final long MAX_HEAP_BYTES = 512L << 20;
    /** How long a start may take: a JVM start on a busy 2-core machine, plus Redis connections. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    /** How long one API request may take. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;
    private static final String USER_AGENT_MARK = "@replica.hookgate.test";
    private static final Pattern REPLICA_IN_USER_AGENT =
        Pattern.compile("([A-Za-z0-9._-]+)" + Pattern.quote(USER_AGENT_MARK));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
        // HTTP/1.1: the default (HTTP/2) asks the server for a cleartext upgrade (h2c), after which the
        // JDK client sometimes never completed a larger answer, its request timeout notwithstanding.
        .version(HttpClient.Version.HTTP_1_1).build();

    private final ChildJvm jvm;
    private final int apiPort;
    private final int managementPort;
    private final Map<String, String> env;
    private boolean closed;

    private ChildGateway(ChildJvm jvm, int apiPort, int managementPort, Map<String, String> env) {
        this.jvm = jvm;
        this.apiPort = apiPort;
        this.managementPort = managementPort;
        this.env = env;
    }

    /** The jar the processes run. */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("hookgate.jar", "target/hookgate.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with mvn -B -q -o package -DskipTests");
        }
        return jar;
    }

    /** {@code target/it-logs}: the processes' logs and the numbers the whole-process tests report. */
    public static Path logDir() {
        Path dir = jar().getParent().resolve("it-logs");
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /**
     * Starts a gateway process and waits until it is ready.
     *
     * @param name the replica ID, also for messages and the log files (e.g. {@code r1})
     * @param redisUrl {@code HOOKGATE_REDIS_URL}
     * @param overrides more {@code HOOKGATE_*} variables; they win over the defaults set here
     * @return the ready process
     */
    public static ChildGateway start(String name, String redisUrl, Map<String, String> overrides) {
        String tail = "";
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            ChildGateway g = launch(name, redisUrl, overrides);
            if (g.awaitReady()) {
                return g;
            }
            tail = g.tail(40);
        }
        throw new IllegalStateException(name + ": a port was taken at each of " + START_ATTEMPTS + " starts:\n" + tail);
    }

    /**
     * Starts several gateways at once (their JVMs boot in parallel) and waits until all are ready.
     *
     * @return the ready gateways, in the order of {@code names}
     */
    public static List<ChildGateway> startAll(List<String> names, String redisUrl, Map<String, String> overrides) {
        List<ChildGateway> all = new ArrayList<>();
        try {
            names.forEach(name -> all.add(launch(name, redisUrl, overrides)));
            for (int i = 0; i < all.size(); i++) {
                if (!all.get(i).awaitReady()) {
                    all.set(i, start(names.get(i), redisUrl, overrides));
                }
            }
            return all;
        } catch (RuntimeException | Error e) {
            all.forEach(ChildGateway::close);
            throw e;
        }
    }

    private static ChildGateway launch(String name, String redisUrl, Map<String, String> overrides) {
        Path jar = jar();
        Path root = jar.getParent().getParent();
        Path dir;
        try {
            dir = Files.createTempDirectory(logDir(), name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int apiPort = FreePort.find();
        int managementPort = FreePort.find();
        while (managementPort == apiPort) {
            managementPort = FreePort.find();
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOOKGATE_CONFIG", root.resolve("conf/hookgate.json").toString());
        env.put("HOOKGATE_HTTP_HOST", "127.0.0.1");
        env.put("HOOKGATE_HTTP_PORT", Integer.toString(apiPort));
        env.put("HOOKGATE_MANAGEMENT_PORT", Integer.toString(managementPort));
        env.put("HOOKGATE_REDIS_URL", redisUrl);
        env.put("HOOKGATE_ADMIN_KEY", ADMIN_KEY);
        env.put("HOOKGATE_ALLOWED_TARGET_CIDRS", "127.0.0.0/8");
        env.put("HOOKGATE_REPLICA_ID", name);
        // The outbound User-Agent ends with the security e-mail: with the replica ID in it, a receiver
        // can tell which replica made a try (see replicaOf).
        env.put("HOOKGATE_SECURITY_EMAIL", name + USER_AGENT_MARK);
        // Keeps close() short; a test of the shutdown itself sets its own.
        env.put("HOOKGATE_SHUTDOWN_TIMEOUT_MS", "5000");
        env.putAll(overrides);
        List<String> cmd = List.of(ChildJvm.javaBinary(), "-Xmx" + (MAX_HEAP_BYTES >> 20) + "m",
            "-XX:+ExitOnOutOfMemoryError", "-jar", jar.toString());
        ChildJvm jvm = ChildJvm.start(name, cmd, env, root, dir.resolve("stdout.log"), dir.resolve("stderr.log"));
        return new ChildGateway(jvm, apiPort, managementPort, Map.copyOf(env));
    }

    /** True once ready; false if it exited because a port was taken meanwhile (the caller starts another). */
    private boolean awaitReady() {
        try {
            jvm.awaitHttp200("http://127.0.0.1:" + managementPort + "/health/ready", START_TIMEOUT);
            return true;
        } catch (IllegalStateException e) {
            abandon();
            String text = jvm.text();
            if (text.contains("Address already in use") || text.contains("BindException")) {
                return false;
            }
            throw e;
        } catch (RuntimeException | Error e) {
            abandon();
            throw e;
        }
    }

    /** A start that failed: SIGKILL at once if it still runs. */
    private synchronized void abandon() {
        closed = true;
        jvm.stop(Duration.ZERO);
    }

    /**
     * The replica that made a delivery, from its {@code User-Agent} (which carries the security
     * e-mail this class sets per replica); null when it is not one of ours.
     */
    public static String replicaOf(String userAgent) {
        if (userAgent == null) {
            return null;
        }
        Matcher m = REPLICA_IN_USER_AGENT.matcher(userAgent);
        return m.find() ? m.group(1) : null;
    }

    /** Its name, which is also its replica ID unless the overrides set another. */
    public String name() {
        return jvm.name();
    }

    public long pid() {
        return jvm.pid();
    }

    public boolean isAlive() {
        return jvm.isAlive();
    }

    public int apiPort() {
        return apiPort;
    }

    public int managementPort() {
        return managementPort;
    }

    /** The environment it was started with (the {@code HOOKGATE_*} variables). */
    public Map<String, String> env() {
        return env;
    }

    /** {@code http://127.0.0.1:<apiPort>/v1}. */
    public String endpoint() {
        return "http://127.0.0.1:" + apiPort + "/v1";
    }

    /** Every line written to standard output so far (the logs). */
    public List<String> stdoutLines() {
        return jvm.stdoutLines();
    }

    /** Every line written to standard error so far (the JVM's own warnings, if any). */
    public List<String> stderrLines() {
        return jvm.stderrLines();
    }

    /** All it wrote so far: standard output, then standard error. */
    public String logText() {
        return jvm.text();
    }

    /** The last lines of both outputs, for failure messages. */
    public String tail(int lines) {
        return jvm.tail(lines);
    }

    /** The status of {@code GET /health/ready}, or -1 when the management port does not answer. */
    public int readyStatus() {
        return ChildJvm.httpStatus("http://127.0.0.1:" + managementPort + "/health/ready");
    }

    /** Scrapes this process's {@code /metrics}. */
    public Prometheus.Scrape metrics() {
        return Prometheus.scrape(managementPort);
    }

    /**
     * An API request ({@code path} below {@code /v1}) of {@link #REQUEST_TIMEOUT} at most. It never
     * throws for a missing answer: a refused connection, a reset or a timeout come back as status -1
     * with the exception as body (a crashed replica is an expected state in these tests).
     */
    @Override
    public Gateway.Reply call(String method, String path, String body, String... headers) {
        try {
            HttpResponse<String> r = HTTP.send(Gateway.request(endpoint() + path, REQUEST_TIMEOUT, method, body, headers),
                HttpResponse.BodyHandlers.ofString());
            return new Gateway.Reply(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            return new Gateway.Reply(-1, Map.of(), name() + ": " + method + " " + path + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public String adminKey() {
        return env.get("HOOKGATE_ADMIN_KEY");
    }

    /** SIGTERM and returns at once: the gateway starts its graceful shutdown. */
    public void signalTerm() {
        jvm.signalTerm();
    }

    /**
     * Waits for the exit.
     *
     * @return the exit code (143 after SIGTERM when the JVM's shutdown hooks ran)
     * @throws AssertionError if it is still running after {@code timeout} (it is then killed)
     */
    public int awaitExit(Duration timeout) {
        return jvm.awaitExit(timeout);
    }

    /** SIGTERM and wait (graceful stop: the shutdown hook drains and flushes the logs); SIGKILL if it hangs. */
    public void stop() {
        jvm.stop(STOP_TIMEOUT);
    }

    /** SIGKILL (no shutdown hook runs), then waits until the process is gone. */
    public void kill() {
        jvm.kill();
    }

    /** Stops the process gracefully (bounded) if it is still running; its logs stay. Safe to call more than once. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            stop();
        }
    }

    /** Closes them all: SIGTERM to every one first, so that they stop side by side. */
    public static void closeAll(List<ChildGateway> gateways) {
        gateways.forEach(g -> {
            if (g.isAlive()) {
                g.signalTerm();
            }
        });
        gateways.forEach(ChildGateway::close);
    }

    @Override
    public String toString() {
        return "ChildGateway[" + jvm + ", api " + apiPort + ", management " + managementPort + "]";
    }
}
