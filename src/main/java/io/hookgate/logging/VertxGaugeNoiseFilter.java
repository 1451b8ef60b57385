package io.hookgate.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops one known, harmless warning: Micrometer's "This Gauge has been already registered" for a
 * Vert.x gauge ({@code vertx.*}). Vert.x's metrics (vertx-micrometer-metrics 5.0) register a gauge
 * again for every server connection or request it counts, and keep the value in one counter per meter
 * ID, so the repeated registration loses nothing; Micrometer (since 1.14) warns about the first
 * repeat nonetheless, at every start. Such a warning about any other gauge, the gateway's own
 * included, still shows.
 */
public final class VertxGaugeNoiseFilter extends TurboFilter {
    /** The logger Micrometer warns with. */
    static final String REGISTRY_LOGGER = "io.micrometer.core.instrument.MeterRegistry";
    private static final String VERTX_GAUGE = "Gauge has been already registered (MeterId{name='vertx.";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                              Throwable t) {
        if (format != null && logger.getName().equals(REGISTRY_LOGGER) && format.contains(VERTX_GAUGE)) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
