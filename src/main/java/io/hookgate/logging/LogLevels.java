package io.hookgate.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.util.List;
import org.slf4j.Logger;

/**
 * Applies {@code logLevel} to a Logback context: the level of every logger (the root), while Netty
 * and Vert.x stay at WARN or above as in logback.xml: their INFO and DEBUG lines are about their own
 * internals, and there are many.
 */
public final class LogLevels {
    /** Loggers that logback.xml keeps at WARN. */
    static final List<String> LIBRARIES = List.of("io.netty", "io.vertx");

    private LogLevels() {
    }

    /** {@code level}: trace, debug, info, warn or error (as validated by the configuration). */
    public static void apply(LoggerContext context, String level) {
        Level wanted = Level.toLevel(level, null);
        if (wanted == null) {
            throw new IllegalArgumentException("no log level " + level);
        }
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(wanted);
        for (String library : LIBRARIES) {
            context.getLogger(library).setLevel(wanted.isGreaterOrEqual(Level.WARN) ? wanted : Level.WARN);
        }
    }
}
