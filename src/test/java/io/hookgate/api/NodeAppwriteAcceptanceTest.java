package io.hookgate.api;

import static io.hookgate.api.ApiAssertions.fresh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.Receiver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Drives the gateway with the real Appwrite server SDK ({@code node-appwrite}, pinned in
 * {@code src/test/node/package-lock.json}) through {@code src/test/node/webhooks-acceptance.mjs}.
 * Node.js and npm are required: their absence fails the test, it is never skipped.
 */
class NodeAppwriteAcceptanceTest {
    private static final Path NODE_DIR = Path.of("src/test/node");
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create();

    private static Receiver receiver;

    /** A finished child process. */
    private record Run(int exitCode, String stdout, String stderr) {
        String describe() {
            return "exit code " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    @BeforeAll
    static void start() {
        receiver = Receiver.start(env.gateway().vertx()).await();
    }

    @AfterAll
    static void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void theRealNodeAppwriteSdkPassesTheAcceptanceScript() throws Exception {
        assertThat(NODE_DIR.resolve("webhooks-acceptance.mjs")).as("acceptance script (run from the project directory)")
            .exists();
        Run node = run(List.of("node", "--version"), Map.of(), Duration.ofSeconds(30), "node");
        assertThat(node.exitCode()).as("node --version: %s", node.describe()).isZero();
        if (!Files.isDirectory(NODE_DIR.resolve("node_modules").resolve("node-appwrite"))) {
            Run npm = run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), NPM_TIMEOUT, "npm");
            assertThat(npm.exitCode()).as("npm ci in %s: %s", NODE_DIR, npm.describe()).isZero();
        }
        Gateway.ProjectClient project = env.gateway().project(fresh("node"));

        Run script = run(List.of("node", "webhooks-acceptance.mjs"), Map.of(
            "HOOKGATE_ENDPOINT", env.gateway().endpoint(),
            "HOOKGATE_PROJECT", project.projectId(),
            "HOOKGATE_KEY", project.key(),
            "HOOKGATE_RECEIVER_URL", receiver.url("/acceptance"),
            "HOOKGATE_TIMEOUT_MS", String.valueOf(SCRIPT_TIMEOUT.toMillis() - 10_000)), SCRIPT_TIMEOUT, "node");

        assertThat(script.exitCode()).as("node webhooks-acceptance.mjs: %s", script.describe()).isZero();
        assertThat(script.stdout()).as("stdout of the acceptance script: %s", script.describe()).contains("\"ok\":true");
        // The script cleans up after itself.
        assertThat(project.call("GET", "/webhooks", null).expect(200).json().getInteger("total"))
            .as("webhooks left after the script").isZero();
    }

    /** Runs a command in {@link #NODE_DIR} with a deadline; output goes to temporary files (no pipe can fill up). */
    private static Run run(List<String> command, Map<String, String> env, Duration timeout, String tool)
        throws IOException, InterruptedException {
        Path out = Files.createTempFile("hookgate-node-", ".out");
        Path err = Files.createTempFile("hookgate-node-", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(NODE_DIR.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(env);
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                return fail("'" + tool + "' could not be started (" + e.getMessage() + "). Node.js >= 18.17 and npm"
                    + " must be installed and on the PATH to run the node-appwrite acceptance test.");
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return fail(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s\n"
                    + new Run(-1, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err,
                        StandardCharsets.UTF_8)).describe());
            }
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
