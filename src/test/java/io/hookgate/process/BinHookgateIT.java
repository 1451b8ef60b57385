package io.hookgate.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.ChildGatewayEnv;
import io.hookgate.testsupport.ChildJvm;
import io.hookgate.testsupport.FreePort;
import io.hookgate.testsupport.Receiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The README's first command, as a user runs it: {@code bin/hookgate} starts its private Redis and
 * the gateway, prints the generated admin key once, serves the whole path, stops both on SIGTERM,
 * and finds its data again at the next start.
 */
class BinHookgateIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern ADMIN_KEY = Pattern.compile("admin_[0-9a-f]{64}");

    /** For the receiver only: bin/hookgate starts its own Redis. */
    @RegisterExtension
    static final ChildGatewayEnv env = ChildGatewayEnv.create(Map.of());

    private Path data;
    private Receiver receiver;
    private final int redisPort = FreePort.find();
    private final int httpPort = FreePort.find();
    private final int managementPort = FreePort.find();

    @BeforeEach
    void setUp() throws IOException {
        data = Files.createTempDirectory("hookgate-bin-it");
        receiver = env.receiver();
    }

    @Test
    void startsServesStopsAndKeepsItsData() throws Exception {
        Path firstLog = data.resolve("first.log");
        Process first = start(firstLog);
        String adminKey;
        try {
            awaitReady(first, firstLog);
            Matcher m = ADMIN_KEY.matcher(Files.readString(firstLog));
            assertThat(m.find()).as("generated admin key printed in %s", firstLog).isTrue();
            adminKey = m.group();

            call("POST", "/v1/projects", adminKey, null, new JsonObject().put("projectId", "it").put("name", "IT"), 201);
            String key = call("POST", "/v1/projects/it/keys", adminKey, null, new JsonObject().put("name", "k")
                .put("scopes", new JsonArray(List.of("webhooks.write", "events.write"))), 201).getString("secret");
            call("POST", "/v1/webhooks", key, "it", new JsonObject().put("webhookId", "w").put("name", "w")
                .put("url", receiver.url("/bin")).put("events", new JsonArray(List.of("users.*.create"))), 201);
            call("POST", "/v1/events", key, "it", new JsonObject().put("event", "users.u1.create")
                .put("payload", new JsonObject().put("a", 1)), 202);
            assertThat(receiver.awaitRequest(Duration.ofSeconds(15)).bodyString()).isEqualTo("{\"a\":1}");
        } finally {
            stop(first);
        }
        assertThat(first.exitValue()).as("exit status after SIGTERM").isIn(0, 143);
        String printed = Files.readString(firstLog);
        assertThat(printed).as("terminal codes in %s", firstLog).doesNotContain("\u001b");
        // A start, requests and a stop say nothing alarming but what a first start without keys must say.
        assertThat(printed.lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")))
            .as("warnings in %s", firstLog)
            .allMatch(l -> l.contains("generated the admin key") || l.contains("no encryptionKey configured"));
        assertThat(portOpen(redisPort)).as("private Redis stopped with the gateway").isFalse();
        assertThat(Files.list(data.resolve("redis")).map(p -> p.getFileName().toString()))
            .as("append-only files under the data dir").anyMatch(n -> n.startsWith("appendonly"));

        Path secondLog = data.resolve("second.log");
        Process second = start(secondLog);
        try {
            awaitReady(second, secondLog);
            assertThat(ADMIN_KEY.matcher(Files.readString(secondLog)).find()).as("admin key printed only once").isFalse();
            assertThat(call("GET", "/v1/projects/it", adminKey, null, null, 200).getString("name")).isEqualTo("IT");
        } finally {
            stop(second);
        }
    }

    /**
     * What {@code bin/hookgate} prints while it builds the jar: nothing, not even the colour reset
     * (ESC [0m) that Maven's console library writes at exit in batch mode unless told not to. The
     * build goal does not matter for that; {@code validate} keeps it short.
     */
    @Test
    void theQuietBuildPrintsNothing() throws Exception {
        Path out = data.resolve("mvn.log");
        Process mvn = new ProcessBuilder("mvn", "-B", "-q", "-o", "validate").redirectErrorStream(true)
            .redirectOutput(out.toFile()).start();
        if (!mvn.waitFor(120, TimeUnit.SECONDS)) {
            mvn.destroyForcibly();
            throw new AssertionError("mvn -B -q -o validate did not finish within 120 s");
        }
        assertThat(mvn.exitValue()).as("mvn exit status: %s", read(out)).isZero();
        assertThat(read(out)).as("what mvn -B -q printed").isEmpty();
    }

    private Process start(Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("setsid", "bin/hookgate")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
        pb.environment().put("HOOKGATE_DATA_DIR", data.toString());
        pb.environment().put("HOOKGATE_REDIS_PORT", Integer.toString(redisPort));
        pb.environment().put("HOOKGATE_HTTP_PORT", Integer.toString(httpPort));
        pb.environment().put("HOOKGATE_MANAGEMENT_PORT", Integer.toString(managementPort));
        pb.environment().put("HOOKGATE_HTTP_HOST", "127.0.0.1");
        pb.environment().remove("HOOKGATE_REDIS_URL");
        pb.environment().remove("HOOKGATE_ADMIN_KEY");
        return pb.start();
    }

    private void awaitReady(Process p, Path log) {
        Await.until("bin/hookgate ready (log: " + log + ")", Duration.ofSeconds(120), () -> {
            if (!p.isAlive()) {
                throw new AssertionError("bin/hookgate exited: " + read(log));
            }
            return ChildJvm.httpStatus("http://127.0.0.1:" + managementPort + "/health/ready") == 200;
        });
    }

    /** SIGTERM to the whole session, as a process manager or Ctrl-C in a terminal would. */
    private static void stop(Process p) throws Exception {
        new ProcessBuilder("kill", "-TERM", "--", "-" + p.pid()).inheritIO().start().waitFor();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            new ProcessBuilder("kill", "-KILL", "--", "-" + p.pid()).start().waitFor();
            throw new AssertionError("bin/hookgate did not stop within 60 s of SIGTERM");
        }
    }

    private JsonObject call(String method, String path, String key, String project, JsonObject body, int expected)
        throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
            .timeout(Duration.ofSeconds(20)).header("X-Appwrite-Key", key)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.encode()));
        if (project != null) {
            b.header("X-Appwrite-Project", project);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isEqualTo(expected);
        return new JsonObject(r.body());
    }

    private static boolean portOpen(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
