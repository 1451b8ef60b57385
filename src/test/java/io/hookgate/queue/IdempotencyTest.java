package io.hookgate.queue;

import static io.hookgate.queue.QueueFixture.QUIET;
import static io.hookgate.queue.QueueFixture.WAIT;
import static io.hookgate.queue.QueueFixture.at;
import static io.hookgate.queue.QueueFixture.awaitAt;
import static io.hookgate.queue.QueueFixture.deliveries;
import static io.hookgate.queue.QueueFixture.delivery;
import static io.hookgate.queue.QueueFixture.event;
import static io.hookgate.queue.QueueFixture.projectId;
import static io.hookgate.queue.QueueFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Repeating an event with the same {@code Idempotency-Key} header, or the same {@code $id}, within
 * the window answers the first event's ID and delivers nothing more, however many repeats race.
 */
class IdempotencyTest {
    private static final int RACERS = 20;

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create();

    /** Runs {@code call} on {@link #RACERS} threads released together; answers every result. */
    private static <T> List<T> race(Supplier<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(RACERS);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < RACERS; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return call.get();
                }));
            }
            go.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get(30, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Sends a sentinel event after the others and waits for its delivery: the fan-out of everything
     * accepted before it is done by then (one partition, one stream, in order), so every delivery
     * record that will ever exist does; then waits for {@code expectedBefore} other deliveries.
     */
    private static void awaitSentinel(Gateway.ProjectClient p, Receiver r, String path, int expectedBefore) {
        send(p, event("users.u9.create", "sentinel"));
        Await.until("the sentinel at " + path, WAIT,
            () -> at(r, path).stream().anyMatch(x -> "sentinel".equals(QueueFixture.marker(x))));
        awaitAt(r, path, expectedBefore + 1, WAIT);
    }

    @Test
    void concurrentRepeatsOfAnIdempotencyKeyMakeOneEventAndOneDelivery() throws Exception {
        Gateway.ProjectClient p = env.gateway().project(projectId("idem"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            p.webhook("idem", r.url("/idem"), "users.*.create");
            String body = event("users.u1.create", "once").encode();
            List<Gateway.Reply> replies = race(() -> p.gateway().call("POST", "/events", body,
                "X-Appwrite-Project", p.projectId(), "X-Appwrite-Key", p.key(), "Idempotency-Key", "order-42"));

            assertThat(replies).extracting(Gateway.Reply::status).containsOnly(202);
            List<String> ids = replies.stream()
                .map(x -> x.json().getJsonArray("events").getJsonObject(0).getString("$id")).toList();
            assertThat(ids).hasSize(RACERS).containsOnly(ids.get(0));

            awaitSentinel(p, r, "/idem", 1);
            r.assertCountStays(2, QUIET);
            assertThat(at(r, "/idem")).extracting(QueueFixture::marker).containsExactlyInAnyOrder("once", "sentinel");
            assertThat(deliveries(p, "idem", null)).extracting(d -> d.getString("eventId"))
                .filteredOn(ids.get(0)::equals).hasSize(1);
        }
    }

    @Test
    void concurrentRepeatsOfAnEventIdMakeOneEventAndOneDelivery() throws Exception {
        Gateway.ProjectClient p = env.gateway().project(projectId("dupid"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            p.webhook("dupid", r.url("/dupid"), "users.*.create");
            String body = event("users.u1.create", "once").put("$id", "evt-dup-1").encode();
            List<Gateway.Reply> replies = race(() -> p.send(body));

            assertThat(replies).extracting(Gateway.Reply::status).containsOnly(202);
            assertThat(replies).extracting(x -> x.json().getJsonArray("events").getJsonObject(0).getString("$id"))
                .hasSize(RACERS).containsOnly("evt-dup-1");

            awaitSentinel(p, r, "/dupid", 1);
            r.assertCountStays(2, QUIET);
            assertThat(deliveries(p, "dupid", null)).extracting(d -> d.getString("eventId"))
                .filteredOn("evt-dup-1"::equals).hasSize(1);
        }
    }

    @Test
    void aRepeatedBatchAnswersTheSameIdsPosition() {
        Gateway.ProjectClient p = env.gateway().project(projectId("batch"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            p.webhook("batch", r.url("/batch"), "users.*.create");
            String body = new JsonObject().put("events", new JsonArray()
                .add(event("users.u1.create", "b0")).add(event("users.u2.create", "b1"))
                .add(event("users.u3.create", "b2"))).encode();
            List<String> first = batchIds(p, body, "batch-7");
            List<String> again = batchIds(p, body, "batch-7");
            List<String> other = batchIds(p, body, "batch-8");

            assertThat(first).hasSize(3).doesNotHaveDuplicates();
            assertThat(again).as("same key, same IDs per position").containsExactlyElementsOf(first);
            assertThat(other).as("another key is another batch").doesNotContainAnyElementsOf(first);

            awaitSentinel(p, r, "/batch", 6);
            r.assertCountStays(7, QUIET);
            assertThat(at(r, "/batch")).extracting(QueueFixture::marker)
                .containsExactlyInAnyOrder("b0", "b1", "b2", "b0", "b1", "b2", "sentinel");
            assertThat(deliveries(p, "batch", null)).extracting(d -> d.getString("eventId"))
                .containsAll(first).containsAll(other).hasSize(7);
        }
    }

    /**
     * A single event's key and a batch's key derive per-event keys that can never meet: {@code order-7#0}
     * on one event and {@code order-7} on a batch once made the batch's first event a "repeat" of it.
     */
    @Test
    void aSingleEventsKeyNeverCollidesWithAKeyOfABatchPosition() {
        Gateway.ProjectClient p = env.gateway().project(projectId("idemsplit"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            p.webhook("split", r.url("/split"), "users.*.create");
            String single = event("users.u1.create", "single").encode();
            List<String> alone = batchIds(p, single, "order-7#0");
            String body = new JsonObject().put("events", new JsonArray()
                .add(event("users.u2.create", "first")).add(event("users.u3.create", "second"))).encode();
            List<String> batch = batchIds(p, body, "order-7");

            assertThat(batch).as("the batch's events are new events").hasSize(2).doesNotContainAnyElementsOf(alone);
            awaitSentinel(p, r, "/split", 3);
            r.assertCountStays(4, QUIET);
            assertThat(at(r, "/split")).extracting(QueueFixture::marker)
                .containsExactlyInAnyOrder("single", "first", "second", "sentinel");
        }
    }

    @Test
    void anEventIdRepeatedUnderAnIdempotencyKeyIsOneEvent() {
        Gateway.ProjectClient p = env.gateway().project(projectId("idinbatch"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            p.webhook("inbatch", r.url("/inbatch"), "users.*.create");
            JsonObject same = event("users.u1.create", "same").put("$id", "evt-twice");
            String body = new JsonObject().put("events", new JsonArray().add(same).add(same.copy())
                .add(event("users.u2.create", "other"))).encode();
            List<String> ids = batchIds(p, body, "batch-with-ids");
            // The same $id under another key, alone: still that event.
            List<String> alone = batchIds(p, same.encode(), "another-key");

            assertThat(ids).hasSize(3).startsWith("evt-twice", "evt-twice");
            assertThat(ids.get(2)).isNotEqualTo("evt-twice");
            assertThat(alone).containsExactly("evt-twice");
            awaitSentinel(p, r, "/inbatch", 2);
            r.assertCountStays(3, QUIET);
            assertThat(at(r, "/inbatch")).extracting(QueueFixture::marker)
                .containsExactlyInAnyOrder("same", "other", "sentinel");
            assertThat(deliveries(p, "inbatch", null)).extracting(d -> d.getString("eventId"))
                .filteredOn("evt-twice"::equals).hasSize(1);
        }
    }

    private static List<String> batchIds(Gateway.ProjectClient p, String body, String key) {
        JsonObject answer = p.gateway().call("POST", "/events", body, "X-Appwrite-Project", p.projectId(),
            "X-Appwrite-Key", p.key(), "Idempotency-Key", key).expect(202).json();
        return answer.getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("$id")).toList();
    }

    @Test
    void projectsUsingTheSameKeyDoNotCollide() {
        Gateway.ProjectClient a = env.gateway().project(projectId("ka"));
        Gateway.ProjectClient b = env.gateway().project(projectId("kb"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            a.webhook("same", r.url("/a"), "users.*.create");
            b.webhook("same", r.url("/b"), "users.*.create");
            List<String> ids = new ArrayList<>();
            for (Gateway.ProjectClient p : List.of(a, b)) {
                for (int i = 0; i < 2; i++) {
                    ids.add(p.gateway().call("POST", "/events", event("users.u1.create", p.projectId()).encode(),
                            "X-Appwrite-Project", p.projectId(), "X-Appwrite-Key", p.key(), "Idempotency-Key", "shared")
                        .expect(202).json().getJsonArray("events").getJsonObject(0).getString("$id"));
                }
            }
            assertThat(ids.get(1)).isEqualTo(ids.get(0));
            assertThat(ids.get(3)).isEqualTo(ids.get(2));
            assertThat(ids.get(2)).isNotEqualTo(ids.get(0));

            awaitSentinel(a, r, "/a", 1);
            awaitSentinel(b, r, "/b", 1);
            r.assertCountStays(4, QUIET);
            assertThat(at(r, "/a")).extracting(QueueFixture::marker).containsExactlyInAnyOrder(a.projectId(), "sentinel");
            assertThat(at(r, "/b")).extracting(QueueFixture::marker).containsExactlyInAnyOrder(b.projectId(), "sentinel");
        }
    }

    @Test
    void aRepeatedIdWithAnotherPayloadChangesNothingThatIsDelivered() {
        Gateway.ProjectClient p = env.gateway().project(projectId("samepl"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            p.webhook("samepl", r.url("/samepl"), "users.*.create");
            send(p, event("users.u1.create", "first").put("$id", "evt-pl-1"));
            String deliveryId = awaitAt(r, "/samepl", 1, WAIT).get(0).header("webhook-id");
            assertThat(send(p, event("users.u1.create", "second").put("$id", "evt-pl-1"))).isEqualTo("evt-pl-1");
            awaitSentinel(p, r, "/samepl", 1);

            // The event as stored is the first one; so is what a replay sends.
            assertThat(delivery(p, "samepl", deliveryId).getJsonObject("payload").getString("n")).isEqualTo("first");
            p.call("POST", "/webhooks/samepl/deliveries/" + deliveryId + "/retry", null).expect(202);
            List<RecordedRequest> got = awaitAt(r, "/samepl", 3, WAIT);
            assertThat(got.get(2).header("webhook-id")).isEqualTo(deliveryId);
            assertThat(QueueFixture.marker(got.get(2))).as("payload of the replayed delivery").isEqualTo("first");
        }
    }
}
