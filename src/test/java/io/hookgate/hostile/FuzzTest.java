package io.hookgate.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.net.HostResolver;
import io.hookgate.net.IpLiterals;
import io.hookgate.testsupport.AppwriteError;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.LogCapture;
import io.hookgate.testsupport.Receiver;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thousands of generated malformed requests at every route of the API, with valid credentials (so
 * validation is reached) and now and then invalid ones: broken JSON, wrong types, huge and deeply
 * nested values, invalid UTF-8, odd content types, hostile IDs, URLs, event names, path segments,
 * query strings and headers, and a few broken HTTP messages over a raw socket.
 *
 * <p>Every answer must be a 4xx in Appwrite's error shape (or a 2xx where a request happened to be
 * valid; they are counted), never a 5xx, a missing answer or a hang. Afterwards the gateway still
 * delivers a normal event. The cases come from a seeded {@link java.util.Random}: run again with
 * {@code -Dhookgate.fuzz.seed=S} (and {@code -Dhookgate.fuzz.only=I} for one case) to reproduce a
 * failure; {@code -Dhookgate.fuzz.cases=N} changes the count.
 */
class FuzzTest {
    private static final Logger LOG = LoggerFactory.getLogger(FuzzTest.class);
    private static final long SEED = Long.getLong("hookgate.fuzz.seed", 20261127L);
    private static final int CASES = Integer.getInteger("hookgate.fuzz.cases", 3000);
    private static final Integer ONLY = Integer.getInteger("hookgate.fuzz.only");
    private static final int THREADS = 8;
    private static final int REQUEST_TIMEOUT_MS = 10_000;
    private static final Duration BUDGET = Duration.ofSeconds(45);
    private static final int MAX_REQUEST_BYTES = 256 * 1024;
    private static final int MAX_FAILURES_SHOWN = 10;
    private static final Set<String> ERROR_FIELDS = Set.of("message", "code", "type", "version");

    /** Literal addresses as they are, "localhost" to loopback, every other name unknown: no DNS ever. */
    private static final HostResolver LOOPBACK_ONLY = host -> {
        var literal = IpLiterals.parse(host);
        if (literal.isPresent()) {
            return literal.get();
        }
        if ("localhost".equalsIgnoreCase(host)) {
            return InetAddress.getLoopbackAddress();
        }
        throw new UnknownHostException(host);
    };

    /**
     * Every case comes from 127.0.0.1 and about one in seven has a wrong key: throttling failed keys
     * (AuthThrottleTest) would soon answer every case 429 and the fuzzing would reach no validation.
     */
    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create(Map.of(
        ConfigKey.MAX_REQUEST_BYTES, String.valueOf(MAX_REQUEST_BYTES),
        ConfigKey.MAX_EVENT_BYTES, String.valueOf(64 * 1024),
        ConfigKey.MAX_BATCH_EVENTS, "50",
        ConfigKey.INGEST_RATE_PER_SECOND, "0",
        ConfigKey.MAX_FAILED_AUTH_PER_MINUTE, "0"), LOOPBACK_ONLY);

    private static Receiver receiver;
    private static FuzzCases cases;

    @BeforeAll
    static void start() {
        receiver = Receiver.start(env.gateway().vertx()).await();
        FuzzCases.Target main = target("fz-main");
        FuzzCases.Target victim = target("fz-victim");
        String other = env.gateway().project(FullPath.fresh("fz-other")).key();
        int port = URI.create(env.gateway().endpoint()).getPort();
        cases = new FuzzCases(new FuzzCases.Context(port, Gateway.ADMIN_KEY, main, victim, other, receiver.url("/fz"),
            MAX_REQUEST_BYTES));
    }

    /** A project with a key, a webhook to the receiver and one delivery. */
    private static FuzzCases.Target target(String prefix) {
        Gateway.ProjectClient p = env.gateway().project(FullPath.fresh(prefix));
        p.webhook("wh1", receiver.url("/fz"), "users.*", "teams.*");
        int before = receiver.count();
        p.send("{\"event\":\"users.u1.create\",\"payload\":{\"setup\":true}}").expect(202);
        receiver.awaitCount(before + 1, Duration.ofSeconds(10));
        // A first try's record is written when the try has ended, a moment after the receiver got it.
        String deliveryId = Await.until("the delivery listed", Duration.ofSeconds(10), () -> {
            io.vertx.core.json.JsonArray listed = p.call("GET", "/webhooks/wh1/deliveries", null).expect(200).json()
                .getJsonArray("deliveries");
            return listed.isEmpty() ? null : listed.getJsonObject(0).getString("$id");
        });
        String keyId = env.gateway().admin("GET", "/projects/" + p.projectId() + "/keys", null).expect(200).json()
            .getJsonArray("keys").getJsonObject(0).getString("$id");
        return new FuzzCases.Target(p.projectId(), p.key(), "wh1", keyId, deliveryId);
    }

    @AfterAll
    static void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }

    /** Counts of one run. */
    private static final class Tally {
        final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        final Map<String, LongAdder> accepted = new ConcurrentHashMap<>();
        final Map<String, LongAdder> categories = new ConcurrentHashMap<>();
        final LongAdder writeFailures = new LongAdder();
        final Map<String, LongAdder> tolerated = new ConcurrentHashMap<>();
        final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger done = new AtomicInteger();

        static void add(Map<String, LongAdder> map, String key) {
            map.computeIfAbsent(key, k -> new LongAdder()).increment();
        }

        Map<String, Long> sorted(Map<String, LongAdder> map) {
            return map.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().sum(), Long::sum,
                TreeMap::new));
        }
    }

    @Test
    void everyHostileRequestGetsA4xxInTheErrorShapeAndTheGatewayKeepsServing(TestReporter reporter) throws Exception {
        Tally tally = new Tally();
        int first = ONLY == null ? 0 : ONLY;
        int last = ONLY == null ? CASES : ONLY + 1;
        long t0 = System.nanoTime();
        List<String> errorLogs;
        try (LogCapture logs = LogCapture.attach(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                for (int i = first; i < last; i++) {
                    int index = i;
                    pool.execute(() -> run(index, tally));
                }
                pool.shutdown();
                boolean finished = pool.awaitTermination(BUDGET.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(finished).as("%d of %d cases done within %s (seed %d)", tally.done.get(), last - first, BUDGET, SEED)
                    .isTrue();
            } finally {
                pool.shutdownNow();
            }
            errorLogs = logs.errors();
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;

        Map<String, Long> statuses = tally.statuses.entrySet().stream().collect(Collectors.toMap(
            e -> String.valueOf(e.getKey()), e -> e.getValue().sum(), Long::sum, TreeMap::new));
        long valid = tally.statuses.entrySet().stream().filter(e -> e.getKey() < 300).mapToLong(e -> e.getValue().sum()).sum();
        String summary = String.format("seed %d, %d cases in %d ms; statuses %s; 2xx (valid by chance) %d: %s;"
                + " write cut short by the server %d; Vert.x core's own endings %s; categories %s", SEED, last - first, ms,
            statuses, valid, tally.sorted(tally.accepted), tally.writeFailures.sum(), tally.sorted(tally.tolerated),
            tally.sorted(tally.categories));
        reporter.publishEntry("fuzz", summary);
        LOG.info("fuzz: {}", summary);
        // The counts are a report, not a warning: kept beside the surefire reports instead of the console.
        Files.writeString(Path.of("target", "hostile-fuzz-summary.txt"), summary + "\n" + String.join("\n", tally.failures)
            + "\n");

        assertThat(tally.failures).as("failures (%d; seed %d; first %d shown)", tally.failures.size(), SEED,
            MAX_FAILURES_SHOWN).isEmpty();
        assertThat(tally.done.get()).isEqualTo(last - first);
        assertThat(errorLogs).as("ERROR logs while fuzzing").isEmpty();

        // Still serving: health, and a fresh project's webhook gets a normal event, signed, bytes unchanged.
        HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + env.gateway().managementPort() + "/health/ready"))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as("readiness after fuzzing: %s", ready.body()).isEqualTo(200);
        FullPath.run(env.gateway());
    }

    private static void run(int index, Tally tally) {
        try {
            exchange(index, tally);
        } catch (RuntimeException | Error e) {
            String where = java.util.Arrays.stream(e.getStackTrace()).limit(12).map(String::valueOf)
                .collect(Collectors.joining("\n  at "));
            tally.failures.add("case " + index + " (seed " + SEED + ") broke the test itself: " + e + "\n  at " + where);
        } finally {
            tally.done.incrementAndGet();
        }
    }

    private static void exchange(int index, Tally tally) {
        FuzzCases.Case c = cases.make(SEED, index);
        Tally.add(tally.categories, c.category().startsWith("protocol") ? "protocol" : c.category().split("\\+")[0]);
        RawHttp.Outcome outcome = RawHttp.exchange(port(), c.request(), c.head(), REQUEST_TIMEOUT_MS);
        if (outcome.writeFailed()) {
            tally.writeFailures.increment();
        }
        String problem = check(c, outcome);
        if (problem == null && tolerated(c, outcome)) {
            Tally.add(tally.tolerated, c.tolerance().name());
        }
        if (outcome.response() != null) {
            int status = outcome.response().status();
            tally.statuses.computeIfAbsent(status, k -> new LongAdder()).increment();
            if (status >= 200 && status < 300) {
                Tally.add(tally.accepted, c.route());
            }
        }
        if (problem != null && tally.failures.size() < MAX_FAILURES_SHOWN) {
            tally.failures.add(describe(index, c, outcome, problem));
        } else if (problem != null) {
            tally.failures.add("case " + index + ": " + problem);
        }
    }

    private static int port() {
        return URI.create(env.gateway().endpoint()).getPort();
    }

    /** Whether the outcome is one of the endings Vert.x core itself gives a broken message (see {@link FuzzCases.Tolerance}). */
    static boolean tolerated(FuzzCases.Case c, RawHttp.Outcome outcome) {
        RawHttp.Response r = outcome.response();
        return switch (c.tolerance()) {
            case NONE -> false;
            case CLOSE_ON_BAD_CHUNK -> r == null && outcome.failure().contains("connection closed without an answer");
            case VERTX_501_FOR_UNKNOWN_VERSION -> r != null && r.status() == 501;
        };
    }

    /** Null when the answer is acceptable, else what is wrong with it. */
    static String check(FuzzCases.Case c, RawHttp.Outcome outcome) {
        if (tolerated(c, outcome)) {
            return null;
        }
        RawHttp.Response r = outcome.response();
        if (r == null) {
            return outcome.failure();
        }
        int status = r.status();
        if (status >= 200 && status < 300) {
            return null;
        }
        if (status < 400 || status > 499) {
            return "status " + status + " (only 4xx, or 2xx for a valid request, is acceptable)";
        }
        String type = r.header("Content-Type");
        if (type == null || !type.startsWith("application/json")) {
            return "Content-Type " + type + " on a " + status;
        }
        if (c.head()) {
            return null;
        }
        JsonObject body;
        try {
            body = new JsonObject(r.bodyText());
        } catch (RuntimeException e) {
            return "the " + status + " body is not a JSON object: " + e.getMessage();
        }
        if (!body.fieldNames().equals(ERROR_FIELDS)) {
            return "error fields " + body.fieldNames() + " instead of " + ERROR_FIELDS;
        }
        if (!Integer.valueOf(status).equals(body.getValue("code"))) {
            return "code " + body.getValue("code") + " differs from the status " + status;
        }
        if (!(body.getValue("type") instanceof String t) || t.isBlank()) {
            return "type is not a non-empty string: " + body.getValue("type");
        }
        if (!AppwriteError.VERSION.equals(body.getValue("version"))) {
            return "version " + body.getValue("version");
        }
        if (!(body.getValue("message") instanceof String m) || m.isBlank()) {
            return "message is not a non-empty string: " + body.getValue("message");
        }
        if (ErrorShape.PARSER_INTERNALS.matcher(m).find()) {
            return "the message names the JSON parser's internals: " + m;
        }
        return null;
    }

    private static String describe(int index, FuzzCases.Case c, RawHttp.Outcome outcome, String problem) {
        StringBuilder s = new StringBuilder("\n==== case ").append(index).append(" (seed ").append(SEED)
            .append("; rerun with -Dhookgate.fuzz.seed=").append(SEED).append(" -Dhookgate.fuzz.only=").append(index)
            .append(") ").append(c.category()).append(" ").append(c.route()).append(": ").append(problem)
            .append("\n---- request (").append(c.request().length).append(" bytes)\n")
            .append(RawHttp.printable(c.request(), 1500));
        RawHttp.Response r = outcome.response();
        if (r != null) {
            s.append("\n---- answer\n").append(r.statusLine()).append('\n').append(r.headers()).append('\n')
                .append(RawHttp.printable(r.body(), 800));
        }
        return s.toString();
    }
}
