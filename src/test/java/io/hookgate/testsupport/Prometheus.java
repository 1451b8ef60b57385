package io.hookgate.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the Prometheus text format that a gateway serves at {@code GET /metrics} on its management
 * port: one {@link Sample} per series line ({@code name{label="value",...} number}), comments
 * skipped, label values unescaped ({@code \\}, {@code \"}, {@code \n}).
 */
public final class Prometheus {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        // HTTP/1.1: the default (HTTP/2) asks the server for a cleartext upgrade (h2c), after which the
        // JDK client sometimes never completed a larger answer, its request timeout notwithstanding.
        .version(HttpClient.Version.HTTP_1_1).build();

    private Prometheus() {
    }

    /**
     * One series line.
     *
     * @param name the series name, e.g. {@code hookgate_deliveries_total}
     * @param labels its labels in the order given
     * @param value its value ({@code +Inf}, {@code -Inf}, {@code NaN} included)
     */
    public record Sample(String name, Map<String, String> labels, double value) {
        /** Copies the labels. */
        public Sample {
            labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        }

        /** Whether every given (name, value) pair is among the labels; pairs alternate name, value. */
        public boolean has(String... pairs) {
            for (int i = 0; i + 1 < pairs.length; i += 2) {
                if (!pairs[i + 1].equals(labels.get(pairs[i]))) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The samples of one scrape, with lookups. */
    public record Scrape(List<Sample> samples) {
        /** Copies the list. */
        public Scrape {
            samples = List.copyOf(samples);
        }

        /** Every sample of {@code name} whose labels include the given pairs. */
        public List<Sample> all(String name, String... pairs) {
            return samples.stream().filter(s -> s.name().equals(name) && s.has(pairs)).toList();
        }

        /** The one sample of {@code name} with those labels, if there is exactly one. */
        public Optional<Sample> find(String name, String... pairs) {
            List<Sample> found = all(name, pairs);
            if (found.size() > 1) {
                throw new AssertionError("more than one series " + name + " with " + List.of(pairs) + ": " + found);
            }
            return found.stream().findFirst();
        }

        /** The value of the one sample of {@code name} with those labels; fails when there is none. */
        public double value(String name, String... pairs) {
            return find(name, pairs).orElseThrow(() -> new AssertionError("no series " + name + " with "
                    + List.of(pairs))).value();
        }
    }

    /**
     * Scrapes {@code http://127.0.0.1:<managementPort>/metrics}.
     *
     * @param managementPort the gateway's management port
     * @return the parsed samples
     * @throws AssertionError if the scrape does not answer 200
     */
    public static Scrape scrape(int managementPort) {
        return parse(text(managementPort));
    }

    /**
     * The text of {@code http://127.0.0.1:<managementPort>/metrics}, as a scraper gets it.
     *
     * @throws AssertionError if the scrape does not answer 200
     */
    public static String text(int managementPort) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AssertionError("GET /metrics answered " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new AssertionError("GET /metrics on port " + managementPort + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * @param text Prometheus text exposition
     * @return every series line, parsed
     * @throws IllegalArgumentException naming a line that is not in the format
     */
    public static Scrape parse(String text) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            out.add(parseLine(line));
        }
        return new Scrape(out);
    }

    private static Sample parseLine(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq).trim();
                if (line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("label value not quoted: " + line);
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char n = line.charAt(++j);
                        value.append(n == 'n' ? '\n' : n);
                    } else {
                        value.append(c);
                    }
                }
                labels.put(label, value.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        String[] rest = line.substring(i).trim().split("\\s+");
        if (name.isEmpty() || rest.length == 0 || rest[0].isEmpty()) {
            throw new IllegalArgumentException("not a series line: " + line);
        }
        return new Sample(name, labels, number(rest[0]));
    }

    private static double number(String s) {
        return switch (s) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(s);
        };
    }
}
