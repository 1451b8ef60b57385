package io.hookgate.engine;

import io.hookgate.bus.Addresses;
import io.hookgate.bus.DeliveryJob;
import io.hookgate.bus.DeliveryOutcome;
import io.hookgate.bus.DispatchBatch;
import io.hookgate.bus.TryOutcome;
import io.hookgate.bus.TryOutcomes;
import io.hookgate.model.EventRecord;
import io.hookgate.model.Webhook;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery pump's way to the dispatchers: tries started in one turn of the store's event loop go out
 * as one {@link DispatchBatch}, and their outcomes come back to this link's own address in
 * {@link TryOutcomes}, matched to the waiting tries by number. A try whose outcome does not come within
 * the delivery timeout and a margin fails with {@link ReplyFailure#TIMEOUT} (a check every second on a
 * monotonic clock, not a timer per try); a batch that finds no dispatcher (the replica is stopping) fails
 * each of its tries with {@link ReplyFailure#NO_HANDLERS}. A batch holds at most {@value #BATCH} tries, so
 * that a burst is spread over the dispatchers (round-robin per message). Owned by the store verticle's
 * event loop.
 */
final class DispatchLink {
    private static final Logger LOG = LoggerFactory.getLogger(DispatchLink.class);
    private static final long CHECK_MS = 1_000;
    static final int BATCH = 32;
    /** How long a dispatcher has to take a batch; it answers before it starts any try. */
    private static final long TAKE_TIMEOUT_MS = 10_000;

    private final Vertx vertx;
    private final long answerWithinMs;
    private final String address = "hookgate.dispatch.outcomes." + UUID.randomUUID();
    private final DeliveryOptions batchOptions = new DeliveryOptions().setSendTimeout(TAKE_TIMEOUT_MS).setLocalOnly(true);
    /** Tries under way by number, in the order they started: so also in the order of their deadlines. */
    private final LinkedHashMap<Long, Waiting> waiting = new LinkedHashMap<>();
    private List<DeliveryJob> outgoing = new ArrayList<>();
    private Context context;
    private MessageConsumer<TryOutcomes> consumer;
    private long checker = -1;
    private long nextTry;

    private record Waiting(Promise<DeliveryOutcome> outcome, long deadline) {
    }

    /** @param deliveryTimeoutMs the dispatchers' deadline for one try; their answer may take 10 s more */
    DispatchLink(Vertx vertx, long deliveryTimeoutMs) {
        this.vertx = vertx;
        this.answerWithinMs = deliveryTimeoutMs + 10_000;
    }

    /** Listens for outcomes; call on the event loop that sends. */
    Future<Void> start() {
        context = vertx.getOrCreateContext();
        consumer = vertx.eventBus().localConsumer(address, m -> m.body().outcomes().forEach(this::arrived));
        checker = vertx.setPeriodic(CHECK_MS, t -> expire(nowMs()));
        return consumer.completion();
    }

    /** Stops listening; tries still waiting then fail at once as having no dispatcher. */
    Future<Void> stop() {
        vertx.cancelTimer(checker);
        failAll(new ReplyException(ReplyFailure.NO_HANDLERS, "the delivery pump stopped"));
        return consumer == null ? Future.succeededFuture() : consumer.unregister();
    }

    /** Tries one delivery; completes with its outcome, or fails as above. */
    Future<DeliveryOutcome> send(String deliveryId, Webhook webhook, EventRecord event, String eventsHeader) {
        long id = ++nextTry;
        Promise<DeliveryOutcome> outcome = Promise.promise();
        waiting.put(id, new Waiting(outcome, nowMs() + answerWithinMs));
        if (outgoing.isEmpty()) {
            // After what this turn of the event loop still does: the tries it starts go in one message.
            context.runOnContext(v -> flush());
        }
        outgoing.add(new DeliveryJob(id, deliveryId, webhook, event, eventsHeader));
        return outcome.future();
    }

    int waiting() {
        return waiting.size();
    }

    /** The clock of the deadlines: monotonic, unlike the wall clock (an NTP step would fail every try). */
    static long nowMs() {
        return System.nanoTime() / 1_000_000;
    }

    private void flush() {
        if (outgoing.isEmpty()) {
            return;
        }
        List<DeliveryJob> all = outgoing;
        outgoing = new ArrayList<>();
        for (int from = 0; from < all.size(); from += BATCH) {
            send(all.subList(from, Math.min(all.size(), from + BATCH)));
        }
    }

    private void send(List<DeliveryJob> jobs) {
        vertx.eventBus().request(Addresses.DISPATCH, new DispatchBatch(address, jobs), batchOptions).onFailure(err -> {
            if (err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
                jobs.forEach(job -> fail(job.tryId(), re));
                return;
            }
            // The dispatcher may still have them: their outcomes, or the deadline, end them.
            LOG.warn("a dispatcher did not take {} tries at once: {}", jobs.size(), err.toString());
        });
    }

    private void arrived(TryOutcome o) {
        Waiting w = waiting.remove(o.tryId());
        if (w != null) {
            settle(() -> w.outcome().complete(o.outcome()));
        }
    }

    private void fail(long tryId, ReplyException cause) {
        Waiting w = waiting.remove(tryId);
        if (w != null) {
            settle(() -> w.outcome().fail(cause));
        }
    }

    /**
     * Completes one try. The promise has no context, so what its listener throws comes back here: caught,
     * so that the other tries of the same message or check are completed all the same.
     */
    private static void settle(Runnable complete) {
        try {
            complete.run();
        } catch (RuntimeException e) {
            LOG.error("handling a try's outcome failed", e);
        }
    }

    /**
     * Fails the tries past their deadline ({@code now} on {@link #nowMs}'s clock): the oldest first, so the
     * walk ends at the first one still in time.
     */
    void expire(long now) {
        List<Waiting> late = new ArrayList<>();
        for (Iterator<Waiting> it = waiting.values().iterator(); it.hasNext(); ) {
            Waiting w = it.next();
            if (w.deadline() > now) {
                break;
            }
            it.remove();
            late.add(w);
        }
        late.forEach(w -> settle(() -> w.outcome().fail(new ReplyException(ReplyFailure.TIMEOUT,
            "no answer within " + answerWithinMs + " ms"))));
    }

    private void failAll(ReplyException cause) {
        List<Waiting> all = new ArrayList<>(waiting.values());
        waiting.clear();
        all.forEach(w -> settle(() -> w.outcome().fail(cause)));
    }
}
