package io.hookgate.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Renders kustomizations with the {@code kubectl} on the PATH, offline. {@code kubectl kustomize}
 * writes YAML only, and the test classpath has no YAML parser, so the rendered YAML goes through
 * {@code kubectl annotate --local -o json}, which parses and prints each object without a cluster
 * (removing an annotation that does not exist changes nothing but adding an empty
 * {@code metadata.annotations}).
 */
final class Kubectl {
    /** What a user runs ({@code kubectl kustomize DIR}): kustomize's default load restrictions, no flag. */
    static final List<String> RENDER = List.of("kustomize");
    /** {@code kubectl kustomize} of 1.20 (Debian bookworm's kubernetes-client) embeds kustomize 2.0.3. */
    static final int MIN_MINOR = 21;

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Kubectl() {
    }

    /** Fails with a clear message when kubectl is missing or too old to render these manifests. */
    static void requireUsable() {
        String version = run(List.of("version", "--client", "-o", "json"), null).stdout();
        int minor;
        try {
            minor = Integer.parseInt(JSON.readTree(version).path("clientVersion").path("minor").asText()
                .replaceAll("\\D.*", ""));
        } catch (IOException | NumberFormatException e) {
            throw new AssertionError("cannot read kubectl's version from: " + version, e);
        }
        if (minor < MIN_MINOR) {
            throw new AssertionError("this kubectl (1." + minor + ") cannot render k8s/: kubectl 1." + MIN_MINOR
                + " or later is needed (Debian bookworm's kubernetes-client is 1.20); bin/test installs one");
        }
    }

    /** {@code kubectl kustomize DIR}, as YAML; fails when kustomize warns (a deprecated field, say). */
    static String renderYaml(Path kustomization) {
        List<String> args = new ArrayList<>(RENDER);
        args.add(kustomization.toString());
        Output out = run(args, null);
        if (!out.stderr().isBlank()) {
            throw new AssertionError("kubectl " + String.join(" ", args) + " warned: " + out.stderr().trim());
        }
        return out.stdout();
    }

    /** Every object of the YAML stream, in order. */
    static List<JsonNode> toObjects(String yaml) {
        String json = run(List.of("annotate", "--local", "-o", "json", "-f", "-", "hookgate.io/none-"), yaml).stdout();
        try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(json)) {
            return it.readAll();
        } catch (IOException e) {
            throw new AssertionError("kubectl printed JSON that does not parse: " + e.getMessage(), e);
        }
    }

    /** What a kubectl run printed. */
    record Output(String stdout, String stderr) {
    }

    /** Runs kubectl with a bounded time; returns what it printed, or fails naming its error output. */
    static Output run(List<String> args, String stdin) {
        List<String> command = new ArrayList<>();
        command.add("kubectl");
        command.addAll(args);
        Path out = null;
        Path err = null;
        Path in = null;
        try {
            out = Files.createTempFile("kubectl-out", ".txt");
            err = Files.createTempFile("kubectl-err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (stdin != null) {
                in = Files.createTempFile("kubectl-in", ".yaml");
                Files.writeString(in, stdin, StandardCharsets.UTF_8);
                pb.redirectInput(in.toFile());
            }
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new AssertionError("kubectl not found on the PATH (" + e.getMessage() + "); bin/test installs"
                    + " it when missing, or install kubectl 1." + MIN_MINOR + " or later", e);
            }
            if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + TIMEOUT);
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited with " + p.exitValue() + ": "
                    + stderr.trim());
            }
            return new Output(stdout, stderr);
        } catch (IOException e) {
            throw new AssertionError("running " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + String.join(" ", command), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
            deleteQuietly(in);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // a temporary file left behind is harmless
            }
        }
    }
}
