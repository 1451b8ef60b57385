package io.hookgate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the commands a Redis server appended to its AOF (the incremental files of a Redis 7
 * {@code appendonlydir}), for tests about what the gateway makes Redis persist. A command cut short at
 * the end of a file (still being written) is left out.
 */
public final class AofFile {
    private AofFile() {
    }

    /** Every command of the incremental AOF files under a Redis data directory, in file order, as its arguments. */
    public static List<List<String>> commands(Path dataDir) {
        List<List<String>> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dataDir.resolve("appendonlydir"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".incr.aof")).sorted().toList()) {
                parse(Files.readAllBytes(f), out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The names given to every DEL and UNLINK in the incremental AOF files. */
    public static List<String> deletedKeys(Path dataDir) {
        List<String> out = new ArrayList<>();
        for (List<String> c : commands(dataDir)) {
            String name = c.get(0).toUpperCase();
            if (name.equals("DEL") || name.equals("UNLINK")) {
                out.addAll(c.subList(1, c.size()));
            }
        }
        return out;
    }

    private static void parse(byte[] b, List<List<String>> out) {
        int i = 0;
        while (i < b.length && b[i] == '*') {
            int[] at = {i + 1};
            int n = number(b, at);
            if (n < 0) {
                return;
            }
            List<String> args = new ArrayList<>(n);
            for (int a = 0; a < n; a++) {
                if (at[0] >= b.length || b[at[0]] != '$') {
                    return;
                }
                at[0]++;
                int len = number(b, at);
                if (len < 0 || at[0] + len + 2 > b.length) {
                    return;
                }
                args.add(new String(b, at[0], len, StandardCharsets.UTF_8));
                at[0] += len + 2;
            }
            out.add(args);
            i = at[0];
        }
    }

    /** The decimal number at at[0] up to CRLF; moves at[0] past the CRLF. -1 when the line is cut short. */
    private static int number(byte[] b, int[] at) {
        int v = 0;
        int i = at[0];
        while (i < b.length && b[i] != '\r') {
            v = v * 10 + (b[i] - '0');
            i++;
        }
        if (i + 1 >= b.length) {
            at[0] = b.length;
            return -1;
        }
        at[0] = i + 2;
        return v;
    }
}
