package io.hookgate.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;

/**
 * Records the log events that reach one Logback logger of the test JVM (at that logger's effective
 * level: {@code logback-test.xml} keeps {@code io.hookgate} and the root at WARN), for tests that
 * assert that an in-process gateway logged no error. {@link #close()} detaches it.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private Level restore;
    private boolean levelSet;
    private final ConcurrentLinkedQueue<ILoggingEvent> events = new ConcurrentLinkedQueue<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            event.prepareForDeferredProcessing();
            events.add(event);
        }
    };

    private LogCapture(Logger logger) {
        this.logger = logger;
    }

    /**
     * @param loggerName a logger name, e.g. {@code io.hookgate}, or {@link org.slf4j.Logger#ROOT_LOGGER_NAME}
     * @return a capture attached to that logger
     */
    public static LogCapture attach(String loggerName) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        LogCapture capture = new LogCapture(context.getLogger(loggerName));
        capture.appender.setContext(context);
        capture.appender.setName("capture-" + System.identityHashCode(capture));
        capture.appender.start();
        capture.logger.addAppender(capture.appender);
        return capture;
    }

    /**
     * As {@link #attach(String)}, with the logger opened to {@code level} until {@link #close()}.
     */
    public static LogCapture attach(String loggerName, Level level) {
        LogCapture capture = attach(loggerName);
        capture.restore = capture.logger.getLevel();
        capture.levelSet = true;
        capture.logger.setLevel(level);
        return capture;
    }

    /**
     * @return a snapshot of the events recorded so far
     */
    public List<ILoggingEvent> events() {
        return List.copyOf(events);
    }

    /**
     * @return each recorded event as one line: level, logger, formatted message and the messages of
     *     its throwable chain
     */
    public List<String> lines() {
        return events.stream().map(LogCapture::line).toList();
    }

    /** Forgets what was recorded so far. */
    public void clear() {
        events.clear();
    }

    @Override
    public void close() {
        if (levelSet) {
            logger.setLevel(restore);
        }
        logger.detachAppender(appender);
        appender.stop();
    }

    private static String line(ILoggingEvent e) {
        StringBuilder b = new StringBuilder().append(e.getLevel()).append(' ').append(e.getLoggerName()).append(" - ")
                .append(e.getFormattedMessage());
        for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
            b.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        return b.toString();
    }
}
