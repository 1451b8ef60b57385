package io.hookgate.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Proves the test support against real processes: a real {@code redis-server}, real Vert.x
 * HTTP(S) traffic, real child processes and Logback itself.
 */
class TestSupportTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Vertx vertx;
    private static HttpClient client;

    /** A response as seen by the client. */
    private record Reply(int status, String body, MultiMap headers) {
    }

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
        client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000));
    }

    @AfterAll
    static void stopVertx() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    // ---------------------------------------------------------------- RedisServer

    @Test
    void redisKeepsAppendOnlyDataAcrossKillAndRestartAndLosesItOnRestartEmpty() {
        try (RedisServer redis = RedisServer.start(RedisServer.Options.durable())) {
            int port = redis.port();
            assertThat(redis.url()).isEqualTo("redis://127.0.0.1:" + port);
            assertThat(redis.command("SET", "greeting", "h\u00e9llo")).isEqualTo("OK");
            assertThat(redis.command("GET", "greeting")).isEqualTo("h\u00e9llo");

            long pid = redis.pid();
            redis.kill();
            assertThat(redis.isRunning()).isFalse();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThatThrownBy(() -> redis.command("PING")).isInstanceOf(UncheckedIOException.class);

            redis.restart();
            assertThat(redis.port()).isEqualTo(port);
            assertThat(redis.pid()).isNotEqualTo(pid);
            assertThat(redis.command("GET", "greeting")).isEqualTo("h\u00e9llo");

            // A graceful restart keeps it too.
            redis.command("SET", "second", "2");
            redis.restart();
            assertThat(redis.command("MGET", "greeting", "second")).isEqualTo("[h\u00e9llo, 2]");

            redis.restartEmpty();
            assertThat(redis.port()).isEqualTo(port);
            assertThat(redis.command("DBSIZE")).isEqualTo("0");
            assertThat(redis.command("GET", "greeting")).isEqualTo("(nil)");
        }
    }

    @Test
    void redisWithoutPersistenceLosesDataOnRestart() {
        try (RedisServer redis = RedisServer.start()) {
            redis.command("SET", "k", "v");
            assertThat(redis.command("DBSIZE")).isEqualTo("1");
            redis.restart();
            assertThat(redis.command("DBSIZE")).isEqualTo("0");
        }
    }

    @Test
    void aProxyCutsTheReplicationLinkAloneAndTheReplicaGetsNothingMore() throws IOException {
        try (RedisServer master = RedisServer.start();
             TcpProxy proxy = TcpProxy.start(master.port());
             RedisServer replica = RedisServer.start(RedisServer.Options.defaults()
                 .withExtraArgs("--replicaof", "127.0.0.1", Integer.toString(proxy.port())))) {
            Await.until("the replica in sync through the proxy", WAIT,
                () -> replica.command("INFO", "replication").contains("master_link_status:up"));
            // WAIT counts the replicas that have the writes of its own connection.
            assertThat(master.callOnOneConnection(List.of(List.of("SET", "before", "1"), List.of("WAIT", "1", "5000"))))
                .containsExactly("OK", 1L);
            assertThat(replica.command("GET", "before")).isEqualTo("1");

            proxy.cutClientsThatSent("PSYNC");
            assertThat(master.callOnOneConnection(List.of(List.of("SET", "after", "1"), List.of("WAIT", "1", "300"))))
                .as("replicas acknowledging a write after the cut").containsExactly("OK", 0L);
            assertThat(replica.command("GET", "after")).isEqualTo("(nil)");
            assertThat(replica.command("INFO", "replication")).as("the replica does not notice")
                .contains("master_link_status:up");
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                client.setSoTimeout(10_000);
                client.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(client.getInputStream().readNBytes(7), StandardCharsets.US_ASCII))
                    .as("another client through the proxy").isEqualTo("+PONG\r\n");
            }
        }
    }

    @Test
    void redisCommandRendersEveryReplyType() {
        try (RedisServer redis = RedisServer.start(RedisServer.Options.defaults().withExtraArgs("--maxclients", "100"))) {
            assertThat(redis.command("CONFIG", "GET", "maxclients")).isEqualTo("[maxclients, 100]");
            assertThat(redis.command("CONFIG", "GET", "save")).isEqualTo("[save, ]");
            assertThat(redis.command("CONFIG", "GET", "bind")).isEqualTo("[bind, 127.0.0.1]");
            assertThat(redis.command("HSET", "hook:1", "url", "http://x")).isEqualTo("1");
            assertThat(redis.command("HGET", "hook:1", "url")).isEqualTo("http://x");
            assertThat(redis.command("XADD", "stream", "1-1", "f", "v")).isEqualTo("1-1");
            assertThat(redis.command("XLEN", "stream")).isEqualTo("1");
            assertThat(redis.command("XRANGE", "stream", "-", "+")).isEqualTo("[[1-1, [f, v]]]");
            assertThat(redis.command("LRANGE", "nothing", "0", "-1")).isEqualTo("[]");
            assertThat(redis.command("INCR", "hook:1")).startsWith("(error) WRONGTYPE");
            assertThat(redis.keys("*")).containsExactly("hook:1", "stream");
            assertThat(redis.call("XLEN", "stream")).isEqualTo(1L);
            assertThat(redis.call("NOSUCHCOMMAND")).isInstanceOf(RedisServer.ErrorReply.class);
        }
    }

    @Test
    void redisCloseKillsTheProcessAndDeletesTheDataDir() {
        RedisServer first = RedisServer.start(RedisServer.Options.durable());
        RedisServer second = RedisServer.start();
        try {
            assertThat(first.port()).isNotEqualTo(second.port());
            assertThat(first.dataDir()).isNotEqualTo(second.dataDir());
            first.command("SET", "k", "v");
            assertThat(first.dataDir().resolve("redis.log")).exists();
            assertThat(second.command("DBSIZE")).isEqualTo("0");
        } finally {
            second.close();
        }
        long pid = first.pid();
        Path dir = first.dataDir();
        first.close();
        first.close();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(Files.exists(dir)).isFalse();
        assertThatThrownBy(first::restart).isInstanceOf(IllegalStateException.class);
    }

    // ---------------------------------------------------------------- Receiver

    @Test
    void receiverRecordsExactBytesHeadersAndRawUri() throws Exception {
        Receiver receiver = await(Receiver.start(vertx));
        try {
            assertThat(receiver.url("/hook")).isEqualTo("http://127.0.0.1:" + receiver.port() + "/hook");
            byte[] body = {0, 1, (byte) 0xff, (byte) 0xfe, 'a', '\r', '\n', (byte) 0xc3, (byte) 0xa9};
            MultiMap headers = HttpHeaders.headers()
                    .add("Content-Type", "application/octet-stream")
                    .add("Webhook-Id", "msg_1")
                    .add("X-Multi", "one")
                    .add("x-multi", "two");
            long before = System.currentTimeMillis();

            Reply reply = await(send(client, HttpMethod.POST, receiver.url("/hook?a=1&b=%20x&c"), headers, body));

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body()).isEmpty();
            RecordedRequest request = receiver.awaitRequest(WAIT);
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.uri()).isEqualTo("/hook?a=1&b=%20x&c");
            assertThat(request.path()).isEqualTo("/hook");
            assertThat(request.query()).isEqualTo("a=1&b=%20x&c");
            assertThat(request.body()).containsExactly(body);
            assertThat(request.header("WEBHOOK-ID")).isEqualTo("msg_1");
            assertThat(request.header("content-type")).isEqualTo("application/octet-stream");
            assertThat(request.header("Content-Length")).isEqualTo("9");
            assertThat(request.headerValues("X-MULTI")).containsExactly("one", "two");
            assertThat(request.header("absent")).isNull();
            assertThat(request.headers().keySet()).allSatisfy(name -> assertThat(name).isLowerCase());
            assertThat(request.receivedAtMillis()).isBetween(before, System.currentTimeMillis());
            assertThat(receiver.count()).isEqualTo(1);
            assertThat(receiver.requests()).containsExactly(request);

            String json = "{\"event\":\"users.create\",\"n\":\"\u00fc\"}";
            await(send(client, HttpMethod.PUT, receiver.url("json"), HttpHeaders.headers(),
                    json.getBytes(StandardCharsets.UTF_8)));
            RecordedRequest second = receiver.awaitCount(2, WAIT).get(1);
            assertThat(second.method()).isEqualTo("PUT");
            assertThat(second.query()).isNull();
            assertThat(second.bodyString()).isEqualTo(json);
            assertThat(second.bodyJson().getString("n")).isEqualTo("\u00fc");
        } finally {
            receiver.close();
        }
    }

    @Test
    void receiverAnswersAsProgrammed() throws Exception {
        Receiver receiver = await(Receiver.start(vertx));
        try {
            receiver.respondWith(503, "busy");
            Reply busy = await(post(client, receiver.url("/a"), "1"));
            assertThat(busy.status()).isEqualTo(503);
            assertThat(busy.body()).isEqualTo("busy");

            receiver.respond(request -> request.path().equals("/gone")
                    ? Answer.of(410, "gone").withHeader("X-Why", "test")
                    : null);
            Reply gone = await(post(client, receiver.url("/gone"), "2"));
            assertThat(gone.status()).isEqualTo(410);
            assertThat(gone.body()).isEqualTo("gone");
            assertThat(gone.headers().get("x-why")).isEqualTo("test");
            assertThat(await(post(client, receiver.url("/other"), "3")).status()).isEqualTo(503);

            receiver.respond(request -> Answer.dropConnection());
            Future<Reply> dropped = post(client, receiver.url("/drop"), "4");
            Await.until("dropped request completes", WAIT, dropped::isComplete);
            assertThat(dropped.failed()).isTrue();

            assertThat(receiver.awaitCount(4, WAIT)).extracting(RecordedRequest::bodyString)
                    .containsExactly("1", "2", "3", "4");
            assertThatThrownBy(() -> receiver.awaitCount(6, Duration.ofMillis(100)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("expected at least 6 request(s)")
                    .hasMessageContaining("got 4")
                    .hasMessageContaining("POST /gone");
            assertThatThrownBy(() -> receiver.assertCountStays(3, Duration.ofMillis(100)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("at most 3");
            assertThat(receiver.assertCountStays(4, Duration.ofMillis(50))).hasSize(4);

            receiver.reset();
            assertThat(receiver.count()).isZero();
            Reply fresh = await(post(client, receiver.url("/a"), "5"));
            assertThat(fresh.status()).isEqualTo(200);
            assertThat(fresh.body()).isEmpty();
            assertThat(receiver.awaitRequest(WAIT).bodyString()).isEqualTo("5");
        } finally {
            receiver.close();
        }
    }

    @Test
    void receiverDelaysWithoutBlockingAndRecordsBeforeAnswering() throws Exception {
        Receiver receiver = await(Receiver.start(vertx));
        try {
            Duration delay = Duration.ofMillis(500);
            receiver.delay(delay);
            long start = System.nanoTime();
            Future<Reply> first = post(client, receiver.url("/slow"), "a");
            Future<Reply> second = post(client, receiver.url("/slow"), "b");

            receiver.awaitCount(2, WAIT);
            assertThat(first.isComplete()).as("answered only after the delay").isFalse();

            assertThat(await(first).status()).isEqualTo(200);
            assertThat(await(second).status()).isEqualTo(200);
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            // Both delays run concurrently on the one event loop: a blocking delay would take 1 s.
            assertThat(elapsedMillis).isBetween(delay.toMillis(), 2 * delay.toMillis() - 50);

            receiver.respond(request -> Answer.status(202).withDelay(Duration.ZERO));
            long quickStart = System.nanoTime();
            assertThat(await(post(client, receiver.url("/quick"), "c")).status()).isEqualTo(202);
            assertThat((System.nanoTime() - quickStart) / 1_000_000).isLessThan(delay.toMillis());
        } finally {
            receiver.close();
        }
    }

    @Test
    void tlsReceiverIsReachableWithTrustAndRefusedWithoutIt() throws Exception {
        Receiver receiver = await(Receiver.start(vertx, true));
        HttpClient trustAll = vertx.createHttpClient(new HttpClientOptions()
                .setTrustAll(true).setVerifyHost(false).setConnectTimeout(5_000));
        HttpClient verifying = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000));
        HttpClient trusting = vertx.createHttpClient(new HttpClientOptions()
                .setTrustOptions(Receiver.trustOptions()).setVerifyHost(true).setConnectTimeout(5_000));
        try {
            assertThat(receiver.isTls()).isTrue();
            assertThat(receiver.url("/secure")).isEqualTo("https://127.0.0.1:" + receiver.port() + "/secure");

            Reply reply = await(post(trustAll, receiver.url("/secure"), "over tls"));
            assertThat(reply.status()).isEqualTo(200);
            assertThat(receiver.awaitRequest(WAIT).bodyString()).isEqualTo("over tls");

            Future<Reply> refused = post(verifying, receiver.url("/secure"), "nope");
            Await.until("verifying client to give up", WAIT, refused::isComplete);
            assertThat(refused.failed()).isTrue();
            assertThat(Stream.iterate(refused.cause(), Objects::nonNull, Throwable::getCause))
                    .as("cause chain of %s", refused.cause())
                    .anyMatch(SSLHandshakeException.class::isInstance);
            assertThat(receiver.count()).isEqualTo(1);

            // The certificate names both 127.0.0.1 and localhost, so host verification passes.
            assertThat(await(post(trusting, receiver.url("/verified"), "ip")).status()).isEqualTo(200);
            RequestOptions byName = new RequestOptions()
                    .setMethod(HttpMethod.POST)
                    .setServer(SocketAddress.inetSocketAddress(receiver.port(), "127.0.0.1"))
                    .setHost("localhost")
                    .setPort(receiver.port())
                    .setSsl(true)
                    .setURI("/verified");
            Future<Integer> named = trusting.request(byName)
                    .compose(request -> request.send("dns")
                            .compose(response -> response.body().map(ignored -> response.statusCode())));
            assertThat(await(named)).isEqualTo(200);
            assertThat(receiver.awaitCount(3, WAIT)).extracting(RecordedRequest::bodyString)
                    .containsExactly("over tls", "ip", "dns");
        } finally {
            receiver.close();
            trustAll.close();
            verifying.close();
            trusting.close();
        }
    }

    // ---------------------------------------------------------------- Await, FreePort

    @Test
    void awaitReturnsTheValueOrFailsNamingTheCondition() {
        AtomicInteger polls = new AtomicInteger();
        Integer value = Await.until("third poll", WAIT, () -> polls.incrementAndGet() >= 3 ? polls.get() : null);
        assertThat(value).isEqualTo(3);

        assertThatThrownBy(() -> Await.until("the impossible", Duration.ofMillis(50), () -> false))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("the impossible");
        assertThatThrownBy(() -> Await.untilAsserted("a failing assertion", Duration.ofMillis(50),
                () -> assertThat(1).isEqualTo(2)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("a failing assertion")
                .hasCauseInstanceOf(AssertionError.class);
    }

    @Test
    void awaitRefusesToBlockAnEventLoop() throws Exception {
        Promise<Throwable> outcome = Promise.promise();
        vertx.runOnContext(ignored -> {
            try {
                Await.until("anything", Duration.ofMillis(10), () -> true);
                outcome.complete(null);
            } catch (RuntimeException e) {
                outcome.complete(e);
            }
        });
        assertThat(await(outcome.future())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void freePortCanBeBound() throws IOException {
        int port = FreePort.find();
        assertThat(port).isBetween(1, 65535);
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }

    // ---------------------------------------------------------------- ChildJvm, LogCapture

    @Test
    void childJvmGivesItsVariablesAndKeepsBothOutputs() throws IOException {
        Path dir = Files.createTempDirectory("child-jvm-test");
        try {
            ChildJvm child = ChildJvm.start("sh", List.of("sh", "-c", "echo out $HOOKGATE_X; echo err >&2; exit 3"),
                    Map.of("HOOKGATE_X", "given"), dir, dir.resolve("out.log"), dir.resolve("err.log"));
            assertThat(child.awaitExit(WAIT)).isEqualTo(3);
            assertThat(child.stdoutLines()).containsExactly("out given");
            assertThat(child.stderrLines()).containsExactly("err");
            assertThat(child.tail(5)).contains("[sh] out given", "[sh] err");

            ChildJvm sleeper = ChildJvm.start("sleeper", List.of("sleep", "60"), Map.of(), dir.resolve("sleep.log"));
            assertThatThrownBy(() -> sleeper.awaitExit(Duration.ofMillis(50))).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("sleeper did not exit");
            assertThat(sleeper.isAlive()).as("killed after the failed wait").isFalse();
        } finally {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    @Test
    void logCaptureOpensQuietsAndRestoresLoggers() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level before = context.getLogger("io.hookgate").getLevel();
        List<String> appenders = appenderNames(root);
        String probe = "io.hookgate.testsupport.Probe";
        try (LogCapture log = LogCapture.attach(org.slf4j.Logger.ROOT_LOGGER_NAME).open(Level.DEBUG, "io.hookgate")
                .quiet()) {
            assertThat(appenderNames(root)).as("only the capture on the root").hasSize(1);
            LoggerFactory.getLogger(probe).atDebug().addKeyValue("k", "v").log("debug {}", 1);
            LoggerFactory.getLogger(probe).error("failed", new IllegalStateException("boom", new IOException("cause")));

            assertThat(log.lines()).filteredOn(l -> l.contains(probe)).containsExactly(
                    "DEBUG " + probe + " - debug 1",
                    "ERROR " + probe + " - failed | java.lang.IllegalStateException: boom | java.io.IOException: cause");
            assertThat(log.records()).filteredOn(r -> r.contains(probe)).first().asString()
                    .contains("k=\"v\"", "[" + Thread.currentThread().getName() + "]");
            assertThat(log.errors()).filteredOn(r -> r.contains(probe)).singleElement().asString()
                    .contains("Caused by: java.io.IOException: cause", "at io.hookgate.testsupport.TestSupportTest");
        }
        assertThat(context.getLogger("io.hookgate").getLevel()).isEqualTo(before);
        assertThat(appenderNames(root)).isEqualTo(appenders);
    }

    // ---------------------------------------------------------------- helpers

    private static List<String> appenderNames(ch.qos.logback.classic.Logger logger) {
        List<String> names = new ArrayList<>();
        logger.iteratorForAppenders().forEachRemaining(a -> names.add(a.getName()));
        return names;
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Future<Reply> post(HttpClient httpClient, String url, String body) {
        return send(httpClient, HttpMethod.POST, url, HttpHeaders.headers(), body.getBytes(StandardCharsets.UTF_8));
    }

    private static Future<Reply> send(HttpClient httpClient, HttpMethod method, String url, MultiMap headers, byte[] body) {
        RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(url).setHeaders(headers);
        // body() must be asked for in the same callback that gets the response: one flat
        // compose(...) more and, from a non-Vert.x thread, the body can end before anyone reads it.
        return httpClient.request(options)
                .compose(request -> request.send(Buffer.buffer(body))
                        .compose(response -> response.body()
                                .map(payload -> new Reply(response.statusCode(), payload.toString(), response.headers()))));
    }
}
