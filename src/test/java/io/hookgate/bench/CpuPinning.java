package io.hookgate.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --pin}: Redis on CPU 0, everything else (this driver, and through it the gateways and the
 * receiver, which inherit its affinity) on CPU 1. On a machine of two cores, Redis then has a core of
 * its own: its CPU per delivery is measured without the gateway's threads taking turns on its core,
 * which on a shared core makes every command dearer (caches, preemption inside scripts). Throughput is
 * lower, since the rest shares one core; the figure to read is Redis's CPU per delivery.
 */
final class CpuPinning {
    private static final Logger LOG = LoggerFactory.getLogger(CpuPinning.class);
    private static volatile boolean enabled;

    private CpuPinning() {
    }

    /** Pins this JVM (every thread) to CPU 1; from now on Redis servers go to CPU 0. */
    static void enable() {
        enabled = true;
        taskset("1", ProcessHandle.current().pid());
    }

    static boolean enabled() {
        return enabled;
    }

    /** Pins a Redis server (every thread) to CPU 0 when pinning is on; its rewrite children inherit it. */
    static void redis(long pid) {
        if (enabled) {
            taskset("0", pid);
        }
    }

    private static void taskset(String cpu, long pid) {
        try {
            Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", cpu, Long.toString(pid))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("taskset -a -p -c " + cpu + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("taskset is needed for --pin: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        LOG.debug("pid {} pinned to CPU {}", pid, cpu);
    }
}
