package io.hookgate.delivery;

import static io.hookgate.delivery.Deliveries.WAIT;
import static io.hookgate.delivery.Deliveries.event;
import static io.hookgate.delivery.Deliveries.marker;
import static io.hookgate.delivery.Deliveries.projectId;
import static io.hookgate.delivery.Deliveries.send;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Answer;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Bounded;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.LogCapture;
import io.hookgate.testsupport.Prometheus;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RedisServer;
import io.hookgate.testsupport.Teardown;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code deliveryLog}: which tries get a {@code hookgate.delivery} line (all, failed, none; failed by
 * default), while every API request keeps its {@code hookgate.access} line.
 */
class TryLogTest {
    private static RedisServer redis;
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        Teardown.close(null, vertx, redis);
    }

    private static String webhookOf(ILoggingEvent e) {
        return e.getKeyValuePairs() == null ? "" : e.getKeyValuePairs().stream()
            .filter(kv -> kv.key.equals("webhookId")).map(kv -> String.valueOf(kv.value)).findFirst().orElse("");
    }

    @ParameterizedTest(name = "deliveryLog={0}")
    @CsvSource({"default, 0, 1", "all, 1, 1", "failed, 0, 1", "none, 0, 0"})
    void theSettingChoosesTheTriesLoggedAndLeavesTheAccessLog(String setting, int okLines, int failedLines)
        throws Exception {
        Map<ConfigKey, String> overrides = setting.equals("default") ? Map.of()
            : Map.of(ConfigKey.DELIVERY_LOG, setting);
        try (LogCapture tries = LogCapture.attach("hookgate.delivery", Level.INFO).quiet();
             LogCapture access = LogCapture.attach("hookgate.access", Level.INFO).quiet();
             Receiver receiver = Deliveries.receiver(vertx);
             Gateway gateway = Bounded.call("gateway start", Duration.ofSeconds(60),
                 () -> Gateway.start(redis.url(), overrides))) {
            receiver.respond(r -> r.path().equals("/fail") ? Answer.of(500, "no") : null);
            Gateway.ProjectClient p = gateway.project(projectId("trylog"));
            p.webhook("ok", receiver.url("/ok"), "users.*.create");
            p.webhook("fail", receiver.url("/fail"), "users.*.delete");

            send(p, event("users.u1.create", marker("ok")));
            send(p, event("users.u1.delete", marker("fail")));
            // A try's line is logged before its outcome is recorded and counted.
            Await.until("one delivered and one failed try counted", WAIT, () -> {
                Prometheus.Scrape s = Prometheus.scrape(gateway.managementPort());
                return s.value("hookgate_deliveries_total", "outcome", "delivered") >= 1
                    && s.value("hookgate_deliveries_total", "outcome", "retry") >= 1;
            });

            List<String> lines = tries.records();
            assertThat(tries.events().stream().filter(e -> webhookOf(e).equals("ok")))
                .as("lines of the successful try: %s", lines).hasSize(okLines);
            assertThat(tries.events().stream().filter(e -> webhookOf(e).equals("fail")))
                .as("lines of the failed try: %s", lines).hasSize(failedLines);
            if (failedLines > 0) {
                assertThat(tries.events()).anyMatch(e -> webhookOf(e).equals("fail")
                    && e.getFormattedMessage().startsWith("try answered 500"));
            }
            assertThat(access.events().stream().filter(e -> e.getFormattedMessage().matches("POST \\S*/events 202 .*")))
                .as("access lines of the two events: %s", access.lines()).hasSize(2);
        }
    }
}
