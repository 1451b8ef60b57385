package io.hookgate.testsupport;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.PemTrustOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Vert.x HTTP(S) server on {@code 127.0.0.1} (or another loopback address such as
 * {@code ::1}) and an ephemeral port that records every request it gets and answers as
 * programmed: the webhook endpoint of integration tests.
 *
 * <p>Each request is recorded (see {@link RecordedRequest}) as soon as its body is complete and
 * before the answer is sent, so a test can see a request even while its answer is delayed. The
 * timestamps are taken when the request head arrives. The default answer is {@code 200} with an
 * empty body and no delay; {@link #respondWith(int, String)}, {@link #delay(Duration)} and
 * {@link #respond(Function)} change it, {@link #reset()} restores it. Delays use
 * {@code vertx.setTimer}, never blocking the event loop.
 *
 * <p>With TLS the server presents the per-JVM {@link SelfSignedCertificate} (for 127.0.0.1 and
 * localhost): clients reach it with {@code setTrustAll(true)} or with
 * {@link #trustOptions()}, and a client with default trust fails the handshake.
 *
 * <p>The waiting methods ({@link #awaitCount(int, Duration)} and friends) block the calling test
 * thread on a condition signalled by each new request; they refuse to run on an event loop.
 */
public final class Receiver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Receiver.class);
    private static final Answer DEFAULT_ANSWER = Answer.status(200);

    private final Vertx vertx;
    private final boolean tls;
    private final String host;
    private final HttpServer server;
    private final Object lock = new Object();
    private final List<RecordedRequest> requests = new ArrayList<>();
    private volatile Answer answer = DEFAULT_ANSWER;
    private volatile Duration delay = Duration.ZERO;
    private volatile Function<RecordedRequest, Answer> responder;

    private Receiver(Vertx vertx, boolean tls, HttpServerOptions options) {
        this.vertx = vertx;
        this.tls = tls;
        this.host = options.getHost();
        this.server = vertx.createHttpServer(options).requestHandler(this::handle);
    }

    /**
     * Starts a plain HTTP receiver.
     *
     * @param vertx the Vert.x instance to run on
     * @return the receiver once it listens
     */
    public static Future<Receiver> start(Vertx vertx) {
        return start(vertx, false);
    }

    /**
     * Starts a receiver, with HTTPS if {@code tls} is true (the certificate is generated on a
     * worker thread the first time).
     *
     * @param vertx the Vert.x instance to run on
     * @param tls whether to serve HTTPS with the self-signed certificate
     * @return the receiver once it listens
     */
    public static Future<Receiver> start(Vertx vertx, boolean tls) {
        return start(vertx, tls, "127.0.0.1");
    }

    /**
     * Starts a receiver bound to another loopback address, e.g. {@code ::1} for IPv6 targets.
     *
     * @param vertx the Vert.x instance to run on
     * @param tls whether to serve HTTPS with the self-signed certificate
     * @param host the address to bind, e.g. {@code 127.0.0.1} or {@code ::1}
     * @return the receiver once it listens
     */
    public static Future<Receiver> start(Vertx vertx, boolean tls, String host) {
        HttpServerOptions base = new HttpServerOptions()
                .setHost(host)
                .setPort(0)
                .setHandle100ContinueAutomatically(true);
        Future<HttpServerOptions> options = tls
                ? vertx.executeBlocking(SelfSignedCertificate::get)
                        .map(cert -> base.setSsl(true).setKeyCertOptions(cert.keyCertOptions()))
                : Future.succeededFuture(base);
        return options.compose(opts -> {
            Receiver receiver = new Receiver(vertx, tls, opts);
            return receiver.server.listen().map(listening -> receiver);
        });
    }

    /**
     * @return client trust options that accept the TLS receiver's certificate (with host
     *     verification on), for tests of certificate-verifying clients
     */
    public static PemTrustOptions trustOptions() {
        return SelfSignedCertificate.get().trustOptions();
    }

    /**
     * @return the bound port
     */
    public int port() {
        return server.actualPort();
    }

    /**
     * @return whether this receiver serves HTTPS
     */
    public boolean isTls() {
        return tls;
    }

    /**
     * @param path a path with or without the leading slash, may include a query
     * @return e.g. {@code http://127.0.0.1:41234/hook} (or {@code https://...}, or {@code http://[::1]:...})
     */
    public String url(String path) {
        String suffix = path.startsWith("/") ? path : "/" + path;
        String authority = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return (tls ? "https" : "http") + "://" + authority + ":" + port() + suffix;
    }

    /**
     * Answers every following request with this status and an empty body.
     *
     * @param status the HTTP status code
     * @return this receiver
     */
    public Receiver respondWith(int status) {
        return respondWith(status, "");
    }

    /**
     * Answers every following request with this status and body.
     *
     * @param status the HTTP status code
     * @param body the response body
     * @return this receiver
     */
    public Receiver respondWith(int status, String body) {
        this.answer = Answer.of(status, body);
        return this;
    }

    /**
     * Delays every following answer (that does not carry its own delay) by this much.
     *
     * @param delay how long to wait before answering; zero for none
     * @return this receiver
     */
    public Receiver delay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("negative delay " + delay);
        }
        this.delay = delay;
        return this;
    }

    /**
     * Decides the answer per request; the function runs on the event loop and must not block.
     * Returning null falls back to the {@link #respondWith(int, String)} answer; an exception
     * becomes a 500. Pass null to remove the function.
     *
     * @param function maps each recorded request to its answer
     * @return this receiver
     */
    public Receiver respond(Function<RecordedRequest, Answer> function) {
        this.responder = function;
        return this;
    }

    /**
     * @return a snapshot of every request recorded so far, in arrival order
     */
    public List<RecordedRequest> requests() {
        synchronized (lock) {
            return List.copyOf(requests);
        }
    }

    /**
     * @return how many requests were recorded so far
     */
    public int count() {
        synchronized (lock) {
            return requests.size();
        }
    }

    /**
     * Waits until at least one request was recorded.
     *
     * @param timeout how long to wait at most
     * @return the first recorded request
     * @throws AssertionError if none arrives in time
     */
    public RecordedRequest awaitRequest(Duration timeout) {
        return awaitCount(1, timeout).get(0);
    }

    /**
     * Waits until at least {@code n} requests were recorded.
     *
     * @param n the number of requests to wait for
     * @param timeout how long to wait at most
     * @return a snapshot of all recorded requests (at least {@code n}, possibly more)
     * @throws AssertionError listing what did arrive if fewer than {@code n} arrive in time
     */
    public List<RecordedRequest> awaitCount(int n, Duration timeout) {
        Await.checkNotOnEventLoop();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (requests.size() < n) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new AssertionError("expected at least " + n + " request(s) at " + url("/")
                            + " within " + timeout.toMillis() + " ms, got " + describe(requests));
                }
                waitOnLock(remaining);
            }
            return List.copyOf(requests);
        }
    }

    /**
     * Checks that no more than {@code n} requests arrive during {@code window}, failing as soon as
     * one too many is recorded. Use it to prove the absence of duplicates or retries; the window
     * is the only fixed wait in this class, so keep it short.
     *
     * @param n the most requests allowed
     * @param window how long to keep watching
     * @return a snapshot of all recorded requests at the end of the window
     * @throws AssertionError listing the requests if more than {@code n} arrive
     */
    public List<RecordedRequest> assertCountStays(int n, Duration window) {
        return assertCountStays(r -> true, n, window);
    }

    /** As {@link #assertCountStays(int, Duration)}, counting only the requests {@code which} accepts. */
    public List<RecordedRequest> assertCountStays(java.util.function.Predicate<RecordedRequest> which, int n,
                                                  Duration window) {
        Await.checkNotOnEventLoop();
        long deadline = System.nanoTime() + window.toNanos();
        synchronized (lock) {
            while (true) {
                List<RecordedRequest> counted = requests.stream().filter(which).toList();
                if (counted.size() > n) {
                    throw new AssertionError("expected at most " + n + " request(s) at " + url("/")
                            + ", got " + describe(counted));
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return counted;
                }
                waitOnLock(remaining);
            }
        }
    }

    /**
     * Forgets every recorded request and restores the default answer (200, empty body, no delay,
     * no per-request function).
     */
    public void reset() {
        answer = DEFAULT_ANSWER;
        delay = Duration.ZERO;
        responder = null;
        clearRequests();
    }

    /**
     * Forgets every recorded request but keeps the programmed answer.
     */
    public void clearRequests() {
        synchronized (lock) {
            requests.clear();
        }
    }

    /**
     * Stops listening without blocking.
     *
     * @return completes when the server is closed
     */
    public Future<Void> closeAsync() {
        return server.close();
    }

    /**
     * Stops listening; waits up to 10 s unless called on an event loop, where it only starts the
     * close.
     */
    @Override
    public void close() {
        Future<Void> closing = server.close();
        if (Context.isOnEventLoopThread()) {
            return;
        }
        try {
            closing.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("receiver on port {} did not close cleanly", port(), e);
        }
    }

    @Override
    public String toString() {
        return "Receiver[" + url("/") + ", " + count() + " request(s)]";
    }

    private void handle(HttpServerRequest request) {
        long nanos = System.nanoTime();
        long millis = System.currentTimeMillis();
        String method = request.method().name();
        String uri = request.uri();
        String path = request.path() == null ? "" : request.path();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        request.headers().forEach(entry -> headers
                .computeIfAbsent(entry.getKey(), k -> new ArrayList<>())
                .add(entry.getValue()));
        request.body().onComplete(body -> {
            if (body.failed()) {
                LOG.debug("request {} {} lost before its body was complete", method, uri, body.cause());
                return;
            }
            RecordedRequest recorded = new RecordedRequest(
                    method, uri, path, headers, body.result().getBytes(), nanos, millis);
            synchronized (lock) {
                requests.add(recorded);
                lock.notifyAll();
            }
            Answer chosen = choose(recorded);
            Duration wait = chosen.delay() != null ? chosen.delay() : delay;
            long waitMillis = wait.toMillis();
            if (waitMillis > 0) {
                vertx.setTimer(waitMillis, id -> send(request, chosen));
            } else {
                send(request, chosen);
            }
        });
    }

    private Answer choose(RecordedRequest recorded) {
        Function<RecordedRequest, Answer> function = responder;
        if (function == null) {
            return answer;
        }
        try {
            Answer chosen = function.apply(recorded);
            return chosen != null ? chosen : answer;
        } catch (RuntimeException e) {
            LOG.warn("respond function failed for {}", recorded.summary(), e);
            return Answer.of(500, "respond function failed: " + e);
        }
    }

    private static void send(HttpServerRequest request, Answer chosen) {
        HttpServerResponse response = request.response();
        if (response.closed() || response.ended()) {
            return;
        }
        if (chosen.closeWithoutResponse()) {
            request.connection().close();
            return;
        }
        response.setStatusCode(chosen.status());
        chosen.headers().forEach(response::putHeader);
        response.end(Buffer.buffer(chosen.body())).onFailure(e -> LOG.debug("answer not delivered", e));
    }

    private void waitOnLock(long remainingNanos) {
        try {
            TimeUnit.NANOSECONDS.timedWait(lock, remainingNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for requests", e);
        }
    }

    private static String describe(List<RecordedRequest> arrived) {
        if (arrived.isEmpty()) {
            return "0: (none)";
        }
        return arrived.size() + ":" + arrived.stream()
                .map(r -> "\n  " + r.summary())
                .collect(Collectors.joining());
    }
}
