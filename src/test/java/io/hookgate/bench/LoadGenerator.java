package io.hookgate.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts batches of events ({@code POST /v1/events} with {@code {"events": [...]}}) to one or more
 * gateway replicas, round robin, with at most {@code maxInFlight} requests outstanding.
 *
 * <p>Two modes. <em>As fast as accepted</em> ({@code eventsPerSecond == 0}): a new request goes out
 * as soon as one comes back, so the rate is whatever the gateway accepts. It is additionally held
 * back while more accepted deliveries than {@code backlogSeconds} of the current delivery rate (at
 * least {@value #MIN_BACKLOG}, at most {@code maxBacklog}) have not reached the receiver yet
 * (polled every 50 ms): the gateway does not push back on ingestion when delivery falls behind, and
 * without this gate "as fast as accepted" would measure an ever-growing queue, not a sustainable
 * rate. <em>Fixed rate</em>: a 5 ms timer sends the events that are due (one batch per tick at most
 * {@code batchSize} events each), so the offered load does not depend on the gateway's answers.
 *
 * <p>Each payload starts with {@code {"t":<epoch micros at send>,"n":<sequence>}} for the receiver's
 * latency figures. All state lives on one event-loop context; counters are readable from any thread.
 */
final class LoadGenerator {
    private static final Logger LOG = LoggerFactory.getLogger(LoadGenerator.class);
    private static final long TICK_MS = 5;
    private static final long GATE_POLL_MS = 50;
    private static final long MIN_BACKLOG = 2_000;

    /** Writes event number {@code n} (stamped {@code tMicros}) as JSON; answers the deliveries it should make. */
    interface Events {
        int append(StringBuilder json, long n, long tMicros);
    }

    /**
     * @param batchSize events per request (at most; fixed rate sends what is due)
     * @param maxInFlight requests outstanding at once
     * @param eventsPerSecond 0 for as fast as accepted, else the fixed rate
     * @param maxBacklog as fast as accepted: accepted deliveries not yet received before sending pauses (0: no gate)
     * @param backlogSeconds the gate's usual level, in seconds of the current delivery rate
     */
    record Settings(int batchSize, int maxInFlight, double eventsPerSecond, long maxBacklog, double backlogSeconds) {
    }

    private final Vertx vertx;
    private final Context context;
    private final WebClient client;
    private final String projectId;
    private final String key;
    private final Events events;
    private final Settings settings;
    private final Supplier<Future<Long>> delivered;
    private volatile List<Integer> apiPorts;
    private Future<Void> stopFuture;

    private final AtomicLong acceptedEvents = new AtomicLong();
    private final AtomicLong expectedDeliveries = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong serverErrors = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong gatedMs = new AtomicLong();
    private final LatencyHistogram ingestLatency = new LatencyHistogram();

    // Event-loop state.
    private long sequence;
    private int inFlight;
    private long inFlightDeliveries;
    private int nextPort;
    private boolean running;
    private boolean gateOpen = true;
    private long receivedSoFar = -1;
    private long lastPollNanos;
    private double deliveryRate = -1;
    private long backlogLimit;
    private long startedNanos;
    private long sentEvents;
    private long tickTimer = -1;
    private long gateTimer = -1;
    private Promise<Void> stopped;
    private String firstError;

    LoadGenerator(Vertx vertx, List<Integer> apiPorts, String projectId, String key, Events events, Settings settings,
                  Supplier<Future<Long>> delivered) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.apiPorts = List.copyOf(apiPorts);
        this.projectId = projectId;
        this.key = key;
        this.events = events;
        this.settings = settings;
        this.delivered = delivered;
        this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(5_000).setIdleTimeout(60)
            .setKeepAlive(true).setTcpNoDelay(true).setFollowRedirects(false),
            new PoolOptions().setHttp1MaxSize(Math.max(1, settings.maxInFlight())));
    }

    /** Spreads the next requests over these replicas' API ports. */
    void apiPorts(List<Integer> ports) {
        this.apiPorts = List.copyOf(ports);
    }

    void start() {
        context.runOnContext(v -> {
            running = true;
            startedNanos = System.nanoTime();
            if (settings.eventsPerSecond() > 0) {
                tickTimer = vertx.setPeriodic(TICK_MS, t -> tick());
            } else {
                if (settings.maxBacklog() > 0) {
                    backlogLimit = settings.maxBacklog();
                    gateTimer = vertx.setPeriodic(GATE_POLL_MS, t -> pollGate());
                }
                fill();
            }
        });
    }

    /** Sends no more; completes when every request under way has been answered (bounded by their timeout). */
    synchronized Future<Void> stop() {
        if (stopFuture != null) {
            return stopFuture;
        }
        Promise<Void> p = Promise.promise();
        context.runOnContext(v -> {
            running = false;
            vertx.cancelTimer(tickTimer);
            vertx.cancelTimer(gateTimer);
            stopped = p;
            checkStopped();
        });
        stopFuture = p.future().andThen(x -> client.close());
        return stopFuture;
    }

    long acceptedEvents() {
        return acceptedEvents.get();
    }

    long expectedDeliveries() {
        return expectedDeliveries.get();
    }

    long rejected() {
        return rejected.get();
    }

    /** Events not accepted for any reason but a 429 (5xx answers, other statuses, transport errors). */
    long failed() {
        return failed.get();
    }

    /** Events answered with a 5xx (also counted in {@link #failed()}). */
    long serverErrors() {
        return serverErrors.get();
    }

    long requests() {
        return requests.get();
    }

    /** How long sending was held back by the backlog gate, in ms (approximate: counted in poll steps). */
    long gatedMs() {
        return gatedMs.get();
    }

    LatencyHistogram ingestLatency() {
        return ingestLatency;
    }

    String firstError() {
        return firstError;
    }

    private void tick() {
        if (!running) {
            return;
        }
        double elapsed = (System.nanoTime() - startedNanos) / 1e9;
        long due = (long) (settings.eventsPerSecond() * elapsed) - sentEvents;
        while (due > 0 && inFlight < settings.maxInFlight()) {
            int n = (int) Math.min(due, settings.batchSize());
            send(n);
            due -= n;
        }
    }

    private void pollGate() {
        delivered.get().onSuccess(count -> {
            long now = System.nanoTime();
            if (receivedSoFar >= 0) {
                double rate = (count - receivedSoFar) / ((now - lastPollNanos) / 1e9);
                deliveryRate = deliveryRate < 0 ? rate : deliveryRate + 0.2 * (rate - deliveryRate);
                backlogLimit = Math.max(MIN_BACKLOG, Math.min(settings.maxBacklog(),
                    (long) (deliveryRate * settings.backlogSeconds())));
            }
            receivedSoFar = count;
            lastPollNanos = now;
            boolean open = backlog() <= backlogLimit;
            if (!open) {
                gatedMs.addAndGet(GATE_POLL_MS);
            }
            gateOpen = open;
            if (open) {
                fill();
            }
        });
    }

    private long backlog() {
        return expectedDeliveries.get() + inFlightDeliveries - Math.max(0, receivedSoFar);
    }

    private void fill() {
        while (running && gateOpen && inFlight < settings.maxInFlight()) {
            if (settings.maxBacklog() > 0 && backlog() > backlogLimit) {
                gateOpen = false;
                return;
            }
            send(settings.batchSize());
        }
    }

    private void send(int count) {
        StringBuilder json = new StringBuilder(64 + count * 96).append("{\"events\":[");
        long t = BenchClock.nowMicros();
        int deliveries = 0;
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                json.append(',');
            }
            deliveries += events.append(json, sequence++, t);
        }
        json.append("]}");
        sentEvents += count;
        inFlight++;
        inFlightDeliveries += deliveries;
        requests.incrementAndGet();
        List<Integer> ports = apiPorts;
        int port = ports.get(nextPort++ % ports.size());
        int expected = deliveries;
        long sentAt = System.nanoTime();
        client.post(port, "127.0.0.1", "/v1/events").timeout(30_000)
            .putHeader("Content-Type", "application/json")
            .putHeader("X-Appwrite-Project", projectId)
            .putHeader("X-Appwrite-Key", key)
            .sendBuffer(Buffer.buffer(json.toString()))
            .onComplete(ar -> {
                inFlight--;
                inFlightDeliveries -= expected;
                ingestLatency.record((System.nanoTime() - sentAt) / 1_000);
                if (ar.succeeded() && ar.result().statusCode() == 202) {
                    acceptedEvents.addAndGet(count);
                    expectedDeliveries.addAndGet(expected);
                } else if (ar.succeeded() && ar.result().statusCode() == 429) {
                    rejected.addAndGet(count);
                } else {
                    if (ar.succeeded() && ar.result().statusCode() >= 500) {
                        serverErrors.addAndGet(count);
                    }
                    failed.addAndGet(count);
                    if (firstError == null) {
                        firstError = ar.succeeded() ? ar.result().statusCode() + " " + ar.result().bodyAsString()
                            : ar.cause().toString();
                        LOG.warn("ingestion failed: {}", firstError);
                    }
                }
                if (running && settings.eventsPerSecond() == 0) {
                    fill();
                }
                checkStopped();
            });
    }

    private void checkStopped() {
        if (stopped != null && inFlight == 0) {
            stopped.tryComplete();
        }
    }
}
