package io.hookgate.dispatch;

import io.hookgate.bus.Addresses;
import io.hookgate.bus.DeliveryJob;
import io.hookgate.bus.DeliveryOutcome;
import io.hookgate.bus.DispatchBatch;
import io.hookgate.bus.Replies;
import io.hookgate.bus.TryOutcome;
import io.hookgate.bus.TryOutcomes;
import io.hookgate.config.HookgateConfig;
import io.hookgate.model.Webhook;
import io.hookgate.net.HostResolver;
import io.hookgate.net.IpLiterals;
import io.hookgate.net.TargetGuard;
import io.hookgate.policy.RetrySchedule;
import io.hookgate.signing.AppwriteSignature;
import io.hookgate.signing.StandardWebhooksSignature;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Makes deliveries: one signed HTTP POST per {@link DeliveryJob} of the {@link DispatchBatch}es it takes,
 * each try's {@link DeliveryOutcome} sent back to the batch's sender. It never touches Redis. The target
 * host is resolved here and checked by the {@link TargetGuard}, and the connection goes to that very
 * address (the URL's host is kept for the Host header, SNI and certificate checks). Redirects are never
 * followed; the status code is data, not an exception.
 *
 * <p>Uses the core {@link HttpClient} rather than the web client to stream the response: only the
 * first {@link FailureLog#BODY_BYTES} are kept and reading stops at {@code maxResponseBytes}.
 */
public final class DispatcherVerticle extends VerticleBase {
    private static final int CONNECTIONS_PER_HOST = 64;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DispatcherVerticle.class);
    private static final org.slf4j.Logger TRIES = org.slf4j.LoggerFactory.getLogger("hookgate.delivery");
    private static final int MAX_RECORDED_HEADERS = 50;
    private static final int MAX_HEADER_VALUE = 1000;
    private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

    private final HookgateConfig.DispatchConfig config;
    private final TargetGuard guard;
    private final HostResolver resolver;
    private HttpClient verifying;
    private HttpClient trusting;
    private Deadlines deadlines;
    private final Target.Cache targets = new Target.Cache();
    /** Outcomes of this turn of the event loop, by the address that waits for them (see {@link DispatchBatch}). */
    private Map<String, List<TryOutcome>> outbox = new HashMap<>();

    public DispatcherVerticle(HookgateConfig.DispatchConfig config, HostResolver resolver) {
        this.config = config;
        this.guard = new TargetGuard(config.allowedTargets());
        this.resolver = resolver;
    }

    @Override
    public Future<?> start() {
        verifying = client(true);
        trusting = client(false);
        deadlines = new Deadlines(config.timeoutMs());
        vertx.setPeriodic(deadlines.checkEveryMs(), t -> deadlines.expire(System.nanoTime() / 1_000_000));
        MessageConsumer<DispatchBatch> consumer = vertx.eventBus().localConsumer(Addresses.DISPATCH, this::handle);
        return consumer.completion();
    }

    @Override
    public Future<?> stop() {
        return Future.join(verifying.close(), trusting.close());
    }

    private HttpClient client(boolean verify) {
        HttpClientOptions options = new HttpClientOptions()
            .setConnectTimeout((int) config.timeoutMs())
            .setIdleTimeout(60)
            .setKeepAlive(true)
            .setMaxRedirects(0)
            .setDecompressionSupported(false)
            .setVerifyHost(verify)
            .setTrustAll(!verify);
        return vertx.httpClientBuilder()
            .with(options)
            .with(new PoolOptions().setHttp1MaxSize(CONNECTIONS_PER_HOST).setMaxWaitQueueSize(100_000))
            .build();
    }

    /** Takes a batch (answered at once), then tries each of its deliveries; outcomes go back as they end. */
    private void handle(Message<DispatchBatch> message) {
        DispatchBatch batch = message.body();
        message.reply(Replies.Done.INSTANCE);
        for (DeliveryJob job : batch.jobs()) {
            long started = System.nanoTime();
            Future<DeliveryOutcome> tried;
            try {
                tried = deliver(job, started);
            } catch (RuntimeException e) {
                tried = Future.failedFuture(e);
            }
            // A try that ended at once completes here, inside the loop: whatever goes wrong with one try's
            // outcome must not keep the batch's other tries from being made.
            tried.onComplete(ar -> {
                DeliveryOutcome outcome = ar.succeeded() ? ar.result()
                    : failure(job, 0, ar.cause().getMessage() == null ? ar.cause().toString() : ar.cause().getMessage(), started);
                try {
                    log(job, outcome);
                } catch (RuntimeException e) {
                    LOG.error("logging the try of delivery {} failed", job.deliveryId(), e);
                }
                answer(batch.replyTo(), new TryOutcome(job.tryId(), outcome));
            });
        }
    }

    /** Sends an outcome with the others of this turn of the event loop, in one message per address. */
    private void answer(String replyTo, TryOutcome outcome) {
        if (outbox.isEmpty()) {
            context.runOnContext(v -> {
                Map<String, List<TryOutcome>> due = outbox;
                outbox = new HashMap<>();
                due.forEach((to, outcomes) -> vertx.eventBus().send(to, new TryOutcomes(outcomes), LOCAL));
            });
        }
        outbox.computeIfAbsent(replyTo, to -> new ArrayList<>()).add(outcome);
    }

    /**
     * One line per try that {@code deliveryLog} asks for (by default the failed ones: a line per
     * successful try was most of a busy gateway's log); never the URL (its query may hold a token)
     * nor any secret.
     */
    private void log(DeliveryJob job, DeliveryOutcome outcome) {
        if (config.tryLog() == HookgateConfig.TryLog.NONE
            || config.tryLog() == HookgateConfig.TryLog.FAILED && !(outcome instanceof DeliveryOutcome.Failed)) {
            return;
        }
        var line = TRIES.atInfo()
            .addKeyValue("requestId", job.event().requestId())
            .addKeyValue("deliveryId", job.deliveryId())
            .addKeyValue("webhookId", job.webhook().id())
            .addKeyValue("project", job.webhook().projectId())
            .addKeyValue("event", job.event().name());
        if (outcome instanceof DeliveryOutcome.Refused r) {
            line.addKeyValue("error", r.error()).log("try refused {}ms", outcome.durationMs());
            return;
        }
        if (outcome instanceof DeliveryOutcome.Failed f && !f.error().isEmpty()) {
            line = line.addKeyValue("error", f.error());
        }
        if (outcome.status() == 0) {
            line.log("try failed {}ms", outcome.durationMs());
        } else {
            line.log("try answered {} {}ms", outcome.status(), outcome.durationMs());
        }
    }

    private Future<DeliveryOutcome> deliver(DeliveryJob job, long started) {
        Target t = targets.of(job.webhook().url());
        if (t.invalid() != null) {
            return Future.succeededFuture(failure(job, 0, t.invalid(), started));
        }
        // A host name is resolved and the address checked on every try (DNS rebinding); only the parsing
        // (with an address written in the URL) is kept.
        return resolve(t).compose(address -> {
            Optional<String> refused = guard.refusal(address);
            if (refused.isPresent()) {
                return Future.succeededFuture(new DeliveryOutcome.Refused(refusal(job, t.host(), refused.get()),
                    (System.nanoTime() - started) / 1_000_000));
            }
            return post(job, address, t.host(), t.port(), t.ssl(), t.path(), started);
        });
    }

    /**
     * What the webhook's owner sees of a refused target (in the try's error and the webhook's logs). A host
     * name that resolves to a refused address is not told the address nor its range: a tenant could map the
     * operator's internal DNS one name at a time. The operator's log keeps the detail. An address written in
     * the URL is the owner's own: its refusal says which range.
     */
    private String refusal(DeliveryJob job, String host, String detail) {
        if (IpLiterals.parse(host).isPresent()) {
            return detail;
        }
        if (config.tryLog() != HookgateConfig.TryLog.NONE) {
            TRIES.atInfo().addKeyValue("deliveryId", job.deliveryId()).addKeyValue("webhookId", job.webhook().id())
                .addKeyValue("project", job.webhook().projectId())
                .log("try refused: host {} resolves to a refused address: {}", host, detail);
        }
        return HOST_REFUSED;
    }

    /** The refusal of a host name at delivery time, as its owner sees it. */
    static final String HOST_REFUSED = "the host resolves to an address that deliveries may not reach";

    /** Once per try: a literal address at once, a name through the resolver off the event loop. */
    private Future<InetAddress> resolve(Target t) {
        if (t.literal() != null) {
            return Future.succeededFuture(t.literal());
        }
        String host = t.host();
        return vertx.executeBlocking(() -> resolver.resolve(host), false)
            .recover(err -> Future.failedFuture("cannot resolve host '" + host + "': " + err.getMessage()));
    }

    private Future<DeliveryOutcome> post(DeliveryJob job, InetAddress address, String host, int port, boolean ssl,
                                         String path, long started) {
        Webhook w = job.webhook();
        byte[] body = job.event().payload();
        long now = System.currentTimeMillis() / 1000;
        RequestOptions options = new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
            .setHost(host)
            .setPort(port)
            .setSsl(ssl)
            .setURI(path)
            .setFollowRedirects(false)
            .setConnectTimeout(config.timeoutMs());
        HttpClient client = w.tls() ? verifying : trusting;
        return client.request(options).compose(request -> {
            // Straight into the request's headers: headers given in the options are copied there one by one.
            putHeaders(request.headers(), job, now, body);
            // "15 s in all": a deadline over the whole exchange, not only between packets (so no idle
            // timeout of the request's own: it could never fire first, and each is a timer per try).
            // The reset fails the exchange with "Stream reset: 0", whatever cause it is given: the
            // deadline's flag lets the try say that it timed out instead.
            Deadlines.Deadline deadline = deadlines.start(System.nanoTime() / 1_000_000, () -> {
                try {
                    request.reset(0, new TimeoutException(timedOutAfter()));
                } catch (RuntimeException e) {
                    LOG.warn("ending delivery {} at its deadline failed", job.deliveryId(), e);
                }
            });
            return request.send(Buffer.buffer(body))
                .compose(response -> readBody(response).map(read -> outcome(job, response, read, started)))
                .recover(err -> Future.failedFuture(deadline.timedOut() ? new TimeoutException(timedOutAfter()) : err))
                .eventually(() -> {
                    deadlines.done(deadline);
                    return Future.succeededFuture();
                });
        });
    }

    private String timedOutAfter() {
        return "timed out after " + config.timeoutMs() + " ms";
    }

    /** What was read of an answer: its first bytes, and why reading stopped early ("" when it ended). */
    private record Read(String text, String error) {
    }

    /**
     * Reads at most {@code maxResponseBytes}, keeping the first {@link FailureLog#BODY_BYTES} for the log.
     * An answer over the limit fails the try, as curl's {@code CURLOPT_MAXFILESIZE} (5 MB) fails it in
     * Appwrite's worker, with curl's words: at once when {@code Content-Length} announces too much, else
     * when the bytes pass the limit.
     */
    private Future<Read> readBody(HttpClientResponse response) {
        long max = config.maxResponseBytes();
        long announced = contentLength(response);
        if (announced > max) {
            response.request().connection().close();
            return Future.succeededFuture(new Read("", "Maximum file size exceeded"));
        }
        io.vertx.core.Promise<Read> done = io.vertx.core.Promise.promise();
        Buffer kept = Buffer.buffer();
        long[] total = {0};
        response.handler(chunk -> {
            total[0] += chunk.length();
            if (kept.length() < FailureLog.BODY_BYTES) {
                int take = Math.min(chunk.length(), FailureLog.BODY_BYTES - kept.length());
                kept.appendBuffer(chunk, 0, take);
            }
            if (total[0] > max) {
                response.handler(null);
                response.request().connection().close();
                done.tryComplete(new Read(text(kept),
                    "Exceeded the maximum allowed file size (" + max + ") with " + max + " bytes"));
            }
        });
        response.exceptionHandler(err -> done.tryComplete(new Read(text(kept), "")));
        response.endHandler(v -> done.tryComplete(new Read(text(kept), "")));
        return done.future();
    }

    /** The announced body length; -1 when none (or chunked, where curl ignores it too). */
    private static long contentLength(HttpClientResponse response) {
        String value = response.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (value == null || response.getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String text(Buffer b) {
        return new String(b.getBytes(), StandardCharsets.UTF_8);
    }

    // Header names as Netty's AsciiString: their hash is computed once, not per try.
    private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
    private static final CharSequence WEBHOOK_ID = HttpHeaders.createOptimized("X-Appwrite-Webhook-Id");
    private static final CharSequence WEBHOOK_EVENTS = HttpHeaders.createOptimized("X-Appwrite-Webhook-Events");
    private static final CharSequence WEBHOOK_NAME = HttpHeaders.createOptimized("X-Appwrite-Webhook-Name");
    private static final CharSequence WEBHOOK_USER_ID = HttpHeaders.createOptimized("X-Appwrite-Webhook-User-Id");
    private static final CharSequence WEBHOOK_PROJECT_ID = HttpHeaders.createOptimized("X-Appwrite-Webhook-Project-Id");
    private static final CharSequence WEBHOOK_SIGNATURE = HttpHeaders.createOptimized("X-Appwrite-Webhook-Signature");
    private static final CharSequence SW_ID = HttpHeaders.createOptimized("webhook-id");
    private static final CharSequence SW_TIMESTAMP = HttpHeaders.createOptimized("webhook-timestamp");
    private static final CharSequence SW_SIGNATURE = HttpHeaders.createOptimized("webhook-signature");

    private void putHeaders(MultiMap h, DeliveryJob job, long timestamp, byte[] body) {
        Webhook w = job.webhook();
        h.set(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON);
        h.set(HttpHeaders.USER_AGENT, config.userAgent());
        h.set(WEBHOOK_ID, w.id());
        h.set(WEBHOOK_EVENTS, job.eventsHeader());
        // Header chars go out as single ISO-8859-1 bytes ('?' past U+00FF): handing over the UTF-8
        // bytes as such chars puts the name on the wire as UTF-8, as Appwrite (PHP + curl) sends it.
        h.set(WEBHOOK_NAME, new String(w.name().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
        h.set(WEBHOOK_USER_ID, job.event().userId());
        h.set(WEBHOOK_PROJECT_ID, w.projectId());
        h.set(WEBHOOK_SIGNATURE, AppwriteSignature.sign(w.url(), body, w.secret()));
        if (!w.authUsername().isEmpty() && !w.authPassword().isEmpty()) {
            String credentials = w.authUsername() + ":" + w.authPassword();
            h.set(HttpHeaders.AUTHORIZATION, "Basic " + Base64.getEncoder()
                .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        h.set(SW_ID, job.deliveryId());
        h.set(SW_TIMESTAMP, Long.toString(timestamp));
        // During a rotation's grace period: one v1 entry per valid secret, newest first.
        List<byte[]> keys = w.signingSecrets(timestamp * 1000).stream()
            .map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        h.set(SW_SIGNATURE, StandardWebhooksSignature.header(job.deliveryId(), timestamp, body, keys));
    }

    private DeliveryOutcome outcome(DeliveryJob job, HttpClientResponse response, Read read, long started) {
        long ms = (System.nanoTime() - started) / 1_000_000;
        int status = response.statusCode();
        Map<String, String> headers = headers(response);
        if (!read.error().isEmpty()) {
            // curl fails the transfer whatever the status was: Appwrite logs it as a CURL Error.
            return new DeliveryOutcome.Failed(status, read.error(), FailureLog.transportError(job.webhook().url(),
                read.error(), events(job)), ms, headers, read.text(), -1);
        }
        String body = read.text();
        if (status < 400) {
            return new DeliveryOutcome.Delivered(status, ms, headers, body);
        }
        long retryAfter = status == 429 || status == 503
            ? RetrySchedule.parseRetryAfter(response.getHeader("Retry-After"), System.currentTimeMillis()) : -1;
        return new DeliveryOutcome.Failed(status, "", FailureLog.status(job.webhook().url(), status, body),
            ms, headers, body, retryAfter);
    }

    /** The response headers, bounded: a hostile receiver cannot make the record large. */
    private static Map<String, String> headers(HttpClientResponse response) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : response.headers()) {
            if (out.size() >= MAX_RECORDED_HEADERS) {
                break;
            }
            String v = h.getValue();
            out.merge(h.getKey().toLowerCase(java.util.Locale.ROOT),
                v.length() > MAX_HEADER_VALUE ? v.substring(0, MAX_HEADER_VALUE) : v, (a, b) -> a + ", " + b);
        }
        return out;
    }

    private static DeliveryOutcome failure(DeliveryJob job, int status, String error, long started) {
        long ms = (System.nanoTime() - started) / 1_000_000;
        return new DeliveryOutcome.Failed(status, error, FailureLog.transportError(job.webhook().url(), error,
            events(job)), ms, Map.of(), "", -1);
    }

    private static List<String> events(DeliveryJob job) {
        return Arrays.asList(job.eventsHeader().split(","));
    }
}
