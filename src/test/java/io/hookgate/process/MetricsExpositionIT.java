package io.hookgate.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.ChildGatewayEnv;
import io.hookgate.testsupport.Promtool;
import io.hookgate.testsupport.ServedMetrics;
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
    void promtoolFindsNoProblemInMetrics() {
        Promtool.path();
        String text = ServedMetrics.afterDeliveries(env);

        Promtool.Result check = Promtool.run(text, "check", "metrics");
        assertThat(check.output()).as("promtool check metrics on /metrics (exit %s)", check.exit()).isEmpty();
        assertThat(check.exit()).as("promtool's exit status").isZero();
        // What was checked: the gateway's own meters with samples, and those of the libraries.
        assertThat(text).contains("hookgate_deliveries_total{outcome=\"held\"}", "hookgate_delivery_duration_seconds_bucket",
            "process_cpu_seconds_total", "system_cpus", "jvm_memory_used_bytes", "vertx_http_server_requests_total");
    }
}
