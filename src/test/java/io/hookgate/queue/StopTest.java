package io.hookgate.queue;

import static io.hookgate.queue.QueueFixture.WAIT;
import static io.hookgate.queue.QueueFixture.event;
import static io.hookgate.queue.QueueFixture.projectId;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.model.Ids;
import io.hookgate.redis.QueueKeys;
import io.hookgate.testsupport.Answer;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.ClassVertx;
import io.hookgate.testsupport.EventStream;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RedisServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A replica that stops while events keep arriving. Events are read without pending entries, and a
 * stopping pump takes nothing new, so what a read brings in after the stop began must go through the
 * deliveries stream at once, for the other replicas: left in the events stream, read and unrecorded,
 * it would wait a whole {@code reclaimIdleMs} for the sweep. (The benchmark's replicas scenario, which
 * stops replicas under load, counted 484 such events as undelivered after its 30 s drain.)
 */
class StopTest {
    /** A try under way keeps the stop going this long, while the events keep coming. */
    private static final Duration SLOW_TRY = Duration.ofMillis(1_500);
    /** A stop catches a read under way about half the time: three stops, each under load. */
    private static final int STOPS = 3;
    private static final int MOST_EVENTS_PER_STOP = 5_000;

    @RegisterExtension
    static final ClassVertx VERTX = new ClassVertx();

    @Test
    void eventsAReplicaReadsWhileStoppingGoToTheDeliveriesStreamAtOnce() throws Exception {
        for (int stop = 0; stop < STOPS; stop++) {
            try (RedisServer redis = RedisServer.start(); Receiver r = QueueFixture.receiver(VERTX.get())) {
                r.respond(req -> Answer.status(200).withDelay(req.path().equals("/slow") ? SLOW_TRY : Duration.ZERO));
                Gateway gateway = Gateway.start(redis.url(), Map.of());
                Gateway.ProjectClient p = gateway.project(projectId("stop"));
                p.webhook("slow", r.url("/slow"), "users.slow.create");
                p.webhook("fast", r.url("/fast"), "users.fast.create");
                p.send(new JsonObject().put("events", new io.vertx.core.json.JsonArray()
                    .add(event("users.slow.create", "s"))).encode()).expect(202);
                Await.until("the slow try under way", WAIT, () -> r.count() >= 1);

                CompletableFuture<Void> stopped = CompletableFuture.runAsync(gateway::close);
                long added = 0;
                while (!stopped.isDone() && added < MOST_EVENTS_PER_STOP) {
                    // As ingest writes them (lua/ingest.lua), straight into the stream: the stopping replica's
                    // API takes no events.
                    redis.call("XADD", QueueKeys.events(0), "*", "id", Ids.unique(), "pr", p.projectId(),
                        "nm", "users.fast.create", "us", "", "at", Long.toString(System.currentTimeMillis()),
                        "pl", "{}", "rq", "req-" + added);
                    added++;
                }
                stopped.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

                assertThat(added).as("events arrived during the stop").isPositive();
                assertThat(EventStream.readAndUnfinished(redis, QueueKeys.events(0), QueueKeys.FANOUT_GROUP))
                    .as("events the stopped replica read and left in the events stream (stop %d)", stop).isZero();
            }
        }
    }
}
