package io.hookgate.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.ChildGatewayEnv;
import io.hookgate.testsupport.ServedMetrics;
import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code promtool check metrics} (Prometheus' own linter: naming, units, suffixes, help texts) finds
 * no problem in what a gateway process serves at {@code /metrics} after real work, so that the
 * metrics a dashboard or an alert is built on follow Prometheus' conventions and stay that way when
 * a library brings new meters. {@code bin/test} installs promtool; without it this test fails.
 */
class MetricsExpositionIT {
    @RegisterExtension
    static final ChildGatewayEnv env = ChildGatewayEnv.create(ServedMetrics.ENV);

    @Test
    @Timeout(120)
    void promtoolFindsNoProblemInMetrics() throws Exception {
        Path promtool = promtool();
        String text = ServedMetrics.afterDeliveries(env);

        Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = check.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String problems = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).as("promtool exited").isTrue();
        assertThat(problems).as("promtool check metrics on /metrics (exit %s)", check.exitValue()).isEmpty();
        assertThat(check.exitValue()).as("promtool's exit status").isZero();
        // What was checked: the gateway's own meters with samples, and those of the libraries.
        assertThat(text).contains("hookgate_deliveries_total{outcome=\"held\"}", "hookgate_delivery_duration_seconds_bucket",
            "process_cpu_seconds_total", "system_cpus", "jvm_memory_used_bytes", "vertx_http_server_requests_total");
    }

    /** promtool from the PATH (bin/test puts its tools directory first). */
    private static Path promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("promtool is not on the PATH: run bin/test, which installs it from Debian's"
            + " prometheus package (or apt-get install prometheus)");
    }
}
