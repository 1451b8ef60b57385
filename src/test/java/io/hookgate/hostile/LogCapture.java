package io.hookgate.hostile;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Records log events while it is open, with message, arguments and stack traces rendered as text,
 * so a test can look for a secret or an unexpected error. With {@code debug} the gateway's and the
 * Vert.x Redis client's loggers go down to DEBUG meanwhile; otherwise the configured levels apply.
 */
final class LogCapture implements AutoCloseable {
    private static final List<String> LOGGERS = List.of("io.hookgate", "io.vertx.redis");

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Map<Logger, Level> saved = new java.util.HashMap<>();

    LogCapture() {
        this(true);
    }

    LogCapture(boolean debug) {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        appender.setContext(root.getLoggerContext());
        appender.start();
        root.addAppender(appender);
        for (String name : debug ? LOGGERS : List.<String>of()) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            saved.put(logger, logger.getLevel());
            logger.setLevel(Level.DEBUG);
        }
    }

    /** Every event so far as one text per event: level, logger, message, stack trace. */
    List<String> lines() {
        List<String> out = new ArrayList<>();
        synchronized (appender.list) {
            for (ILoggingEvent e : appender.list) {
                StringBuilder s = new StringBuilder(e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage());
                IThrowableProxy t = e.getThrowableProxy();
                if (t != null) {
                    s.append('\n').append(ThrowableProxyUtil.asString(t));
                }
                out.add(s.toString());
            }
        }
        return out;
    }

    /** The events at ERROR level, rendered as in {@link #lines()}. */
    List<String> errors() {
        return lines().stream().filter(l -> l.startsWith("ERROR")).toList();
    }

    String text() {
        return lines().stream().collect(Collectors.joining("\n"));
    }

    @Override
    public void close() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAppender(appender);
        appender.stop();
        saved.forEach(Logger::setLevel);
    }
}
