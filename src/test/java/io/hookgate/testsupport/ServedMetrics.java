package io.hookgate.testsupport;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;

/**
 * What a gateway process serves at {@code /metrics} once it has done some work: events accepted,
 * deliveries made and retried, a circuit opened and deliveries held, so that every meter it
 * registers has samples (histogram buckets, labelled counters) and not only its zero.
 */
public final class ServedMetrics {
    /** The variables of a gateway whose failing webhook reaches every outcome quickly. */
    public static final Map<String, String> ENV = Map.of(
        "HOOKGATE_RETRY_SCHEDULE", "1s,1s",
        "HOOKGATE_CIRCUIT_OPEN_AFTER", "2");

    private static final int EVENTS = 20;
    private static final Duration WITHIN = Duration.ofSeconds(30);

    private ServedMetrics() {
    }

    /**
     * Starts a gateway in {@code env} (made with {@link #ENV}), sends events to one receiver that
     * answers 200 and one that answers 500, waits until {@code /metrics} counts deliveries, retries,
     * an open circuit and held deliveries, and answers the text of {@code /metrics} then.
     */
    public static String afterDeliveries(ChildGatewayEnv env) {
        Receiver receiver = env.receiver();
        receiver.respond(r -> r.path().startsWith("/fails") ? Answer.status(500) : Answer.status(200));
        ChildGateway gw = env.start("metrics");
        Gateway.ProjectClient project = gw.project("metrics");
        project.webhook("ok", receiver.url("/ok"), "users.*.create");
        project.webhook("fails", receiver.url("/fails"), "users.*.create");
        send(project, 0, EVENTS / 2);
        Await.until("an open circuit in /metrics", WITHIN, () -> gw.metrics().value("hookgate_circuits_open") >= 1);
        // Sent while the circuit is open: held.
        send(project, EVENTS / 2, EVENTS);
        Await.until("deliveries, retries and held deliveries in /metrics", WITHIN, () -> {
            Prometheus.Scrape s = gw.metrics();
            return s.value("hookgate_deliveries_total", "outcome", "delivered") >= EVENTS
                && s.value("hookgate_deliveries_total", "outcome", "retry") >= 1
                && s.value("hookgate_deliveries_total", "outcome", "held") >= 1;
        });
        return Prometheus.text(gw.managementPort());
    }

    private static void send(Gateway.ProjectClient project, int from, int to) {
        for (int i = from; i < to; i++) {
            project.send(new JsonObject().put("event", "users.u" + i + ".create")
                .put("payload", new JsonObject().put("seq", i)).encode()).expect(202);
        }
    }
}
