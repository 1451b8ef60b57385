package io.hookgate.api;

import static io.hookgate.api.ApiAssertions.fresh;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.NodeScripts;
import io.hookgate.testsupport.NodeScripts.Run;
import io.hookgate.testsupport.Receiver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    private static final String NEEDS =
        "Node.js >= 18.17 and npm must be installed and on the PATH to run the node-appwrite acceptance test";
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create();

    private static Receiver receiver;


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
        assertThat(NodeScripts.DIR.resolve("webhooks-acceptance.mjs")).as("acceptance script (run from the project directory)")
            .exists();
        Run node = NodeScripts.run(List.of("node", "--version"), Map.of(), Duration.ofSeconds(30), NEEDS);
        assertThat(node.exitCode()).as("node --version: %s", node.describe()).isZero();
        NodeScripts.install("node-appwrite");
        Gateway.ProjectClient project = env.gateway().project(fresh("node"));

        Run script = NodeScripts.run(List.of("node", "webhooks-acceptance.mjs"), Map.of(
            "HOOKGATE_ENDPOINT", env.gateway().endpoint(),
            "HOOKGATE_PROJECT", project.projectId(),
            "HOOKGATE_KEY", project.key(),
            "HOOKGATE_RECEIVER_URL", receiver.url("/acceptance"),
            "HOOKGATE_TIMEOUT_MS", String.valueOf(SCRIPT_TIMEOUT.toMillis() - 10_000)), SCRIPT_TIMEOUT, NEEDS);

        assertThat(script.exitCode()).as("node webhooks-acceptance.mjs: %s", script.describe()).isZero();
        assertThat(script.stdout()).as("stdout of the acceptance script: %s", script.describe()).contains("\"ok\":true");
        // The script cleans up after itself.
        assertThat(project.call("GET", "/webhooks", null).expect(200).json().getInteger("total"))
            .as("webhooks left after the script").isZero();
    }
}
