package io.hookgate.bench;

import io.hookgate.signing.AppwriteSignature;
import io.hookgate.signing.StandardWebhooksSignature;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The benchmark's webhook endpoint, run as its own JVM:
 * {@code BenchReceiver <port> <secret> [instances] [second port]}.
 *
 * <p>Answers every POST with 200 at once, except paths under {@code /slow/}, answered after 5 s.
 * The second port serves the same; the slow receiver's webhook points there, so that it is another
 * endpoint for the gateway's connection pools, as a slow customer's server would be.
 * Deliveries are counted per <em>group</em>, the path up to its last {@code /} (so
 * {@code /b/sustained/17} counts under {@code /b/sustained}): requests, distinct {@code webhook-id}s
 * (as 64-bit hashes, see {@link IdSet}: duplicates and losses are exact in practice), the first and
 * last arrival, and a latency histogram of arrival time minus the {@code "t"} (epoch microseconds)
 * the load generator put in the payload.
 * One request in {@value #SAMPLE_EVERY} per group has both signatures recomputed with the shared
 * webhook secret; mismatches are counted, never answered with an error (the gateway would retry).
 *
 * <p>{@code GET /stats} answers every group as JSON ({@code ?latency=false}: without the histograms);
 * {@code POST /reset?group=G&what=latency|all}
 * clears the latency histogram (the measured window starts) or the whole group; no group means all.
 */
public final class BenchReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(BenchReceiver.class);
    static final long SLOW_ANSWER_MS = 5_000;
    static final int SAMPLE_EVERY = 100;

    /** Counters of one group, shared by every server instance. */
    static final class Group {
        final LongAdder requests = new LongAdder();
        final LongAdder duplicates = new LongAdder();
        final IdSet ids = new IdSet();
        final AtomicLong sampled = new AtomicLong();
        final LongAdder signaturesChecked = new LongAdder();
        final LongAdder signaturesBad = new LongAdder();
        final LongAdder missingT = new LongAdder();
        final LongAccumulator firstMicros = new LongAccumulator(Math::min, Long.MAX_VALUE);
        final LongAccumulator lastMicros = new LongAccumulator(Math::max, 0);
        final LatencyHistogram latency = new LatencyHistogram();

        JsonObject toJson(boolean withLatency) {
            long first = firstMicros.get();
            return new JsonObject()
                .put("requests", requests.sum())
                .put("unique", (long) ids.size())
                .put("duplicates", duplicates.sum())
                .put("signaturesChecked", signaturesChecked.sum())
                .put("signaturesBad", signaturesBad.sum())
                .put("missingT", missingT.sum())
                .put("firstMicros", first == Long.MAX_VALUE ? 0 : first)
                .put("lastMicros", lastMicros.get())
                .put("latency", withLatency ? latency.toJson() : null);
        }
    }

    private final Map<String, Group> groups = new ConcurrentHashMap<>();
    private final List<Integer> ports;
    private final String secret;

    BenchReceiver(List<Integer> ports, String secret) {
        this.ports = List.copyOf(ports);
        this.secret = secret;
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        String secret = args[1];
        int instances = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        List<Integer> ports = args.length > 3 ? List.of(port, Integer.parseInt(args[3])) : List.of(port);
        BenchReceiver receiver = new BenchReceiver(ports, secret);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(instances));
        vertx.deployVerticle(() -> receiver.new Server(), new DeploymentOptions().setInstances(instances))
            .onSuccess(id -> LOG.warn("bench receiver listening on 127.0.0.1:{} ({} instances)", ports, instances))
            .onFailure(err -> {
                LOG.error("bench receiver failed to start", err);
                System.exit(1);
            });
    }

    /** One instance of the HTTP server; instances share the port (Vert.x spreads connections). */
    final class Server extends VerticleBase {
        @Override
        public Future<?> start() {
            List<Future<?>> all = new ArrayList<>();
            for (int port : ports) {
                HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(port)
                    .setIdleTimeout(120).setTcpNoDelay(true).setCompressionSupported(false);
                all.add(vertx.createHttpServer(options).requestHandler(this::handle).listen());
            }
            return Future.all(all);
        }

        private void handle(HttpServerRequest req) {
            String path = req.path();
            if (req.method() == HttpMethod.GET && path.equals("/stats")) {
                boolean latency = !"false".equals(req.getParam("latency"));
                JsonObject out = new JsonObject();
                groups.forEach((name, g) -> out.put(name, g.toJson(latency)));
                req.response().putHeader("Content-Type", "application/json").end(out.encode());
                return;
            }
            if (req.method() == HttpMethod.POST && path.equals("/reset")) {
                reset(req.getParam("group"), req.getParam("what", "all"));
                req.response().setStatusCode(204).end();
                return;
            }
            if (req.method() != HttpMethod.POST) {
                req.response().setStatusCode(405).end();
                return;
            }
            req.body().onSuccess(body -> {
                long now = BenchClock.nowMicros();
                record(req, body, now);
                if (path.startsWith("/slow/")) {
                    vertx.setTimer(SLOW_ANSWER_MS, t -> req.response().setStatusCode(200).end());
                } else {
                    req.response().setStatusCode(200).end();
                }
            });
        }
    }

    private void reset(String group, String what) {
        for (Map.Entry<String, Group> e : groups.entrySet()) {
            if (group != null && !group.equals(e.getKey())) {
                continue;
            }
            if ("latency".equals(what)) {
                e.getValue().latency.reset();
            } else {
                groups.remove(e.getKey());
            }
        }
    }

    private void record(HttpServerRequest req, Buffer body, long nowMicros) {
        String path = req.path();
        int slash = path.lastIndexOf('/');
        Group g = groups.computeIfAbsent(slash > 0 ? path.substring(0, slash) : path, k -> new Group());
        g.requests.increment();
        g.firstMicros.accumulate(nowMicros);
        g.lastMicros.accumulate(nowMicros);
        String id = req.getHeader("webhook-id");
        if (id == null || !g.ids.add(id)) {
            g.duplicates.increment();
        }
        long t = sentMicros(body);
        if (t > 0) {
            g.latency.record(nowMicros - t);
        } else {
            g.missingT.increment();
        }
        if (g.sampled.getAndIncrement() % SAMPLE_EVERY == 0) {
            g.signaturesChecked.increment();
            if (!signaturesValid(req, body)) {
                g.signaturesBad.increment();
            }
        }
    }

    /** Both signatures of a delivery, recomputed with the shared secret (contract section 2). */
    private boolean signaturesValid(HttpServerRequest req, Buffer body) {
        byte[] bytes = body.getBytes();
        String url = "http://127.0.0.1:" + req.connection().localAddress().port() + req.uri();
        String appwrite = AppwriteSignature.sign(url, bytes, secret);
        if (!appwrite.equals(req.getHeader("X-Appwrite-Webhook-Signature"))) {
            return false;
        }
        String id = req.getHeader("webhook-id");
        String ts = req.getHeader("webhook-timestamp");
        String header = req.getHeader("webhook-signature");
        if (id == null || ts == null || header == null) {
            return false;
        }
        long seconds;
        try {
            seconds = Long.parseLong(ts);
        } catch (NumberFormatException e) {
            return false;
        }
        String expected = StandardWebhooksSignature.sign(id, seconds, bytes, secret.getBytes(StandardCharsets.UTF_8));
        for (String entry : header.split(" ")) {
            if (entry.equals(expected)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The {@code "t"} field of a payload that starts {@code {"t":<digits>} (as the load generator
     * writes it), read without a JSON parser; 0 when absent.
     */
    static long sentMicros(Buffer body) {
        int n = body.length();
        if (n < 6 || body.getByte(0) != '{' || body.getByte(1) != '"' || body.getByte(2) != 't'
            || body.getByte(3) != '"' || body.getByte(4) != ':') {
            return 0;
        }
        long v = 0;
        for (int i = 5; i < n; i++) {
            byte b = body.getByte(i);
            if (b < '0' || b > '9') {
                break;
            }
            v = v * 10 + (b - '0');
        }
        return v;
    }
}
