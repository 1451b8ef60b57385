package io.hookgate.testsupport;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs a blocking step (such as {@link Gateway#start}, which awaits without a deadline) with a
 * deadline, so that a hang becomes a failure that carries every thread's stack instead of a build
 * that stops until something kills it.
 */
public final class Bounded {

    private Bounded() {
    }

    /**
     * @param what a description for the failure message
     * @param limit how long the step may take
     * @param step the blocking step, run on a fresh thread
     * @param <T> its result type
     * @return its result
     * @throws AssertionError with a thread dump when the step takes longer than {@code limit}
     */
    public static <T> T call(String what, Duration limit, Supplier<T> step) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread worker = new Thread(() -> {
            try {
                result.complete(step.get());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, "bounded-" + what);
        worker.setDaemon(true);
        worker.start();
        try {
            return result.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            String dump = threadDump();
            worker.interrupt();
            throw new AssertionError(what + " did not finish within " + limit + "; threads:\n" + dump);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + what, e);
        }
    }

    /** Every live thread of this JVM with its stack. */
    public static String threadDump() {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            b.append('"').append(e.getKey().getName()).append("\" ").append(e.getKey().getState()).append('\n');
            for (StackTraceElement frame : e.getValue()) {
                b.append("    at ").append(frame).append('\n');
            }
        }
        return b.toString();
    }
}
