package io.hookgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.config.ConfigKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile's shape, as far as it can be checked without a Docker engine: a Maven build stage
 * and a JRE 17 stage, the jar Maven names ({@code finalName} in pom.xml) copied and run, the
 * configuration where the Kubernetes manifests mount theirs, a numeric non-root user that matches
 * the pods' {@code runAsUser}, and a build context that holds what the Dockerfile copies.
 */
class DockerfileTest {
    private static final Path DOCKERFILE = Path.of("Dockerfile");
    private static final Path DOCKERIGNORE = Path.of(".dockerignore");
    private static final Path POM = Path.of("pom.xml");
    private static final Path DEPLOYMENT = Path.of("k8s/base/deployment.yaml");

    /** One instruction, continuation lines joined, with the index of its stage (0 = first FROM). */
    private record Instruction(String keyword, String arguments, int stage) {
        List<String> words() {
            return List.of(arguments.trim().split("\\s+"));
        }
    }

    @Test
    void aMavenBuildStageThenAJre17RuntimeStage() throws IOException {
        List<Instruction> all = instructions();
        List<Instruction> froms = all.stream().filter(i -> i.keyword().equals("FROM")).toList();

        assertThat(froms).as("FROM lines (multi-stage)").hasSizeGreaterThanOrEqualTo(2);
        assertThat(froms.get(0).words().get(0)).startsWith("maven:3.9-").contains("temurin-17");
        assertThat(all).as("the build stage runs mvn package").anyMatch(i -> i.stage() == 0
            && i.keyword().equals("RUN") && i.arguments().contains("mvn ") && i.arguments().contains(" package"));
        String runtime = froms.get(froms.size() - 1).words().get(0);
        assertThat(runtime).startsWith("eclipse-temurin:17").contains("jre");
    }

    @Test
    void theRuntimeRunsTheJarMavenBuildsAsANumericNonRootUser() throws IOException {
        List<Instruction> all = instructions();
        int last = lastStage(all);
        String buildAlias = alias(all, 0);
        String finalName = finalName();

        Instruction copyJar = all.stream().filter(i -> i.stage() == last && i.keyword().equals("COPY")
            && i.arguments().startsWith("--from=" + buildAlias + " ")).findFirst()
            .orElseThrow(() -> new AssertionError("no COPY --from=" + buildAlias + " in the runtime stage"));
        List<String> words = copyJar.words();
        String source = words.get(1);
        String jar = destination(all, copyJar, source, words.get(words.size() - 1));
        assertThat(source).isEqualTo(workdir(all, 0, copyJar) + "/target/" + finalName + ".jar");

        JsonNode entrypoint = new ObjectMapper().readTree(last(all, last, "ENTRYPOINT").arguments());
        assertThat(entrypoint.isArray()).as("ENTRYPOINT in exec form: java is PID 1 and gets SIGTERM").isTrue();
        List<String> command = new ArrayList<>();
        entrypoint.forEach(n -> command.add(n.asText()));
        assertThat(command.get(0)).isEqualTo("java");
        assertThat(command).containsSequence("-jar", jar);
        assertThat(command).as("the collector bin/bench measures (bench.Harness.GATEWAY_GC)").contains("-XX:+UseParallelGC");

        String user = last(all, last, "USER").words().get(0).split(":")[0];
        assertThat(user).as("USER must be numeric for runAsNonRoot to be checked").matches("\\d+");
        assertThat(Long.parseLong(user)).isNotZero();
        JsonNode deployment = Kubectl.toObjects(Files.readString(DEPLOYMENT)).get(0);
        assertThat(deployment.path("spec").path("template").path("spec").path("securityContext").path("runAsUser")
            .asLong()).as("the pods' runAsUser").isEqualTo(Long.parseLong(user));
    }

    @Test
    void theConfigurationIsWhereTheManifestsPointAndThePortsAreExposed() throws IOException {
        List<Instruction> all = instructions();
        int last = lastStage(all);
        Instruction copyConf = all.stream().filter(i -> i.stage() == last && i.keyword().equals("COPY")
            && i.words().get(0).equals("conf/hookgate.json")).findFirst()
            .orElseThrow(() -> new AssertionError("the runtime stage does not copy conf/hookgate.json"));
        String conf = destination(all, copyConf, "conf/hookgate.json", copyConf.words().get(1));

        JsonNode deployment = Kubectl.toObjects(Files.readString(DEPLOYMENT)).get(0);
        String hookgateConfig = null;
        for (JsonNode e : deployment.path("spec").path("template").path("spec").path("containers").get(0).path("env")) {
            if (e.path("name").asText().equals("HOOKGATE_CONFIG")) {
                hookgateConfig = e.path("value").asText();
            }
        }
        assertThat(conf).as("HOOKGATE_CONFIG of the Deployment").isEqualTo(hookgateConfig);
        // Without HOOKGATE_CONFIG (docker run), the gateway reads conf/hookgate.json from its working directory.
        assertThat(workdir(all, last, copyConf) + "/conf/hookgate.json").isEqualTo(conf);

        List<String> exposed = all.stream().filter(i -> i.stage() == last && i.keyword().equals("EXPOSE"))
            .flatMap(i -> i.words().stream()).map(p -> p.split("/")[0]).toList();
        assertThat(exposed).contains(ConfigKey.HTTP_PORT.defaultValue(), ConfigKey.MANAGEMENT_PORT.defaultValue());
    }

    @Test
    void theBuildContextHoldsWhatTheDockerfileCopies() throws IOException {
        List<String> ignore = Files.readAllLines(DOCKERIGNORE).stream().map(String::trim)
            .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        for (Instruction copy : instructions()) {
            if (!copy.keyword().equals("COPY") || copy.arguments().startsWith("--from=")) {
                continue;
            }
            List<String> words = copy.words();
            for (String source : words.subList(0, words.size() - 1)) {
                assertThat(Files.exists(Path.of(source))).as("%s exists", source).isTrue();
                assertThat(inContext(ignore, source)).as(".dockerignore lets %s in", source).isTrue();
            }
        }
        assertThat(inContext(ignore, "target/hookgate.jar")).as("a local build stays out of the context").isFalse();
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static List<Instruction> instructions() throws IOException {
        List<Instruction> out = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int stage = -1;
        for (String raw : Files.readAllLines(DOCKERFILE)) {
            String trimmed = raw.trim();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && line.length() == 0)) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                line.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            line.append(trimmed);
            String[] parts = line.toString().trim().split("\\s+", 2);
            line.setLength(0);
            String keyword = parts[0].toUpperCase(Locale.ROOT);
            if (keyword.equals("FROM")) {
                stage++;
            }
            out.add(new Instruction(keyword, parts.length > 1 ? parts[1] : "", stage));
        }
        return out;
    }

    private static int lastStage(List<Instruction> all) {
        return all.get(all.size() - 1).stage();
    }

    private static String alias(List<Instruction> all, int stage) {
        List<String> from = all.stream().filter(i -> i.stage() == stage && i.keyword().equals("FROM")).findFirst()
            .orElseThrow().words();
        assertThat(from).as("stage %d is named (FROM image AS name)", stage).hasSize(3);
        assertThat(from.get(1)).isEqualToIgnoringCase("AS");
        return from.get(2);
    }

    private static Instruction last(List<Instruction> all, int stage, String keyword) {
        Instruction found = null;
        for (Instruction i : all) {
            if (i.stage() == stage && i.keyword().equals(keyword)) {
                found = i;
            }
        }
        assertThat(found).as("%s in stage %d", keyword, stage).isNotNull();
        return found;
    }

    /** The WORKDIR in force at {@code at} in {@code stage} (absolute paths only here). */
    private static String workdir(List<Instruction> all, int stage, Instruction at) {
        String dir = "/";
        for (Instruction i : all) {
            if (i.stage() == stage && i.keyword().equals("WORKDIR")) {
                dir = i.arguments().trim();
            }
            if (i == at) {
                break;
            }
        }
        return dir.endsWith("/") && dir.length() > 1 ? dir.substring(0, dir.length() - 1) : dir;
    }

    /** Where a COPY puts {@code source}: into a directory when the destination ends with '/'. */
    private static String destination(List<Instruction> all, Instruction copy, String source, String dest) {
        String d = dest.startsWith("/") ? dest : workdir(all, copy.stage(), copy) + "/" + dest;
        return d.endsWith("/") ? d + Path.of(source).getFileName() : d;
    }

    private static String finalName() throws IOException {
        Matcher m = Pattern.compile("<finalName>\\s*([^<\\s]+)\\s*</finalName>").matcher(Files.readString(POM));
        assertThat(m.find()).as("pom.xml names its jar with finalName").isTrue();
        return m.group(1);
    }

    /**
     * Whether {@code path} reaches the build context: the last .dockerignore line that matches it (the
     * path itself, a parent directory, or {@code *}) decides; {@code !} re-includes. Enough of the
     * syntax for this repository's file.
     */
    private static boolean inContext(List<String> ignore, String path) {
        boolean in = true;
        for (String rule : ignore) {
            boolean include = rule.startsWith("!");
            String pattern = include ? rule.substring(1) : rule;
            pattern = pattern.startsWith("/") ? pattern.substring(1) : pattern;
            pattern = pattern.endsWith("/") ? pattern.substring(0, pattern.length() - 1) : pattern;
            boolean matches = pattern.equals("*") || pattern.equals("**") || path.equals(pattern)
                || path.startsWith(pattern + "/")
                || (pattern.endsWith("/*") && path.startsWith(pattern.substring(0, pattern.length() - 1)));
            if (matches) {
                in = include;
            }
        }
        return in;
    }
}
