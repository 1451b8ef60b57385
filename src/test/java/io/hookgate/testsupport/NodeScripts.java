package io.hookgate.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Node.js scripts under {@code src/test/node} (the node-appwrite acceptance script, the console's
 * browser walk): {@code npm ci} when a package is missing, and a command run there with a deadline.
 */
public final class NodeScripts {
    public static final Path DIR = Path.of("src/test/node");
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);

    private NodeScripts() {
    }

    /** A finished child process. */
    public record Run(int exitCode, String stdout, String stderr) {
        public String describe() {
            return "exit code " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    /** Runs {@code npm ci} unless every package named is in node_modules already (bin/test installs them). */
    public static void install(String... packages) throws IOException, InterruptedException {
        for (String p : packages) {
            if (!Files.isDirectory(DIR.resolve("node_modules").resolve(p))) {
                Run npm = run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), NPM_TIMEOUT,
                    "Node.js and npm must be on the PATH");
                assertThat(npm.exitCode()).as("npm ci in %s: %s", DIR, npm.describe()).isZero();
                return;
            }
        }
    }

    /**
     * Runs a command in {@link #DIR} with a deadline; output goes to temporary files (no pipe can fill up).
     *
     * @param needs what to tell when the command cannot be started
     */
    public static Run run(List<String> command, Map<String, String> env, Duration timeout, String needs)
        throws IOException, InterruptedException {
        Path out = Files.createTempFile("hookgate-node-", ".out");
        Path err = Files.createTempFile("hookgate-node-", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(DIR.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(env);
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                return fail("'" + command.get(0) + "' could not be started (" + e.getMessage() + "): " + needs + ".");
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return fail(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s\n"
                    + new Run(-1, Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8)).describe());
            }
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
