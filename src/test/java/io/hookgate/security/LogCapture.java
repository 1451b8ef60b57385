package io.hookgate.security;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Records everything logged in the JVM while open: an appender on the root logger, with the root
 * and the usual quiet loggers ({@code io.hookgate}, {@code io.vertx}, {@code io.netty}) opened to
 * TRACE and the console appenders detached (the volume would drown the build output). Each record
 * is the level, logger, thread, formatted message, MDC and the whole throwable. {@link #close()}
 * restores the levels and appenders.
 */
final class LogCapture implements AutoCloseable {
    private static final List<String> OPENED = List.of(Logger.ROOT_LOGGER_NAME, "io.hookgate", "io.vertx", "io.netty");

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    private final List<String> records = new CopyOnWriteArrayList<>();
    private final Map<String, Level> levels = new HashMap<>();
    private final List<Appender<ILoggingEvent>> detached = new ArrayList<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent e) {
            String thrown = e.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy());
            records.add(e.getLevel() + " [" + e.getThreadName() + "] " + e.getLoggerName() + " - "
                + e.getFormattedMessage() + (e.getMDCPropertyMap().isEmpty() ? "" : " " + e.getMDCPropertyMap()) + thrown);
        }
    };

    private LogCapture() {
    }

    static LogCapture start() {
        LogCapture c = new LogCapture();
        for (String name : OPENED) {
            Logger l = c.context.getLogger(name);
            c.levels.put(name, l.getLevel());
            l.setLevel(Level.TRACE);
        }
        for (Iterator<Appender<ILoggingEvent>> it = c.root.iteratorForAppenders(); it.hasNext(); ) {
            c.detached.add(it.next());
        }
        c.detached.forEach(c.root::detachAppender);
        c.appender.setContext(c.context);
        c.appender.setName("security-log-capture");
        c.appender.start();
        c.root.addAppender(c.appender);
        return c;
    }

    /** Every record so far. */
    List<String> records() {
        return List.copyOf(records);
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
        detached.forEach(root::addAppender);
        levels.forEach((name, level) -> context.getLogger(name).setLevel(level));
    }
}
