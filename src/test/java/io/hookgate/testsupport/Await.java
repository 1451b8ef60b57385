package io.hookgate.testsupport;

import io.vertx.core.Context;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline, for tests that must not rely on fixed sleeps.
 *
 * <p>The condition is polled every {@value #POLL_MILLIS} ms on the calling thread and once more
 * after the deadline, so a condition that becomes true just in time still passes. A condition
 * that throws is treated as "not yet"; if the deadline passes, the last exception is attached as
 * the cause of the {@link AssertionError}, so a Redis that is restarting or an assertion that is
 * not yet satisfied does not end the wait early but still explains the failure.
 *
 * <p>These methods block, so they refuse to run on a Vert.x event loop thread (which would also
 * stop the very work being waited for).
 */
public final class Await {

    /** Poll interval in milliseconds. */
    public static final long POLL_MILLIS = 10;

    private Await() {
    }

    /**
     * Waits until {@code condition} returns true.
     *
     * @param what a description used in the failure message, e.g. "3 deliveries recorded"
     * @param timeout how long to wait at most
     * @param condition polled until it returns true
     * @throws AssertionError naming {@code what} when the deadline passes
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(what, timeout, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    /**
     * Waits until {@code valueOrNull} returns a non-null value and returns it.
     *
     * @param what a description used in the failure message
     * @param timeout how long to wait at most
     * @param valueOrNull polled until it returns something other than null
     * @param <T> the value type
     * @return the first non-null value
     * @throws AssertionError naming {@code what} when the deadline passes
     */
    public static <T> T until(String what, Duration timeout, Supplier<T> valueOrNull) {
        checkNotOnEventLoop();
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable lastFailure = null;
        while (true) {
            boolean last = System.nanoTime() - deadline >= 0;
            try {
                T value = valueOrNull.get();
                if (value != null) {
                    return value;
                }
            } catch (RuntimeException | AssertionError e) {
                lastFailure = e;
            }
            if (last) {
                AssertionError error = new AssertionError(
                        "Timed out after " + timeout.toMillis() + " ms waiting for: " + what
                                + (lastFailure == null ? "" : " (last failure: " + lastFailure + ")"));
                if (lastFailure != null) {
                    error.initCause(lastFailure);
                }
                throw error;
            }
            sleepUntilNextPoll(deadline);
        }
    }

    /**
     * Waits until {@code assertion} runs without throwing, e.g. a block of AssertJ assertions.
     *
     * @param what a description used in the failure message
     * @param timeout how long to wait at most
     * @param assertion re-run until it completes normally
     * @throws AssertionError naming {@code what}, caused by the last failure, when the deadline passes
     */
    public static void untilAsserted(String what, Duration timeout, Runnable assertion) {
        until(what, timeout, () -> {
            assertion.run();
            return Boolean.TRUE;
        });
    }

    static void checkNotOnEventLoop() {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("blocking wait called on a Vert.x event loop thread: "
                    + Thread.currentThread().getName());
        }
    }

    private static void sleepUntilNextPoll(long deadline) {
        long remainingMillis = Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
        try {
            Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, remainingMillis)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }
}
