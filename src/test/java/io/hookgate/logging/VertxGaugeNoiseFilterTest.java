package io.hookgate.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.hookgate.testsupport.LogCapture;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The filter of logback.xml against Micrometer's own warning, as the Micrometer on the class path words it. */
class VertxGaugeNoiseFilterTest {

    @Test
    void aVertxGaugeRegisteredAgainIsQuietAnyOtherStillWarns() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        VertxGaugeNoiseFilter filter = new VertxGaugeNoiseFilter();
        filter.setContext(context);
        filter.start();
        context.addTurboFilter(filter);
        // Micrometer warns about the first repeat in the JVM and logs later ones at debug: read both.
        try (LogCapture log = LogCapture.attach(VertxGaugeNoiseFilter.REGISTRY_LOGGER, Level.DEBUG).quiet()) {
            // What Vert.x's metrics do on every request: the same gauge again, with a new value holder.
            PrometheusMeterRegistry vertx = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            Gauge.builder("vertx.http.server.active.requests", new AtomicLong(), AtomicLong::get).register(vertx);
            Gauge.builder("vertx.http.server.active.requests", new AtomicLong(), AtomicLong::get).register(vertx);
            assertThat(log.lines()).as("lines about a vertx.* gauge").isEmpty();

            Gauge.builder("hookgate.inflight", new AtomicLong(), AtomicLong::get).register(vertx);
            Gauge.builder("hookgate.inflight", new AtomicLong(), AtomicLong::get).register(vertx);
            assertThat(log.lines()).as("the same mistake with the gateway's own gauge").singleElement()
                .asString().contains("already registered").contains("hookgate.inflight");
        } finally {
            context.getTurboFilterList().remove(filter);
        }
    }
}
