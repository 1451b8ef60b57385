package io.hookgate.testsupport;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A whole gateway as a child JVM ({@code java -Xmx256m -jar target/hookgate.jar}), for the
 * whole-process integration tests: it can be SIGKILLed or SIGTERMed like a real replica.
 *
 * <p>The child gets a clean {@code HOOKGATE_*} environment: the repository's
 * {@code conf/hookgate.json}, the given Redis, API and management ports from {@link FreePort} on
 * 127.0.0.1, a replica ID, {@link #ADMIN_KEY}, loopback delivery targets, plus the caller's
 * overrides. Its standard output and error go to a log file under {@code target/it-logs/} (kept
 * after the test, for the report). {@link #start} returns once {@code /health/ready} answers 200.
 *
 * <p>Processes never outlive the test JVM: a shutdown hook SIGKILLs every one not yet closed, and
 * {@link #close()} kills the process if it is still alive.
 *
 * <p>The jar comes from the system property {@value #JAR_PROPERTY} (set by the failsafe
 * configuration), or {@code target/hookgate.jar}.
 */
public final class GatewayProcess implements AutoCloseable {

    /** System property naming the gateway jar. */
    public static final String JAR_PROPERTY = "hookgate.jar";

    /** The admin key every child is configured with (HOOKGATE_ADMIN_KEY). */
    public static final String ADMIN_KEY = "it-admin-key-0123456789abcdef";

    /** How long start-up (JVM, Redis connection, index load) may take. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private static final String USER_AGENT_MARK = "@replica.hookgate.test";
    private static final Pattern REPLICA_IN_USER_AGENT =
        Pattern.compile("([A-Za-z0-9._-]+)" + Pattern.quote(USER_AGENT_MARK));
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    private static final int START_ATTEMPTS = 3;
    private static final HttpClient HTTP = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(2))
        .version(HttpClient.Version.HTTP_1_1)
        .build();
    private static final Set<GatewayProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (GatewayProcess p : LIVE) {
                p.process.destroyForcibly();
            }
        }, "gateway-process-reaper"));
    }

    /** An HTTP answer; status -1 (and the exception text as body) when no answer came at all. */
    public record Reply(int status, String body) {
        public boolean answered() {
            return status > 0;
        }

        public JsonObject json() {
            return new JsonObject(body);
        }

        /** Asserts the status, with the body in the message when it differs. */
        public Reply expect(int expected) {
            if (status != expected) {
                throw new AssertionError("expected HTTP " + expected + " but got " + status + ": " + body);
            }
            return this;
        }
    }

    private final String replicaId;
    private final Process process;
    private final Path log;
    private final int apiPort;
    private final int managementPort;

    private GatewayProcess(String replicaId, Process process, Path log, int apiPort, int managementPort) {
        this.replicaId = replicaId;
        this.process = process;
        this.log = log;
        this.apiPort = apiPort;
        this.managementPort = managementPort;
    }

    /**
     * Starts a gateway and waits until it is ready.
     *
     * @param replicaId the replica ID (also the Redis consumer name and the log file's name)
     * @param redisUrl the Redis it uses
     * @param overrides further environment, e.g. {@code HOOKGATE_DELIVERY_TIMEOUT_MS}
     * @return a ready gateway
     */
    public static GatewayProcess start(String replicaId, String redisUrl, Map<String, String> overrides) {
        for (int attempt = 1; ; attempt++) {
            GatewayProcess p = launch(replicaId, redisUrl, overrides);
            if (p.waitReady()) {
                return p;
            }
            // Most likely a port taken between FreePort and the bind: try again with other ports.
            if (attempt >= START_ATTEMPTS) {
                throw new IllegalStateException("gateway " + replicaId + " exited during start-up:\n" + p.logTail(40));
            }
        }
    }

    /**
     * Starts several gateways at once (their JVMs boot in parallel) and waits until all are ready.
     *
     * @param replicaIds one ID per gateway
     * @param redisUrl the Redis they share
     * @param overrides further environment for every one of them
     * @return the ready gateways, in the order of the IDs
     */
    public static List<GatewayProcess> startAll(List<String> replicaIds, String redisUrl,
                                                Map<String, String> overrides) {
        List<GatewayProcess> all = replicaIds.stream().map(id -> launch(id, redisUrl, overrides))
            .collect(Collectors.toList());
        try {
            for (int i = 0; i < all.size(); i++) {
                GatewayProcess p = all.get(i);
                if (!p.waitReady()) {
                    p.close();
                    all.set(i, start(p.replicaId, redisUrl, overrides));
                }
            }
            return all;
        } catch (RuntimeException | Error e) {
            all.forEach(GatewayProcess::close);
            throw e;
        }
    }

    private static GatewayProcess launch(String replicaId, String redisUrl, Map<String, String> overrides) {
        Path jar = jar();
        Path root = jar.toAbsolutePath().getParent().getParent();
        Path logDir = jar.toAbsolutePath().getParent().resolve("it-logs");
        int api = FreePort.find();
        int management = FreePort.find();
        while (management == api) {
            management = FreePort.find();
        }
        Path logFile;
        try {
            Files.createDirectories(logDir);
            logFile = Files.createTempFile(logDir, replicaId + "-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a log file under " + logDir, e);
        }
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-jar", jar.toAbsolutePath().toString())
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("HOOKGATE_"));
        Map<String, String> values = new LinkedHashMap<>();
        values.put("HOOKGATE_CONFIG", root.resolve("conf/hookgate.json").toString());
        values.put("HOOKGATE_REDIS_URL", redisUrl);
        values.put("HOOKGATE_HTTP_HOST", "127.0.0.1");
        values.put("HOOKGATE_HTTP_PORT", Integer.toString(api));
        values.put("HOOKGATE_MANAGEMENT_PORT", Integer.toString(management));
        values.put("HOOKGATE_ADMIN_KEY", ADMIN_KEY);
        values.put("HOOKGATE_REPLICA_ID", replicaId);
        values.put("HOOKGATE_ALLOWED_TARGET_CIDRS", "127.0.0.0/8");
        // The outbound User-Agent ends with the security e-mail: with the replica ID in it, a receiver
        // can tell which replica made a try (see replicaOf).
        values.put("HOOKGATE_SECURITY_EMAIL", replicaId + USER_AGENT_MARK);
        values.putAll(overrides);
        env.putAll(values);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + pb.command(), e);
        }
        GatewayProcess p = new GatewayProcess(replicaId, process, logFile, api, management);
        LIVE.add(p);
        return p;
    }

    /** True once ready; false if the process exited during start-up (the caller may start another). */
    private boolean waitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                LIVE.remove(this);
                return false;
            }
            if (readyStatus() == 200) {
                return true;
            }
            sleep(50);
        }
        kill();
        throw new IllegalStateException("gateway " + replicaId + " not ready within " + START_TIMEOUT.toSeconds()
            + " s:\n" + logTail(40));
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

    public String replicaId() {
        return replicaId;
    }

    public int apiPort() {
        return apiPort;
    }

    public int managementPort() {
        return managementPort;
    }

    public long pid() {
        return process.pid();
    }

    /** The log file (standard output and error of the child). */
    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The status of {@code GET /health/ready}, or -1 when the management port does not answer. */
    public int readyStatus() {
        return get("http://127.0.0.1:" + managementPort + "/health/ready");
    }

    /** SIGKILL (no shutdown hook runs), then waits until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        if (!exited(KILL_TIMEOUT)) {
            throw new IllegalStateException("gateway " + replicaId + " (pid " + process.pid() + ") survived SIGKILL");
        }
        LIVE.remove(this);
    }

    /** Sends SIGTERM and returns at once: the gateway starts its graceful shutdown. */
    public void signalTerm() {
        process.destroy();
    }

    /**
     * Waits for the exit.
     *
     * @param timeout how long at most
     * @return the exit code (143 after SIGTERM when the JVM's shutdown hooks ran)
     * @throws AssertionError if it is still running after {@code timeout} (it is then killed)
     */
    public int awaitExit(Duration timeout) {
        if (!exited(timeout)) {
            String tail = logTail(40);
            kill();
            throw new AssertionError("gateway " + replicaId + " did not exit within " + timeout.toMillis() + " ms:\n"
                + tail);
        }
        LIVE.remove(this);
        return process.exitValue();
    }

    /** SIGTERM and a bounded wait for the exit; answers the exit code. */
    public int terminate(Duration timeout) {
        signalTerm();
        return awaitExit(timeout);
    }

    /**
     * One API call that never throws for a missing answer: a refused connection, a reset or a
     * timeout come back as status -1 (a crashed replica is an expected state in these tests).
     *
     * @param headers alternating names and values
     */
    public Reply send(String method, String path, String body, Duration timeout, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
            .timeout(timeout)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Reply(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** An admin call (X-Appwrite-Key = {@link #ADMIN_KEY}), 10 s at most. */
    public Reply admin(String method, String path, String body) {
        return send(method, path, body, Duration.ofSeconds(10), "X-Appwrite-Key", ADMIN_KEY);
    }

    /** A project call with a project key, 10 s at most. */
    public Reply project(String projectId, String key, String method, String path, String body) {
        return send(method, path, body, Duration.ofSeconds(10), "X-Appwrite-Project", projectId, "X-Appwrite-Key", key);
    }

    /** The last lines of the log, for failure messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return all.subList(Math.max(0, all.size() - lines), all.size()).stream()
                .map(l -> "  [" + replicaId + "] " + l).collect(Collectors.joining("\n"));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** The whole log. */
    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** Kills the process if it is still alive. Safe to call more than once. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            exited(KILL_TIMEOUT);
        }
        LIVE.remove(this);
    }

    @Override
    public String toString() {
        return "GatewayProcess[" + replicaId + ", pid " + process.pid() + ", api " + apiPort + ", management "
            + managementPort + ", " + (process.isAlive() ? "alive" : "exited") + ", log " + log + "]";
    }

    private boolean exited(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private static int get(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty(JAR_PROPERTY, "target/hookgate.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " not found: build it first (mvn package)");
        }
        return jar;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
