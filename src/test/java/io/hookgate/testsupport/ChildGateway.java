package io.hookgate.testsupport;

import io.vertx.core.json.JsonArray;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The gateway as a child process, the way it runs in production: {@code java -jar hookgate.jar}
 * configured only through {@code HOOKGATE_*} environment variables.
 *
 * <p>Each process gets free loopback ports for the API and the management server, the given Redis
 * URL, the known {@link #ADMIN_KEY}, loopback targets allowed and its own replica ID; the caller's
 * variables override these. Inherited {@code HOOKGATE_*} variables are removed, so the developer's
 * shell cannot leak into a test. Standard output and standard error go to two files of a private
 * temporary directory ({@link #stdout()}, {@link #stderr()}). {@link #start} returns once
 * {@code /health/ready} answers 200, and fails with the log tail if the process exits first.
 *
 * <p>The jar is the system property {@code hookgate.jar} (set by failsafe), else
 * {@code target/hookgate.jar}: build it with {@code mvn -B -q -o package -DskipTests}.
 * Processes never outlive the JVM: a shutdown hook SIGKILLs every one not yet closed.
 */
public final class ChildGateway implements AutoCloseable {
    /** The admin key every process is started with (unless overridden). */
    public static final String ADMIN_KEY = "process-admin-key-0123456789";
    /** How long a start may take: a JVM start on a busy 2-core machine, plus Redis connections. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        // HTTP/1.1: the default (HTTP/2) asks the server for a cleartext upgrade (h2c), after which the
        // JDK client sometimes never completed a larger answer, its request timeout notwithstanding.
        .version(HttpClient.Version.HTTP_1_1).build();
    private static final Set<ChildGateway> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (ChildGateway p : LIVE) {
                p.process.destroyForcibly();
            }
        }, "gateway-process-reaper"));
    }

    private final String name;
    private final Path dir;
    private final Process process;
    private final int apiPort;
    private final int managementPort;
    private final Map<String, String> env;
    private boolean closed;

    private ChildGateway(String name, Path dir, Process process, int apiPort, int managementPort,
                           Map<String, String> env) {
        this.name = name;
        this.dir = dir;
        this.process = process;
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

    /**
     * Starts a gateway process and waits until it is ready.
     *
     * @param name a short name for messages and the replica ID (e.g. {@code r1})
     * @param redisUrl {@code HOOKGATE_REDIS_URL}
     * @param overrides more {@code HOOKGATE_*} variables; they win over the defaults set here
     * @return the ready process
     */
    public static ChildGateway start(String name, String redisUrl, Map<String, String> overrides) {
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return launch(name, redisUrl, overrides);
            } catch (PortTaken e) {
                last = e;
            }
        }
        throw last;
    }

    private static ChildGateway launch(String name, String redisUrl, Map<String, String> overrides) {
        Path dir;
        try {
            dir = Files.createTempDirectory("hookgate-process-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int apiPort = FreePort.find();
        int managementPort = FreePort.find();
        while (managementPort == apiPort) {
            managementPort = FreePort.find();
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOOKGATE_CONFIG", Path.of("conf/hookgate.json").toAbsolutePath().toString());
        env.put("HOOKGATE_HTTP_HOST", "127.0.0.1");
        env.put("HOOKGATE_HTTP_PORT", Integer.toString(apiPort));
        env.put("HOOKGATE_MANAGEMENT_PORT", Integer.toString(managementPort));
        env.put("HOOKGATE_REDIS_URL", redisUrl);
        env.put("HOOKGATE_ADMIN_KEY", ADMIN_KEY);
        env.put("HOOKGATE_ALLOWED_TARGET_CIDRS", "127.0.0.0/8");
        env.put("HOOKGATE_REPLICA_ID", name + "-" + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime()));
        env.put("HOOKGATE_SHUTDOWN_TIMEOUT_MS", "5000");
        env.putAll(overrides);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+ExitOnOutOfMemoryError", "-jar", jar().toString());
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .redirectError(dir.resolve("stderr.log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("HOOKGATE_"));
        pb.environment().putAll(env);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            deleteRecursively(dir);
            throw new UncheckedIOException("cannot run " + cmd, e);
        }
        ChildGateway gp = new ChildGateway(name, dir, process, apiPort, managementPort, Map.copyOf(env));
        LIVE.add(gp);
        try {
            gp.awaitReady();
            return gp;
        } catch (RuntimeException | Error e) {
            String tail = gp.tail(40);
            gp.close();
            if (tail.contains("Address already in use") || tail.contains("BindException")) {
                throw new PortTaken(name + ": a port was taken meanwhile:\n" + tail);
            }
            throw e;
        }
    }

    private void awaitReady() {
        try {
            // Await treats an exception as "not yet", so an exit ends the wait through the condition.
            Await.until(name + " ready on management port " + managementPort, START_TIMEOUT,
                    () -> !process.isAlive() || get("/health/ready") == 200);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + tail(40), e);
        }
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail(40));
        }
    }

    private int get(String path) {
        try {
            HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                    .timeout(Duration.ofSeconds(5)).GET().build();
            return HTTP.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
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

    public Path stdout() {
        return dir.resolve("stdout.log");
    }

    public Path stderr() {
        return dir.resolve("stderr.log");
    }

    /** Every line written to standard output so far (the logs). */
    public List<String> stdoutLines() {
        return readLines(stdout());
    }

    /** Every line written to standard error so far (the JVM's own warnings, if any). */
    public List<String> stderrLines() {
        return readLines(stderr());
    }

    /** The last lines of both outputs, for failure messages. */
    public String tail(int lines) {
        List<String> out = stdoutLines();
        List<String> err = stderrLines();
        return String.join("\n", out.subList(Math.max(0, out.size() - lines), out.size())) + "\n[stderr]\n"
                + String.join("\n", err.subList(Math.max(0, err.size() - lines), err.size()));
    }

    /** A raw API request; {@code headers} alternate name, value. */
    public Gateway.Reply call(String method, String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint() + path)).timeout(Duration.ofSeconds(30))
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
            return new Gateway.Reply(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new AssertionError(name + ": request " + method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A request with the admin key. */
    public Gateway.Reply admin(String method, String path, String body) {
        return call(method, path, body, "X-Appwrite-Key", env.getOrDefault("HOOKGATE_ADMIN_KEY", ADMIN_KEY));
    }

    /** Creates a project and a key with every scope; answers the key's secret. */
    public String projectWithKey(String projectId) {
        admin("POST", "/projects", new JsonObject().put("projectId", projectId).put("name", projectId).encode())
                .expect(201);
        return admin("POST", "/projects/" + projectId + "/keys", new JsonObject().put("name", "test")
                .put("scopes", new JsonArray(List.of("webhooks.read", "webhooks.write", "events.write"))).encode())
                .expect(201).json().getString("secret");
    }

    /** Scrapes this process's {@code /metrics}. */
    public Prometheus.Scrape metrics() {
        return Prometheus.scrape(managementPort);
    }

    /** SIGTERM and wait (graceful stop: the shutdown hook drains and flushes the logs); SIGKILL if it hangs. */
    public void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL and wait. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the process (gracefully, bounded) and deletes its directory. Safe to call more than once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            if (process.isAlive()) {
                kill();
            }
            LIVE.remove(this);
            deleteRecursively(dir);
        }
    }

    @Override
    public String toString() {
        return "ChildGateway[" + name + ", pid " + process.pid() + ", api " + apiPort + ", management "
                + managementPort + "]";
    }

    private static List<String> readLines(Path file) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            String text = new String(bytes, StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
            // The last piece is a line still being written (or empty after the final newline).
            lines.remove(lines.size() - 1);
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // Best effort: a leftover temp directory is harmless.
        }
    }

    /** A chosen port was taken between {@link FreePort#find()} and the bind. */
    private static final class PortTaken extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortTaken(String message) {
            super(message);
        }
    }
}
