package io.hookgate.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes log lines to standard output from one background thread, a batch at a time: the event loops
 * hand an event over and go on. It replaces Logback's {@code AsyncAppender} + {@code ConsoleAppender}
 * pair, which at a line per delivery try (thousands a second) cost the gateway twice over:
 * <ul>
 *   <li>the {@code AsyncAppender}'s blocking queue woke its worker thread for nearly every line (about
 *       7 400 context switches a second at 16 000 lines a second), each wake-up a system call on an
 *       event loop and a context switch;</li>
 *   <li>{@code System.out} flushes every write, so every line was a {@code write(2)}.</li>
 * </ul>
 * Here producers never wake the writer: it sleeps {@code pollMillis} when it finds the queue empty, then
 * writes everything queued into a buffer and flushes once per batch. A line is written at most
 * {@code pollMillis} after it was logged. When {@code queueSize} lines are waiting, loggers wait for room
 * (nothing is dropped). {@link #stop()} (the shutdown hook stops the logger context) writes what is left.
 *
 * <p>Configured like a {@code ConsoleAppender}: an {@code <encoder>} (a pattern or Logback's JSON encoder).
 */
public final class BatchedConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    private static final long STOP_WAIT_MILLIS = 5_000;

    private final ConcurrentLinkedQueue<ILoggingEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private Encoder<ILoggingEvent> encoder;
    private int queueSize = 16_384;
    private int pollMillis = 5;
    private OutputStream out;
    private volatile boolean running;
    private Thread writer;

    public BatchedConsoleAppender() {
    }

    /** For tests: writes to {@code out} instead of standard output. */
    BatchedConsoleAppender(OutputStream out) {
        this.out = out;
    }

    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    public void setPollMillis(int pollMillis) {
        this.pollMillis = pollMillis;
    }

    @Override
    public void start() {
        if (encoder == null) {
            addError("no encoder for appender " + name);
            return;
        }
        if (queueSize < 1 || pollMillis < 1) {
            addError("queueSize and pollMillis must be at least 1");
            return;
        }
        if (out == null) {
            // Not System.out: a PrintStream that flushes (one write system call) on every write.
            out = new FileOutputStream(FileDescriptor.out);
        }
        out = new BufferedOutputStream(out, 1 << 16);
        running = true;
        writer = new Thread(this::writeLoop, "hookgate-log-writer");
        writer.setDaemon(true);
        writer.start();
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        // The event is written later, from another thread: take the thread name, MDC and message now.
        event.prepareForDeferredProcessing();
        while (queued.get() >= queueSize && running) {
            LockSupport.unpark(writer);
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
        }
        queue.add(event);
        queued.incrementAndGet();
    }

    private void writeLoop() {
        while (true) {
            boolean last = !running;
            int written;
            try {
                written = drain();
            } catch (Throwable t) {
                // Loggers wait for this thread when the queue is full: it must not die.
                addError("log writer failed", t);
                written = 0;
            }
            if (last) {
                return;
            }
            if (written == 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pollMillis));
            }
        }
    }

    /** Writes every queued line and flushes once; returns how many were written. */
    private int drain() {
        int n = 0;
        for (ILoggingEvent e = queue.poll(); e != null; e = queue.poll()) {
            queued.decrementAndGet();
            n++;
            try {
                out.write(encoder.encode(e));
            } catch (IOException | RuntimeException ex) {
                addError("cannot write a log line", ex);
            }
        }
        if (n > 0) {
            try {
                out.flush();
            } catch (IOException ex) {
                addError("cannot flush the log", ex);
            }
        }
        return n;
    }

    /** Writes what is still queued (waiting up to 5 s), then stops. */
    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        running = false;
        LockSupport.unpark(writer);
        try {
            writer.join(STOP_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            addWarn("log writer still busy after " + STOP_WAIT_MILLIS + " ms; " + queued.get() + " lines not written");
        }
    }
}
