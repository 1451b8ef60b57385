package io.hookgate.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' {@code promtool} from the PATH ({@code bin/test} installs it from Debian's
 * {@code prometheus} package and puts its tools directory first). A test that needs it fails,
 * rather than skips, when it is missing.
 */
public final class Promtool {
    private Promtool() {
    }

    /** What one run printed (standard output and error together) and its exit status. */
    public record Result(int exit, String output) {
    }

    /**
     * The promtool on the PATH.
     *
     * @throws AssertionError saying how to install it when there is none
     */
    public static Path path() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("promtool is not on the PATH: run bin/test, which installs it from Debian's"
            + " prometheus package (or apt-get install prometheus)");
    }

    /** Runs {@code promtool args...} with {@code stdin} as its input (30 s at most). */
    public static Result run(String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(path().toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("promtool " + args[0] + " did not finish within 30 s");
            }
            return new Result(p.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
