package io.hookgate.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import io.hookgate.testsupport.Await;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchedConsoleAppenderTest {
    private final LoggerContext context = new LoggerContext();
    private final CountingStream out = new CountingStream();

    /** Records what was written and how many times the appender's buffer was written out. */
    static final class CountingStream extends ByteArrayOutputStream {
        final AtomicInteger writes = new AtomicInteger();

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes.incrementAndGet();
            super.write(b, off, len);
        }

        synchronized String text() {
            return toString(StandardCharsets.UTF_8);
        }
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    private Logger logger(int queueSize, int pollMillis) {
        // A context of its own, as SLF4J's would be set up (the events copy the MDC when queued).
        context.setMDCAdapter(new LogbackMDCAdapter());
        context.start();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%thread %msg%n");
        encoder.start();
        BatchedConsoleAppender appender = new BatchedConsoleAppender(out);
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setQueueSize(queueSize);
        appender.setPollMillis(pollMillis);
        appender.start();
        assertThat(appender.isStarted()).isTrue();
        Logger logger = context.getLogger("test");
        logger.setAdditive(false);
        logger.addAppender(appender);
        return logger;
    }

    @Test
    void everyLineOfEveryThreadIsWrittenInItsOrderEvenWhenTheQueueIsFull() throws Exception {
        // A queue of 16 against 4 x 5 000 lines: loggers keep waiting for room, and nothing may be lost.
        Logger logger = logger(16, 1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 5_000; i++) {
                    logger.info("line {}", i);
                }
            }, "producer-" + t);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join(30_000);
            assertThat(thread.isAlive()).isFalse();
        }
        context.stop();

        Map<String, Integer> next = new HashMap<>();
        String[] lines = out.text().split("\n");
        assertThat(lines).hasSize(20_000);
        for (String line : lines) {
            String[] parts = line.split(" ");
            int expected = next.getOrDefault(parts[0], 0);
            assertThat(Integer.parseInt(parts[2])).as(line).isEqualTo(expected);
            next.put(parts[0], expected + 1);
        }
        assertThat(next).containsOnlyKeys("producer-0", "producer-1", "producer-2", "producer-3")
            .allSatisfy((thread, count) -> assertThat(count).isEqualTo(5_000));
    }

    @Test
    void linesAreWrittenWithoutWaitingForTheAppenderToStop() {
        Logger logger = logger(1_000, 5);
        logger.info("first");
        logger.warn("second");

        Await.until("both lines written", Duration.ofSeconds(5), () -> out.text().contains("first") && out.text().contains("second"));
        assertThat(out.text()).matches("(?s).* first\n.* second\n");
    }

    @Test
    void aBurstOfLinesIsWrittenInAFewBlocksNotALineAtATime() {
        // The writer sleeps 200 ms between empty polls: 1 000 lines logged at once land in one or a few batches.
        Logger logger = logger(10_000, 200);
        for (int i = 0; i < 1_000; i++) {
            logger.info("burst {}", i);
        }
        Await.until("the burst written", Duration.ofSeconds(10), () -> out.text().contains("burst 999\n"));

        assertThat(out.text().split("\n")).hasSize(1_000);
        assertThat(out.writes.get()).isBetween(1, 10);
    }

    @Test
    void anAppenderWithoutAnEncoderDoesNotStart() {
        BatchedConsoleAppender appender = new BatchedConsoleAppender(out);
        appender.setContext(context);
        appender.start();

        assertThat(appender.isStarted()).isFalse();
        assertThat(context.getStatusManager().getCopyOfStatusList())
            .anySatisfy(s -> assertThat(s.getMessage()).contains("no encoder"));
    }
}
