package io.hookgate.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;

/**
 * Records the log events that reach one Logback logger of the test JVM (the root logger: all of
 * them), for tests that assert what was logged, or that nothing was: no error, no secret. Events
 * pass at the levels {@code logback-test.xml} sets ({@code io.hookgate} and the root at WARN) unless
 * {@link #open} lowers them; {@link #quiet()} keeps the logger's own appenders (the console) out of
 * it. {@link #close()} detaches the capture and restores levels and appenders.
 * <pre>{@code
 * try (LogCapture log = LogCapture.attach(Logger.ROOT_LOGGER_NAME).open(Level.DEBUG, "io.hookgate")) { ... }
 * }</pre>
 */
public final class LogCapture implements AutoCloseable {
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger logger;
    private final Map<String, Level> savedLevels = new LinkedHashMap<>();
    private final List<Appender<ILoggingEvent>> detached = new ArrayList<>();
    private final ConcurrentLinkedQueue<ILoggingEvent> events = new ConcurrentLinkedQueue<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            event.prepareForDeferredProcessing();
            events.add(event);
        }
    };

    private LogCapture(String loggerName) {
        this.logger = context.getLogger(loggerName);
    }

    /**
     * @param loggerName a logger name, e.g. {@code io.hookgate}, or {@link org.slf4j.Logger#ROOT_LOGGER_NAME}
     * @return a capture attached to that logger
     */
    public static LogCapture attach(String loggerName) {
        LogCapture capture = new LogCapture(loggerName);
        capture.appender.setContext(capture.context);
        capture.appender.setName("capture-" + System.identityHashCode(capture));
        capture.appender.start();
        capture.logger.addAppender(capture.appender);
        return capture;
    }

    /** As {@link #attach(String)}, with the logger opened to {@code level} until {@link #close()}. */
    public static LogCapture attach(String loggerName, Level level) {
        return attach(loggerName).open(level, loggerName);
    }

    /** Sets the level of each named logger until {@link #close()}, e.g. DEBUG to see what a quiet logger says. */
    public LogCapture open(Level level, String... loggerNames) {
        for (String name : loggerNames) {
            Logger l = context.getLogger(name);
            savedLevels.putIfAbsent(name, l.getLevel());
            l.setLevel(level);
        }
        return this;
    }

    /** Detaches the logger's other appenders (the console) until {@link #close()}: a TRACE capture would drown the build output. */
    public LogCapture quiet() {
        for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
            Appender<ILoggingEvent> a = it.next();
            if (a != appender) {
                detached.add(a);
            }
        }
        detached.forEach(logger::detachAppender);
        return this;
    }

    /** A snapshot of the events recorded so far. */
    public List<ILoggingEvent> events() {
        return List.copyOf(events);
    }

    /**
     * Each recorded event as one line: level, logger, formatted message and the messages of its
     * throwable chain, e.g. {@code WARN hookgate.delivery - try failed | java.io.IOException: reset}.
     */
    public List<String> lines() {
        return events.stream().map(LogCapture::line).toList();
    }

    /**
     * Each recorded event whole, for a scan for secrets: level, thread, logger, formatted message, MDC,
     * key/value pairs and, on the lines after, the throwable with its stack trace.
     */
    public List<String> records() {
        return events.stream().map(LogCapture::record).toList();
    }

    /** The {@link #records()} of the events at ERROR level. */
    public List<String> errors() {
        return events.stream().filter(e -> e.getLevel() == Level.ERROR).map(LogCapture::record).toList();
    }

    /** Forgets what was recorded so far. */
    public void clear() {
        events.clear();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
        detached.forEach(logger::addAppender);
        savedLevels.forEach((name, level) -> context.getLogger(name).setLevel(level));
    }

    private static String line(ILoggingEvent e) {
        StringBuilder b = new StringBuilder().append(e.getLevel()).append(' ').append(e.getLoggerName()).append(" - ")
            .append(e.getFormattedMessage());
        for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
            b.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        return b.toString();
    }

    private static String record(ILoggingEvent e) {
        StringBuilder b = new StringBuilder().append(e.getLevel()).append(" [").append(e.getThreadName()).append("] ")
            .append(e.getLoggerName()).append(" - ").append(e.getFormattedMessage());
        if (!e.getMDCPropertyMap().isEmpty()) {
            b.append(' ').append(e.getMDCPropertyMap());
        }
        if (e.getKeyValuePairs() != null && !e.getKeyValuePairs().isEmpty()) {
            b.append(' ').append(e.getKeyValuePairs());
        }
        if (e.getThrowableProxy() != null) {
            b.append('\n').append(ThrowableProxyUtil.asString(e.getThrowableProxy()));
        }
        return b.toString();
    }
}
