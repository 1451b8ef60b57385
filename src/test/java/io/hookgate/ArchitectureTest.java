package io.hookgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layout rules of {@code src/main}, read from the sources: calls go one way (no cycle between
 * packages), every use of the Redis client is in {@code io.hookgate.redis}, and no file is over 450
 * lines. A package uses another when its code (comments aside) names one of that package's classes.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java");
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern GATEWAY_TYPE = Pattern.compile("\\bio\\.hookgate((?:\\.[a-z]\\w*)*)\\.[A-Z]");
    private static final Pattern COMMENTS = Pattern.compile("//[^\\n]*|/\\*.*?\\*/", Pattern.DOTALL);
    private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\\\n]|\\\\.)*\"");
    private static final int MAX_LINES = 450;

    private static final Map<Path, String> CODE = new TreeMap<>();
    private static final Map<Path, String> PACKAGES = new HashMap<>();

    @BeforeAll
    static void read() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = Files.readString(f);
                Matcher m = PACKAGE.matcher(text);
                assertThat(m.find()).as("package of %s", f).isTrue();
                PACKAGES.put(f, m.group(1));
                // Text blocks and strings may hold anything: only code counts.
                String code = text.replace("\"\"\"", "\u0000");
                code = code.replaceAll("(?s)\u0000.*?\u0000", "\"\"");
                code = STRINGS.matcher(COMMENTS.matcher(code).replaceAll("")).replaceAll("\"\"");
                CODE.put(f, code);
            }
        }
        assertThat(CODE).as("sources under %s", MAIN.toAbsolutePath()).hasSizeGreaterThan(50);
    }

    /** Package -> the gateway's packages its code uses. */
    private static Map<String, Set<String>> graph() {
        Map<String, Set<String>> uses = new TreeMap<>();
        CODE.forEach((file, code) -> {
            String pkg = PACKAGES.get(file);
            Set<String> out = uses.computeIfAbsent(pkg, k -> new TreeSet<>());
            Matcher m = GATEWAY_TYPE.matcher(code);
            while (m.find()) {
                String used = "io.hookgate" + m.group(1);
                if (!used.equals(pkg)) {
                    out.add(used);
                }
            }
        });
        return uses;
    }

    @Test
    void noCycleBetweenPackages() {
        Map<String, Set<String>> uses = graph();
        assertThat(uses.keySet()).as("packages found").contains("io.hookgate.redis", "io.hookgate.engine",
            "io.hookgate.store", "io.hookgate.api");
        List<List<String>> cycles = new ArrayList<>();
        for (String start : uses.keySet()) {
            // A path back to start through the graph is a cycle; report each once (from its smallest member).
            Deque<List<String>> paths = new ArrayDeque<>();
            paths.push(List.of(start));
            Set<String> seen = new TreeSet<>();
            while (!paths.isEmpty()) {
                List<String> path = paths.pop();
                for (String next : uses.getOrDefault(path.get(path.size() - 1), Set.of())) {
                    if (next.equals(start)) {
                        if (path.stream().allMatch(p -> p.compareTo(start) >= 0)) {
                            List<String> cycle = new ArrayList<>(path);
                            cycle.add(start);
                            cycles.add(cycle);
                        }
                    } else if (seen.add(next)) {
                        List<String> longer = new ArrayList<>(path);
                        longer.add(next);
                        paths.push(longer);
                    }
                }
            }
        }
        assertThat(cycles).as("package cycles in %s", uses).isEmpty();
    }

    @Test
    void onlyTheRedisPackageUsesTheRedisClient() {
        List<String> outside = new ArrayList<>();
        CODE.forEach((file, code) -> {
            if (code.contains("io.vertx.redis") && !PACKAGES.get(file).equals("io.hookgate.redis")) {
                outside.add(file.toString());
            }
        });
        assertThat(outside).as("files outside io.hookgate.redis that use io.vertx.redis").isEmpty();
        assertThat(CODE.entrySet()).as("the redis package uses the client")
            .anyMatch(e -> PACKAGES.get(e.getKey()).equals("io.hookgate.redis") && e.getValue().contains("io.vertx.redis"));
    }

    @Test
    void noFileIsOverFourHundredFiftyLines() throws IOException {
        List<String> long_ = new ArrayList<>();
        for (Path f : CODE.keySet()) {
            long lines = Files.readAllLines(f).size();
            if (lines > MAX_LINES) {
                long_.add(f + " (" + lines + ")");
            }
        }
        assertThat(long_).as("files over %d lines", MAX_LINES).isEmpty();
    }
}
