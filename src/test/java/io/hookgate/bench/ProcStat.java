package io.hookgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What Linux tells about a process in {@code /proc}: CPU time (user + system, in clock ticks of
 * {@link #TICKS_PER_SECOND}) and resident memory (current and peak, {@code VmRSS} and {@code VmHWM}).
 * Answers 0 when the process is gone or {@code /proc} is unreadable: a missing figure, not a crash.
 */
final class ProcStat {
    /** {@code getconf CLK_TCK}; 100 on every Linux this runs on, read once from the shell when possible. */
    static final long TICKS_PER_SECOND = clockTicks();

    private ProcStat() {
    }

    /** utime + stime of {@code pid}, in clock ticks. */
    static long cpuTicks(long pid) {
        return ticks(pid).own();
    }

    /**
     * CPU of a process in clock ticks, read at one moment: {@code own} is its utime + stime,
     * {@code children} the cutime + cstime of the children it has waited for (for Redis, its AOF
     * rewrites, counted when each rewrite's child ends).
     */
    record Ticks(long own, long children) {
    }

    static Ticks ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may hold spaces; fields are counted after its closing paren.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new Ticks(Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14]));
        } catch (IOException | RuntimeException e) {
            return new Ticks(0, 0);
        }
    }

    /** utime + stime of every thread of {@code pid}, by "name#tid" (Linux keeps 15 chars of a thread's name). */
    static Map<String, Long> threadTicks(long pid) {
        Map<String, Long> out = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.put(name + "#" + task.getFileName(), Long.parseLong(f[11]) + Long.parseLong(f[12]));
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return out;
        }
        return out;
    }

    static double cpuSeconds(long ticks) {
        return ticks / (double) TICKS_PER_SECOND;
    }

    /** Peak resident set size in MiB ({@code VmHWM}). */
    static double peakRssMb(long pid) {
        return statusKb(pid, "VmHWM:") / 1024.0;
    }

    /** Current resident set size in MiB ({@code VmRSS}). */
    static double rssMb(long pid) {
        return statusKb(pid, "VmRSS:") / 1024.0;
    }

    private static long statusKb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    /** The first line of {@code /proc/cpuinfo} naming the CPU model. */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return "unknown";
        }
        return "unknown";
    }

    /** {@code MemTotal} in MiB. */
    static long memTotalMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.substring(9).trim().split("\\s+")[0]) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    /** The 1-minute load average. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Runs a short command and answers its first output line ("" on any failure); bounded to 10 s. */
    static String firstLine(List<String> command) {
        String out = output(command);
        int nl = out.indexOf('\n');
        return nl < 0 ? out : out.substring(0, nl);
    }

    /** Runs a short command and answers its output, trimmed ("" on any failure); bounded to 10 s. */
    static String output(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            // Waiting first keeps the bound; the pipe holds 64 KB, more than these commands print.
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "";
            }
            return new String(p.getInputStream().readAllBytes()).trim();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /**
     * Seconds the JIT compilers of JVM {@code pid} have spent compiling so far ({@code java.ci.totalTime}
     * over {@code sun.os.hrt.frequency}, from {@code jcmd PID PerfCounter.print}, about 0.2 s); -1 when
     * unreadable. Its growth over a measured window tells whether the JIT was still at work.
     */
    static double jitSeconds(long pid) {
        long total = -1;
        long frequency = -1;
        for (String line : output(List.of("jcmd", Long.toString(pid), "PerfCounter.print")).split("\n")) {
            try {
                if (line.startsWith("java.ci.totalTime=")) {
                    total = Long.parseLong(line.substring(18).trim());
                } else if (line.startsWith("sun.os.hrt.frequency=")) {
                    frequency = Long.parseLong(line.substring(21).trim());
                }
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return total < 0 || frequency <= 0 ? -1 : total / (double) frequency;
    }

    private static long clockTicks() {
        String out = firstLine(List.of("getconf", "CLK_TCK"));
        try {
            return Long.parseLong(out.trim());
        } catch (NumberFormatException e) {
            return 100;
        }
    }
}
