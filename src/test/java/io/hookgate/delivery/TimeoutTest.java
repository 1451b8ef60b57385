package io.hookgate.delivery;

import static io.hookgate.delivery.Deliveries.awaitAttempts;
import static io.hookgate.delivery.Deliveries.event;
import static io.hookgate.delivery.Deliveries.marker;
import static io.hookgate.delivery.Deliveries.projectId;
import static io.hookgate.delivery.Deliveries.send;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.LogCapture;
import io.hookgate.testsupport.Receiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A try that outlives {@code deliveryTimeoutMs} says that it timed out, and after how long: in the
 * delivery log line, in the try record and in the webhook's Appwrite {@code logs} (it used to say
 * {@code Stream reset: 0}, the reset the deadline uses to end the exchange).
 */
class TimeoutTest {
    private static final int TIMEOUT_MS = 1000;

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create(Map.of(ConfigKey.DELIVERY_TIMEOUT_MS, String.valueOf(TIMEOUT_MS)));

    @Test
    void aTryThatTimesOutSaysSoWithTheTimeEverywhereItIsRecorded() {
        Gateway.ProjectClient p = env.gateway().project(projectId("timeout"));
        try (Receiver r = Deliveries.receiver(env.vertx()).delay(Duration.ofSeconds(5));
             LogCapture log = LogCapture.attach("hookgate.delivery", Level.INFO)) {
            String url = r.url("/slow");
            p.webhook("slow", url, "users.*.create");

            send(p, event("users.u1.create", marker("e1")));

            String error = "timed out after " + TIMEOUT_MS + " ms";
            JsonObject w = awaitAttempts(p, "slow", 1);
            assertThat(w.getString("logs"))
                .isEqualTo("URL: " + url + "\nMethod: POST\nCURL Error: " + error + "\nEvents: users.u1.create, "
                    + "users.*.create, users.u1, users.*\n");
            JsonArray deliveries = p.call("GET", "/webhooks/slow/deliveries", null).expect(200).json()
                .getJsonArray("deliveries");
            assertThat(deliveries).hasSize(1);
            JsonObject attempt = deliveries.getJsonObject(0).getJsonArray("attempts").getJsonObject(0);
            assertThat(attempt.getInteger("statusCode")).isZero();
            assertThat(attempt.getString("error")).isEqualTo(error);
            assertThat(attempt.getLong("durationMs")).isGreaterThanOrEqualTo((long) TIMEOUT_MS);
            List<ILoggingEvent> tries = log.events();
            assertThat(tries).hasSize(1);
            assertThat(tries.get(0).getFormattedMessage()).startsWith("try failed ");
            assertThat(tries.get(0).getKeyValuePairs()).anySatisfy(kv -> {
                assertThat(kv.key).isEqualTo("error");
                assertThat(kv.value).isEqualTo(error);
            });
        }
    }
}
