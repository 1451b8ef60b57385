package io.hookgate.testsupport;

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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM (or any child process) of a test or of the benchmark: started with a clean
 * {@code HOOKGATE_*} environment (inherited variables are removed, so the developer's shell cannot
 * leak in) plus the given variables, its standard output and error in files, stopped by SIGTERM or
 * SIGKILL. Children never outlive this JVM: a shutdown hook SIGKILLs every one not yet gone.
 *
 * <p>{@link ChildGateway} runs the gateway jar with it; the benchmark runs its gateway replicas and
 * its receiver with it, each with its own JVM flags.
 */
public final class ChildJvm {
    private static final Set<ChildJvm> LIVE = ConcurrentHashMap.newKeySet();
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
        // HTTP/1.1: the default (HTTP/2) asks the server for a cleartext upgrade (h2c), after which the
        // JDK client sometimes never completed a larger answer, its request timeout notwithstanding.
        .version(HttpClient.Version.HTTP_1_1).build();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(c -> c.process.destroyForcibly()),
            "child-jvm-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private ChildJvm(String name, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The {@code java} of this JVM. */
    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Starts {@code command} with standard output and error both in {@code log}. */
    public static ChildJvm start(String name, List<String> command, Map<String, String> env, Path log) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        return start(name, pb, env, log, log);
    }

    /** Starts {@code command} in {@code dir} with standard output and error in two files. */
    public static ChildJvm start(String name, List<String> command, Map<String, String> env, Path dir, Path stdout,
                                 Path stderr) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
            .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        return start(name, pb, env, stdout, stderr);
    }

    private static ChildJvm start(String name, ProcessBuilder pb, Map<String, String> env, Path stdout, Path stderr) {
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("HOOKGATE_"));
        pb.environment().putAll(env);
        try {
            ChildJvm child = new ChildJvm(name, pb.start(), stdout, stderr);
            LIVE.add(child);
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + pb.command(), e);
        }
    }

    /**
     * The status of a GET of {@code url} (5 s at most), or -1 when nothing answered: for polling a
     * port that may not be listening yet, or no longer.
     */
    public static int httpStatus(String url) {
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

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The file of its standard output (and of its standard error when they share one). */
    public Path stdout() {
        return stdout;
    }

    public Path stderr() {
        return stderr;
    }

    /**
     * Polls {@code url} until it answers 200.
     *
     * @throws IllegalStateException with the output's tail if the process exits first
     * @throws AssertionError with the output's tail if {@code timeout} passes first
     */
    public void awaitHttp200(String url, Duration timeout) {
        try {
            // Await treats an exception as "not yet", so an exit ends the wait through the condition.
            Await.until(name + " answering 200 at " + url, timeout, () -> !process.isAlive() || httpStatus(url) == 200);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + tail(40), e);
        }
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail(40));
        }
    }

    /** SIGTERM and returns at once. */
    public void signalTerm() {
        process.destroy();
    }

    /** SIGTERM, then SIGKILL if it is still running after {@code grace}. */
    public void stop(Duration grace) {
        if (process.isAlive()) {
            process.destroy();
            if (!exited(grace)) {
                kill();
            }
        }
        LIVE.remove(this);
    }

    /** SIGKILL (no shutdown hook runs), then waits until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        if (!exited(KILL_TIMEOUT)) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") survived SIGKILL");
        }
        LIVE.remove(this);
    }

    /**
     * Waits for the exit.
     *
     * @return the exit code (143 after SIGTERM when the JVM's shutdown hooks ran)
     * @throws AssertionError if it is still running after {@code timeout} (it is then killed)
     */
    public int awaitExit(Duration timeout) {
        if (!exited(timeout)) {
            String tail = tail(40);
            kill();
            throw new AssertionError(name + " did not exit within " + timeout.toMillis() + " ms:\n" + tail);
        }
        LIVE.remove(this);
        return process.exitValue();
    }

    /** Every complete line written to standard output so far. */
    public List<String> stdoutLines() {
        return lines(stdout);
    }

    /** Every complete line written to standard error so far (none when it shares the output's file). */
    public List<String> stderrLines() {
        return stderr.equals(stdout) ? List.of() : lines(stderr);
    }

    /** All that it wrote so far, standard output then standard error. */
    public String text() {
        return read(stdout) + (stderr.equals(stdout) ? "" : read(stderr));
    }

    /** The last lines of its output (and of its error output, when apart), each marked with its name. */
    public String tail(int lines) {
        String out = tail(stdoutLines(), lines);
        return stderr.equals(stdout) ? out : out + "\n  [" + name + " stderr]\n" + tail(stderrLines(), lines);
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", " + (process.isAlive() ? "alive" : "exited") + ", " + stdout + ")";
    }

    private String tail(List<String> all, int lines) {
        List<String> out = new ArrayList<>();
        for (String line : all.subList(Math.max(0, all.size() - lines), all.size())) {
            out.add("  [" + name + "] " + line);
        }
        return String.join("\n", out);
    }

    private boolean exited(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private static List<String> lines(Path file) {
        String text = read(file);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        // The last piece is a line still being written (or empty after the final newline).
        lines.remove(lines.size() - 1);
        return lines;
    }

    private static String read(Path file) {
        if (!Files.isRegularFile(file)) {
            return "";
        }
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
