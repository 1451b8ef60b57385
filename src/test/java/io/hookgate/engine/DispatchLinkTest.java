package io.hookgate.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hookgate.bus.Addresses;
import io.hookgate.bus.Codecs;
import io.hookgate.bus.DeliveryOutcome;
import io.hookgate.bus.DispatchBatch;
import io.hookgate.bus.Replies;
import io.hookgate.bus.TryOutcome;
import io.hookgate.bus.TryOutcomes;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pump's link to the dispatchers, over a real event bus with a dispatcher played by the test. */
class DispatchLinkTest {
    private static final long TIMEOUT_MS = 1_000;
    private static final long ANSWER_WITHIN_MS = TIMEOUT_MS + 10_000;

    private Vertx vertx;
    private Context loop;
    private DispatchLink link;
    private final List<DispatchBatch> batches = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        Codecs.registerAll(vertx.eventBus());
        loop = vertx.getOrCreateContext();
        link = new DispatchLink(vertx, TIMEOUT_MS);
        onLoop(() -> link.start()).await(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private <T> Future<T> onLoop(Supplier<Future<T>> action) {
        Promise<T> done = Promise.promise();
        loop.runOnContext(v -> action.get().onComplete(done));
        return done.future();
    }

    private void dispatcher() throws Exception {
        vertx.eventBus().<DispatchBatch>localConsumer(Addresses.DISPATCH, m -> {
            batches.add(m.body());
            m.reply(Replies.Done.INSTANCE);
        }).completion().await(5, TimeUnit.SECONDS);
    }

    private Future<DeliveryOutcome> send(String deliveryId) throws Exception {
        return onLoop(() -> Future.succeededFuture(link.send(deliveryId, null, null, "users.u1.create")))
            .await(5, TimeUnit.SECONDS);
    }

    private static DeliveryOutcome delivered(int status) {
        return new DeliveryOutcome.Delivered(status, 3, Map.of(), "");
    }

    private void answer(DispatchBatch batch, TryOutcome... outcomes) {
        vertx.eventBus().send(batch.replyTo(), new TryOutcomes(List.of(outcomes)));
    }

    private static void awaitTrue(Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.get()) {
            assertThat(System.nanoTime()).as("condition within 5 s").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    @Test
    void triesOfOneTurnGoInOneBatchAndOutcomesFindTheirTriesInAnyOrder() throws Exception {
        dispatcher();
        List<Future<DeliveryOutcome>> tries = onLoop(() -> Future.succeededFuture(List.of(
            link.send("d1", null, null, "h"), link.send("d2", null, null, "h"), link.send("d3", null, null, "h"))))
            .await(5, TimeUnit.SECONDS);
        awaitTrue(() -> !batches.isEmpty());
        assertThat(batches).hasSize(1);
        DispatchBatch batch = batches.get(0);
        assertThat(batch.jobs()).extracting(j -> j.deliveryId()).containsExactly("d1", "d2", "d3");
        assertThat(batch.jobs()).extracting(j -> j.tryId()).doesNotHaveDuplicates();

        answer(batch, new TryOutcome(batch.jobs().get(2).tryId(), delivered(204)),
            new TryOutcome(batch.jobs().get(0).tryId(), delivered(200)));
        answer(batch, new TryOutcome(batch.jobs().get(1).tryId(), delivered(202)));

        assertThat(tries.get(0).await(5, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(tries.get(1).await(5, TimeUnit.SECONDS).status()).isEqualTo(202);
        assertThat(tries.get(2).await(5, TimeUnit.SECONDS).status()).isEqualTo(204);
        assertThat(onLoop(() -> Future.succeededFuture(link.waiting())).await(5, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void triesOfLaterTurnsGoInLaterBatches() throws Exception {
        dispatcher();
        send("d1");
        awaitTrue(() -> batches.size() == 1);
        send("d2");
        awaitTrue(() -> batches.size() == 2);
        assertThat(batches.get(1).jobs()).extracting(j -> j.deliveryId()).containsExactly("d2");
    }

    @Test
    void withoutADispatcherEveryTryOfTheBatchFailsAsHavingNone() throws Exception {
        List<Future<DeliveryOutcome>> tries = onLoop(() -> Future.succeededFuture(List.of(
            link.send("d1", null, null, "h"), link.send("d2", null, null, "h")))).await(5, TimeUnit.SECONDS);
        for (Future<DeliveryOutcome> t : tries) {
            assertThatThrownBy(() -> t.await(5, TimeUnit.SECONDS))
                .isInstanceOfSatisfying(ReplyException.class,
                    e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
        }
    }

    @Test
    void aBurstIsSpreadOverBatchesOfAtMostTheBatchSize() throws Exception {
        dispatcher();
        int n = DispatchLink.BATCH * 2 + 5;
        onLoop(() -> {
            for (int i = 0; i < n; i++) {
                link.send("d" + i, null, null, "h");
            }
            return Future.succeededFuture();
        }).await(5, TimeUnit.SECONDS);
        awaitTrue(() -> batches.stream().mapToInt(b -> b.jobs().size()).sum() == n);
        assertThat(batches).extracting(b -> b.jobs().size())
            .containsExactly(DispatchLink.BATCH, DispatchLink.BATCH, 5);
    }

    @Test
    void aTryWithoutAnOutcomePastItsDeadlineFailsAndItsLateOutcomeIsIgnored() throws Exception {
        dispatcher();
        Future<DeliveryOutcome> first = send("d1");
        // Read after the first try was sent, so its deadline is at most this + the margin; the second is sent
        // once the clock moved on, so its deadline is later than that.
        long afterFirst = DispatchLink.nowMs();
        awaitTrue(() -> DispatchLink.nowMs() > afterFirst + 1);
        Future<DeliveryOutcome> second = send("d2");
        awaitTrue(() -> batches.size() == 2);

        onLoop(() -> {
            link.expire(afterFirst + ANSWER_WITHIN_MS);
            return Future.succeededFuture();
        }).await(5, TimeUnit.SECONDS);

        assertThatThrownBy(() -> first.await(5, TimeUnit.SECONDS))
            .isInstanceOfSatisfying(ReplyException.class,
                e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.TIMEOUT));
        assertThat(second.isComplete()).isFalse();
        // The late outcome comes first in the message: it is dropped, and the next one still finds its try.
        answer(batches.get(1), new TryOutcome(batches.get(0).jobs().get(0).tryId(), delivered(200)),
            new TryOutcome(batches.get(1).jobs().get(0).tryId(), delivered(201)));
        assertThat(second.await(5, TimeUnit.SECONDS).status()).isEqualTo(201);
        assertThat(onLoop(() -> Future.succeededFuture(link.waiting())).await(5, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void stoppingFailsTheTriesStillWaiting() throws Exception {
        dispatcher();
        Future<DeliveryOutcome> one = send("d1");
        awaitTrue(() -> batches.size() == 1);
        onLoop(() -> link.stop()).await(5, TimeUnit.SECONDS);
        assertThatThrownBy(() -> one.await(5, TimeUnit.SECONDS))
            .isInstanceOfSatisfying(ReplyException.class,
                e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
    }
}
