package io.hookgate.bench;

import io.hookgate.signing.AppwriteSignature;
import io.hookgate.signing.StandardWebhooksSignature;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ceiling: the receiver driven directly, no gateway and no Redis, by requests built and signed
 * exactly like deliveries (the same headers, HMAC-SHA1 over URL + body and HMAC-SHA256 over
 * id.timestamp.body, with the gateway's own signing classes). It uses what the gateway's
 * dispatchers use: {@code lanes} event loops, each with a core {@link HttpClient} of 64 keep-alive
 * connections, and at most {@code inFlight} requests outstanding in all (the gateway's
 * {@code maxInFlight}).
 */
final class CeilingClient {
    private static final int CONNECTIONS_PER_LANE = 64;
    private static final String USER_AGENT = "Appwrite-Server v1.9.5. Please report abuse at security@example.com";

    private final Vertx vertx;
    private final int port;
    private final String secret;
    private final byte[] secretBytes;
    private final String group;
    private final int webhooks;
    private final List<Lane> lanes = new ArrayList<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private Future<Void> stopFuture;

    /** One event loop's share: its own client and in-flight budget. */
    private final class Lane {
        final Context context = vertx.getOrCreateContext();
        final HttpClient client;
        final int maxInFlight;
        int inFlight;
        boolean running;
        Promise<Void> stopped;

        Lane(int maxInFlight) {
            this.maxInFlight = maxInFlight;
            this.client = vertx.httpClientBuilder()
                .with(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(15_000).setIdleTimeout(60)
                    .setMaxRedirects(0).setDecompressionSupported(false))
                .with(new PoolOptions().setHttp1MaxSize(CONNECTIONS_PER_LANE).setMaxWaitQueueSize(100_000))
                .build();
        }

        void fill() {
            while (running && inFlight < maxInFlight) {
                post();
            }
        }

        void post() {
            long n = sent.getAndIncrement();
            String path = group + "/" + (n % webhooks);
            String url = "http://127.0.0.1:" + port + path;
            byte[] body = ("{\"t\":" + BenchClock.nowMicros() + ",\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8);
            String id = "ceiling-" + n;
            long ts = System.currentTimeMillis() / 1000;
            MultiMap h = MultiMap.caseInsensitiveMultiMap();
            h.set(HttpHeaders.CONTENT_TYPE, "application/json");
            h.set(HttpHeaders.USER_AGENT, USER_AGENT);
            h.set("X-Appwrite-Webhook-Id", "w" + (n % webhooks));
            h.set("X-Appwrite-Webhook-Events", "users.u1.create,users.*.create,users.u1,users.*");
            h.set("X-Appwrite-Webhook-Name", "ceiling");
            h.set("X-Appwrite-Webhook-User-Id", "");
            h.set("X-Appwrite-Webhook-Project-Id", "ceiling");
            h.set("X-Appwrite-Webhook-Signature", AppwriteSignature.sign(url, body, secret));
            h.set("webhook-id", id);
            h.set("webhook-timestamp", Long.toString(ts));
            h.set("webhook-signature", StandardWebhooksSignature.header(id, ts, body, List.of(secretBytes)));
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                .setURI(path).setHeaders(h).setFollowRedirects(false).setIdleTimeout(15_000);
            inFlight++;
            client.request(options)
                .compose(req -> req.send(Buffer.buffer(body)))
                .compose(resp -> resp.body().map(b -> resp.statusCode()))
                .onComplete(ar -> {
                    inFlight--;
                    if (ar.succeeded() && ar.result() < 400) {
                        ok.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                    if (running) {
                        fill();
                    } else if (inFlight == 0 && stopped != null) {
                        stopped.tryComplete();
                    }
                });
        }
    }

    CeilingClient(Vertx vertx, int port, String secret, String group, int webhooks, int lanes, int inFlight) {
        this.vertx = vertx;
        this.port = port;
        this.secret = secret;
        this.secretBytes = secret.getBytes(StandardCharsets.UTF_8);
        this.group = group;
        this.webhooks = webhooks;
        for (int i = 0; i < lanes; i++) {
            this.lanes.add(new Lane(Math.max(1, inFlight / lanes)));
        }
    }

    void start() {
        for (Lane lane : lanes) {
            lane.context.runOnContext(v -> {
                lane.running = true;
                lane.fill();
            });
        }
    }

    /** Sends no more; completes when every request under way is answered. */
    synchronized Future<Void> stop() {
        if (stopFuture != null) {
            return stopFuture;
        }
        List<Future<Void>> all = new ArrayList<>();
        for (Lane lane : lanes) {
            Promise<Void> p = Promise.promise();
            all.add(p.future());
            lane.context.runOnContext(v -> {
                lane.running = false;
                lane.stopped = p;
                if (lane.inFlight == 0) {
                    p.tryComplete();
                }
            });
        }
        stopFuture = Future.all(all).compose(x -> Future.all(lanes.stream().map(l -> l.client.close()).toList()))
            .mapEmpty();
        return stopFuture;
    }

    long sent() {
        return sent.get();
    }

    long ok() {
        return ok.get();
    }

    long failed() {
        return failed.get();
    }
}
