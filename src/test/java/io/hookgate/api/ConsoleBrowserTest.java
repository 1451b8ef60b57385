package io.hookgate.api;

import static io.hookgate.api.ApiAssertions.fresh;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.NodeScripts;
import io.hookgate.testsupport.NodeScripts.Run;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console in a real browser: {@code src/test/node/console-e2e.mjs} drives Debian's Chromium
 * ({@code /usr/bin/chromium}, headless) with {@code playwright-core} against an in-process gateway,
 * with a receiver of its own that it makes fail and recover. It walks sign-in, create, a test event,
 * a failure with its response body, retry, the signature key (checked against the deliveries'
 * {@code X-Appwrite-Webhook-Signature}), rotation, disable and delete; renders a webhook named like
 * markup; does sign-in and create with the keyboard alone; checks a phone-sized screen; and scans each
 * page with axe-core. Screenshots of each page go to {@code target/console/}. Node.js, the npm
 * packages and Chromium are required ({@code bin/test} installs them): their absence fails the test.
 */
class ConsoleBrowserTest {
    private static final Path SCREENSHOTS = Path.of("target/console").toAbsolutePath();
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(3);

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create();


    @Test
    void theConsoleWorksInChromium() throws Exception {
        assertThat(Path.of(CHROMIUM)).as("Debian's chromium (bin/test installs it: apt-get install chromium)")
            .isExecutable();
        NodeScripts.install("playwright-core", "axe-core");
        Gateway.ProjectClient project = env.gateway().project(fresh("console"));

        Run script = NodeScripts.run(List.of("node", "console-e2e.mjs"), Map.of(
            "HOOKGATE_BASE", env.gateway().endpoint().replaceFirst("/v1$", ""),
            "HOOKGATE_PROJECT", project.projectId(),
            "HOOKGATE_KEY", project.key(),
            "HOOKGATE_SCREENSHOTS", SCREENSHOTS.toString(),
            "CHROMIUM", CHROMIUM,
            "HOOKGATE_TIMEOUT_MS", String.valueOf(SCRIPT_TIMEOUT.toMillis() - 10_000)), SCRIPT_TIMEOUT,
            "Node.js >= 20 and npm must be on the PATH to run the console's browser test");

        assertThat(script.exitCode()).as("node console-e2e.mjs: %s", script.describe()).isZero();
        assertThat(script.stdout()).as("stdout of the console walk: %s", script.describe()).contains("\"ok\":true");
        for (String page : List.of("01-sign-in", "02-webhooks", "03-add-webhook", "04-webhook", "05-test-event",
                "06-delivery-failed", "07-delivery-retried", "phone-webhooks", "phone-webhook", "phone-delivery")) {
            assertThat(SCREENSHOTS.resolve(page + ".png")).as("screenshot").isNotEmptyFile();
        }
    }
}
