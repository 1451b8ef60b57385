package io.hookgate.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.redis.LuaScript;
import io.hookgate.redis.QueueKeys;
import io.hookgate.testsupport.AppwriteError;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Bounded;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.RedisServer;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code redisWaitReplicas=1} against a real master and replica: an event is answered {@code 202} only
 * once the replica has it, and {@code 503} (nothing half accepted; a resend with the same idempotency
 * key is safe) while the replica acknowledges nothing.
 *
 * <p>{@code WAIT} waits for the writes of the connection it is sent on, so it must follow the ingest
 * script on that script's own connection, whichever of the pooled connections the script took. The
 * second test reads the master's {@code MONITOR} while many events arrive at once.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ReplicaWaitTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private RedisServer master;
    private RedisServer replica;
    private Gateway gateway;

    @BeforeEach
    void start() {
        master = RedisServer.start();
        replica = RedisServer.start(RedisServer.Options.defaults()
            .withExtraArgs("--replicaof", "127.0.0.1", Integer.toString(master.port())));
        Await.until("the replica in sync", WAIT,
            () -> replica.command("INFO", "replication").contains("master_link_status:up"));
    }

    private void startGateway(long waitTimeoutMs) {
        gateway = Bounded.call("gateway start", Duration.ofSeconds(60), () -> Gateway.start(master.url(), Map.of(
            ConfigKey.REDIS_WAIT_REPLICAS, "1",
            ConfigKey.REDIS_WAIT_TIMEOUT_MS, Long.toString(waitTimeoutMs))));
    }

    @AfterEach
    void stop() {
        try (RedisServer m = master; RedisServer r = replica) {
            if (gateway != null) {
                gateway.close();
            }
        }
    }

    @Test
    void anEventIsAcceptedOnlyOnceTheReplicaHasIt() {
        startGateway(300);
        Gateway.ProjectClient project = gateway.project("waiting");

        String first = accepted(send(project, "a", "key-a"));
        assertThat(replica.command("GET", idempotency(project, "key-a")))
            .as("the replica has the event once it is accepted").isEqualTo(first);

        replica.pause();
        String stored;
        try {
            Gateway.Reply refused = send(project, "b", "key-b");
            AppwriteError.assertError(refused, 503, "general_service_unavailable");
            assertThat(refused.header("Retry-After")).as("Retry-After of the 503").isEqualTo("1");
            stored = master.command("GET", idempotency(project, "key-b"));
            assertThat(stored).as("the refused event may be stored").isNotEqualTo("(nil)");
            AppwriteError.assertError(send(project, "b", "key-b"), 503, "general_service_unavailable");
        } finally {
            replica.resume();
        }

        String resent = Await.until("the resend accepted", WAIT, () -> {
            Gateway.Reply r = send(project, "b", "key-b");
            return r.status() == 202 ? accepted(r) : null;
        });
        assertThat(resent).as("the resend answers the event stored by the refused request").isEqualTo(stored);
        assertThat(replica.command("GET", idempotency(project, "key-b"))).isEqualTo(stored);
    }

    @Test
    void anEventWithoutAKeyIsAcceptedOnlyOnceTheReplicaHasItToo() {
        startGateway(300);
        Gateway.ProjectClient project = gateway.project("keyless");
        sendWithoutKey(project, "a").expect(202);

        replica.pause();
        try {
            AppwriteError.assertError(sendWithoutKey(project, "b"), 503, "general_service_unavailable");
        } finally {
            replica.resume();
        }
        Await.until("an event accepted again", WAIT, () -> sendWithoutKey(project, "c").status() == 202 ? true : null);
    }

    @Test
    void theWaitFollowsTheIngestScriptOnTheScriptsOwnConnection() throws Exception {
        startGateway(300);
        Gateway.ProjectClient project = gateway.project("monitored");
        String ingest = sha1(LuaScript.load("ingest").source()).toUpperCase(Locale.ROOT);
        List<String> commands;
        ExecutorService clients = Executors.newFixedThreadPool(10);
        try (Monitor monitor = new Monitor(master.port())) {
            // Half with an idempotency key (the ingest script), half without (XADDs in a MULTI/EXEC).
            List<Future<Gateway.Reply>> sent = IntStream.range(0, 80)
                .mapToObj(i -> clients.submit(() -> i % 2 == 0 ? send(project, "m" + i, "key-" + i)
                    : sendWithoutKey(project, "m" + i))).toList();
            for (Future<Gateway.Reply> s : sent) {
                s.get(30, TimeUnit.SECONDS).expect(202);
            }
            commands = monitor.lines();
        } finally {
            clients.shutdownNow();
        }

        // Per client connection, in order: each ingest script and each EXEC must be followed by a WAIT from
        // that connection.
        Map<String, List<String>> byClient = new LinkedHashMap<>();
        for (String line : commands) {
            Matcher m = MONITOR_LINE.matcher(line);
            if (m.find()) {
                byClient.computeIfAbsent(m.group(1), c -> new ArrayList<>()).add(m.group(2).toUpperCase(Locale.ROOT));
            }
        }
        int scripts = 0;
        int transactions = 0;
        int connections = 0;
        for (List<String> ofClient : byClient.values()) {
            boolean used = false;
            for (int i = 0; i < ofClient.size(); i++) {
                String next = i + 1 < ofClient.size() ? ofClient.get(i + 1) : "(nothing)";
                if (ofClient.get(i).startsWith("\"EVALSHA\" \"" + ingest + "\"")) {
                    scripts++;
                    used = true;
                    assertThat(next).as("the command after an ingest on its connection").startsWith("\"WAIT\" \"1\" \"300\"");
                } else if (ofClient.get(i).startsWith("\"MULTI\"")) {
                    transactions++;
                    used = true;
                    assertThat(next).as("the event's XADD inside the transaction").startsWith("\"XADD\"");
                    assertThat(i + 2 < ofClient.size() ? ofClient.get(i + 2) : "(nothing)").startsWith("\"EXEC\"");
                    assertThat(i + 3 < ofClient.size() ? ofClient.get(i + 3) : "(nothing)")
                        .as("the command after an EXEC on its connection").startsWith("\"WAIT\" \"1\" \"300\"");
                }
            }
            connections += used ? 1 : 0;
        }
        assertThat(scripts).as("ingest scripts seen").isEqualTo(40);
        assertThat(transactions).as("ingests without a key seen").isEqualTo(40);
        assertThat(connections).as("pooled connections that ran them (several, or the check proves little)")
            .isGreaterThan(1);
    }

    @Test
    void whileTheReplicaIsMissingOneIngestAtATimeWaitsAndTheOthersAreRefusedAtOnce() throws Exception {
        long timeoutMs = 2_000;
        startGateway(timeoutMs);
        Gateway.ProjectClient project = gateway.project("missing");
        accepted(send(project, "a", "key-a"));

        replica.pause();
        List<Long> refusedInMs;
        ExecutorService clients = Executors.newFixedThreadPool(10);
        try {
            long start = System.nanoTime();
            AppwriteError.assertError(send(project, "b", "key-b"), 503, "general_service_unavailable");
            assertThat((System.nanoTime() - start) / 1_000_000).as("the first ingest waited for the replica")
                .isGreaterThanOrEqualTo(timeoutMs);

            List<Future<Long>> sent = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String key = "key-c" + i;
                sent.add(clients.submit(() -> {
                    long t0 = System.nanoTime();
                    AppwriteError.assertError(send(project, "c", key), 503, "general_service_unavailable");
                    return (System.nanoTime() - t0) / 1_000_000;
                }));
            }
            refusedInMs = new ArrayList<>();
            for (Future<Long> f : sent) {
                refusedInMs.add(f.get(30, TimeUnit.SECONDS));
            }
        } finally {
            replica.resume();
            clients.shutdownNow();
        }
        assertThat(refusedInMs.stream().filter(ms -> ms < timeoutMs / 2).count())
            .as("refused at once, all but the one that waits (ms: %s)", refusedInMs).isGreaterThanOrEqualTo(9);

        Await.until("events accepted again once the replica is back", WAIT,
            () -> send(project, "d", "key-d").status() == 202);
    }

    /** {@code <time> [<db> <client address>] "COMMAND" "arg" ...}. */
    private static final Pattern MONITOR_LINE = Pattern.compile("^\\+[0-9.]+ \\[\\d+ ([^\\]]+)\\] (.*)$");

    /** A {@code MONITOR} connection that records every command the server runs, until closed. */
    private static final class Monitor implements AutoCloseable {
        private final Socket socket;
        private final List<String> lines = new ArrayList<>();
        private final Thread reader;

        Monitor(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            if (!"+OK".equals(in.readLine())) {
                throw new IllegalStateException("MONITOR refused");
            }
            reader = new Thread(() -> {
                try {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        synchronized (lines) {
                            lines.add(line);
                        }
                    }
                } catch (IOException closed) {
                    // close() ends the reading.
                }
            }, "redis-monitor");
            reader.start();
        }

        /** What it has seen so far, once the commands of the last answered request have arrived. */
        List<String> lines() {
            // The requests are answered, so their commands ran; a PING of our own marks the end of the log.
            Object pong = sendPing();
            Await.until("MONITOR caught up", WAIT, () -> {
                synchronized (lines) {
                    return lines.stream().anyMatch(l -> l.endsWith("\"PING\" \"" + pong + "\""));
                }
            });
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        private Object sendPing() {
            String marker = "monitor-end-" + System.nanoTime();
            try (Socket s = new Socket("127.0.0.1", socket.getPort())) {
                s.getOutputStream().write(("PING " + marker + "\r\n").getBytes(StandardCharsets.US_ASCII));
                s.getInputStream().read();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return marker;
        }

        @Override
        public void close() throws Exception {
            socket.close();
            reader.join(10_000);
        }
    }

    private static String sha1(String text) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String accepted(Gateway.Reply reply) {
        return reply.expect(202).json().getJsonArray("events").getJsonObject(0).getString("$id");
    }

    /** The idempotency key of a single event sent with {@code Idempotency-Key: key} (see QueueKeys). */
    private static String idempotency(Gateway.ProjectClient project, String key) {
        return QueueKeys.tag(0) + "idem:" + project.projectId() + ":h:" + key;
    }

    private static Gateway.Reply send(Gateway.ProjectClient project, String marker, String idempotencyKey) {
        return project.gateway().call("POST", "/events", event(marker), "X-Appwrite-Project", project.projectId(),
            "X-Appwrite-Key", project.key(), "Idempotency-Key", idempotencyKey);
    }

    private static Gateway.Reply sendWithoutKey(Gateway.ProjectClient project, String marker) {
        return project.gateway().call("POST", "/events", event(marker), "X-Appwrite-Project", project.projectId(),
            "X-Appwrite-Key", project.key());
    }

    private static String event(String marker) {
        return new JsonObject().put("event", "users.u1.create").put("payload", new JsonObject().put("m", marker))
            .encode();
    }
}
