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
    /** kustomize refuses files outside the kustomization's directory without it; conf/ is outside k8s/base. */
    static final List<String> RENDER = List.of("kustomize", "--load-restrictor", "LoadRestrictionsNone");

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Kubectl() {
    }

    /** Fails with a clear message when kubectl is missing or too old to render these manifests. */
    static void requireUsable() {
        String help = run(List.of("kustomize", "--help"), null);
        if (!help.contains("--load-restrictor")) {
            throw new AssertionError("this kubectl cannot render k8s/: its kustomize has no --load-restrictor"
                + " (kubectl 1.21 or later is needed; Debian bookworm's kubernetes-client is 1.20). "
                + run(List.of("version", "--client"), null).trim());
        }
    }

    /** {@code kubectl kustomize --load-restrictor LoadRestrictionsNone DIR}, as YAML. */
    static String renderYaml(Path kustomization) {
        List<String> args = new ArrayList<>(RENDER);
        args.add(kustomization.toString());
        return run(args, null);
    }

    /** Every object of the YAML stream, in order. */
    static List<JsonNode> toObjects(String yaml) {
        String json = run(List.of("annotate", "--local", "-o", "json", "-f", "-", "hookgate.io/none-"), yaml);
        try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(json)) {
            return it.readAll();
        } catch (IOException e) {
            throw new AssertionError("kubectl printed JSON that does not parse: " + e.getMessage(), e);
        }
    }

    /** Runs kubectl with a bounded time; returns its standard output, or fails naming its error output. */
    static String run(List<String> args, String stdin) {
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
                    + " it when missing, or install kubectl 1.21 or later", e);
            }
            if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + TIMEOUT);
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited with " + p.exitValue() + ": "
                    + Files.readString(err, StandardCharsets.UTF_8).trim());
            }
            return stdout;
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
