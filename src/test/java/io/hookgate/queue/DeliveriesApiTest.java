package io.hookgate.queue;

import static io.hookgate.queue.QueueFixture.WAIT;
import static io.hookgate.queue.QueueFixture.attempts;
import static io.hookgate.queue.QueueFixture.awaitAt;
import static io.hookgate.queue.QueueFixture.awaitStatus;
import static io.hookgate.queue.QueueFixture.deliveries;
import static io.hookgate.queue.QueueFixture.epochMillis;
import static io.hookgate.queue.QueueFixture.event;
import static io.hookgate.queue.QueueFixture.page;
import static io.hookgate.queue.QueueFixture.projectId;
import static io.hookgate.queue.QueueFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Answer;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.Receiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /v1/webhooks/{id}/deliveries} (newest first, status filter, cursor paging) and one
 * delivery with its payload, scoped to the webhook and project; with the 401s, 404s and 400s.
 */
class DeliveriesApiTest {
    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create();

    private static void assertError(Gateway.Reply reply, int status, String type) {
        assertThat(reply.status()).as("status of %s", reply.body()).isEqualTo(status);
        assertThat(reply.json().getString("type")).as("type of %s", reply.body()).isEqualTo(type);
    }

    private static List<String> ids(List<JsonObject> deliveries) {
        return deliveries.stream().map(d -> d.getString("$id")).toList();
    }

    /** Pages through with {@code limit}; answers the pages. */
    private static List<List<JsonObject>> pages(Gateway.ProjectClient p, String webhookId, String status, int limit) {
        List<List<JsonObject>> out = new ArrayList<>();
        String cursor = "";
        do {
            JsonObject page = page(p, webhookId, "limit=" + limit + (status == null ? "" : "&status=" + status)
                + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
            List<JsonObject> items = new ArrayList<>();
            page.getJsonArray("deliveries").forEach(d -> items.add((JsonObject) d));
            out.add(items);
            cursor = page.getString("nextCursor");
        } while (!cursor.isEmpty() && out.size() < 100);
        return out;
    }

    @Test
    void listsNewestFirstFiltersByStatusAndPagesOverEveryDeliveryOnce() {
        Gateway.ProjectClient p = env.gateway().project(projectId("list"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            r.respond(req -> QueueFixture.marker(req).startsWith("f") ? Answer.status(500) : Answer.status(200));
            p.webhook("list", r.url("/list"), "users.*.create");
            List<String> eventIds = new ArrayList<>();
            Set<String> failing = new HashSet<>();
            for (int i = 0; i < 30; i++) {
                String marker = (i % 5 == 0 ? "f" : "d") + i;
                String id = send(p, event("users.u" + i + ".create", marker));
                eventIds.add(id);
                if (marker.startsWith("f")) {
                    failing.add(id);
                }
                // One at a time, so creation order is the order sent.
                awaitAt(r, "/list", i + 1, WAIT);
            }
            Await.until("24 delivered and 6 retrying", WAIT, () -> deliveries(p, "list", "delivered").size() == 24
                && deliveries(p, "list", "retrying").size() == 6);

            List<JsonObject> all = deliveries(p, "list", null);
            List<String> newestFirst = new ArrayList<>(eventIds);
            Collections.reverse(newestFirst);
            assertThat(all).extracting(d -> d.getString("eventId")).containsExactlyElementsOf(newestFirst);
            assertThat(all).extracting(d -> epochMillis(d.getString("$createdAt")))
                .isSortedAccordingTo((a, b) -> Long.compare(b, a));
            assertThat(all).allSatisfy(d -> {
                assertThat(d.getString("webhookId")).isEqualTo("list");
                assertThat(d.containsKey("payload")).as("no payload in a listing").isFalse();
                assertThat(d.getInteger("attemptCount")).isEqualTo(1);
            });

            assertThat(deliveries(p, "list", "retrying")).extracting(d -> d.getString("eventId"))
                .containsExactlyInAnyOrderElementsOf(failing);
            assertThat(deliveries(p, "list", "retrying")).allSatisfy(d -> assertThat(d.getString("nextRetryAt")).isNotEmpty());
            assertThat(deliveries(p, "list", "delivered")).hasSize(24).extracting(d -> d.getString("eventId"))
                .doesNotContainAnyElementsOf(failing);
            for (String status : List.of("pending", "parked", "failed")) {
                assertThat(deliveries(p, "list", status)).as(status).isEmpty();
            }

            List<List<JsonObject>> paged = pages(p, "list", null, 7);
            assertThat(paged).extracting(List::size).containsExactly(7, 7, 7, 7, 2);
            assertThat(paged.stream().flatMap(List::stream).toList()).extracting(d -> d.getString("$id"))
                .containsExactlyElementsOf(ids(all));
            List<List<JsonObject>> pagedDelivered = pages(p, "list", "delivered", 7);
            assertThat(pagedDelivered).extracting(List::size).containsExactly(7, 7, 7, 3);
            assertThat(pagedDelivered.stream().flatMap(List::stream).toList()).extracting(d -> d.getString("$id"))
                .containsExactlyElementsOf(ids(deliveries(p, "list", "delivered")));
            List<JsonObject> pagedRetrying = pages(p, "list", "retrying", 3).stream().flatMap(List::stream).toList();
            assertThat(pagedRetrying).extracting(d -> d.getString("$id")).doesNotHaveDuplicates().hasSize(6);
        }
    }

    @Test
    void listsPendingDeliveriesFromBehindManyDeliveredOnes() {
        Gateway.ProjectClient p = env.gateway().project(projectId("pend"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            // Once `hang` is set, "h" events hang at the receiver for longer than the test.
            AtomicBoolean hang = new AtomicBoolean();
            r.respond(req -> hang.get() && QueueFixture.marker(req).startsWith("h")
                ? Answer.status(200).withDelay(Duration.ofSeconds(60)) : Answer.status(200));
            p.webhook("pend", r.url("/pend"), "users.*.create");
            Set<String> oldest = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                oldest.add(send(p, event("users.u1.create", "h" + i)));
            }
            // Then more deliveries than one scan chunk (500), all newer than those three.
            int newer = 520;
            for (int b = 0; b < newer / 104; b++) {
                JsonArray events = new JsonArray();
                for (int i = 0; i < 104; i++) {
                    events.add(event("users.u1.create", "d" + b + "-" + i));
                }
                p.send(new JsonObject().put("events", events).encode()).expect(202);
            }
            int all = newer + oldest.size();
            Await.until(all + " delivered", WAIT, () -> deliveries(p, "pend", "delivered").size() == all);

            // Sending the three oldest again makes them pending while their tries hang. Pending ones
            // have no index of their own: listing them reads past every newer delivered one.
            hang.set(true);
            List<String> oldestIds = deliveries(p, "pend", null).stream()
                .filter(d -> oldest.contains(d.getString("eventId"))).map(d -> d.getString("$id")).toList();
            assertThat(oldestIds).hasSize(3);
            oldestIds.forEach(id -> p.call("POST", "/webhooks/pend/deliveries/" + id + "/retry", null).expect(202));
            Await.until("3 pending", WAIT, () -> deliveries(p, "pend", "pending").size() == 3);

            List<JsonObject> pending = deliveries(p, "pend", "pending");
            assertThat(pending).extracting(d -> d.getString("eventId")).containsExactlyInAnyOrderElementsOf(oldest);
            assertThat(pending).allSatisfy(d -> assertThat(d.getString("status")).isEqualTo("pending"));
            List<List<JsonObject>> paged = pages(p, "pend", "pending", 2);
            assertThat(paged).extracting(List::size).containsExactly(2, 1);
            assertThat(paged.stream().flatMap(List::stream).toList()).extracting(d -> d.getString("$id"))
                .containsExactlyElementsOf(ids(pending));
            assertThat(deliveries(p, "pend", "delivered")).hasSize(newer);
        }
    }

    @Test
    void pagingIsCompleteWhenManyDeliveriesShareOneMillisecond() {
        Gateway.ProjectClient p = env.gateway().project(projectId("ties"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            p.webhook("ties", r.url("/ties"), "users.*.create");
            JsonArray batch = new JsonArray();
            for (int i = 0; i < 100; i++) {
                batch.add(event("users.u" + i + ".create", "t" + i));
            }
            // One request, one fan-out batch: the deliveries share their creation time.
            p.send(new JsonObject().put("events", batch).encode()).expect(202);
            r.awaitCount(100, WAIT);
            Await.until("100 delivered", WAIT, () -> deliveries(p, "ties", "delivered").size() == 100);

            long sharing = deliveries(p, "ties", null).stream()
                .collect(Collectors.groupingBy(d -> d.getString("$createdAt"),
                    Collectors.counting()))
                .values().stream().mapToLong(Long::longValue).max().orElse(0);
            assertThat(sharing).as("deliveries sharing one creation time (more than a page and its read-ahead)")
                .isGreaterThan(7 + 64);

            List<JsonObject> paged = pages(p, "ties", null, 7).stream().flatMap(List::stream).toList();
            assertThat(paged).extracting(d -> d.getString("$id")).doesNotHaveDuplicates().hasSize(100);
        }
    }

    /**
     * Sends {@code n} events to webhook {@code hook}, each once the one before has arrived (so created in that
     * order), and waits until all are recorded delivered; answers their event IDs in sending order.
     */
    private static List<String> sendInTurn(Gateway.ProjectClient p, Receiver r, String hook, String marker, int n) {
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sent.add(send(p, event("users.u1.create", marker + i)));
            r.awaitCount(i + 1, WAIT);
        }
        Await.until(n + " delivered", WAIT, () -> deliveries(p, hook, "delivered").size() == n);
        return sent;
    }

    @Test
    void anArchivedDeliveryIsReadListedAndRetriedLikeAnyOther() {
        Gateway.ProjectClient p = env.gateway().project(projectId("arch"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            p.webhook("arch", r.url("/arch"), "users.*.create");
            List<String> sent = sendInTurn(p, r, "arch", "a", 5);
            String order = "hg:{q0}:whl:" + p.projectId() + ":arch";
            List<String> items = QueueFixture.archiveItems(env.redis(), order);
            assertThat(items).as("first tries delivered: archived").isNotEmpty();
            List<JsonObject> listed = deliveries(p, "arch", null);
            List<String> newestFirst = new ArrayList<>(sent);
            Collections.reverse(newestFirst);
            assertThat(listed).extracting(d -> d.getString("eventId")).containsExactlyElementsOf(newestFirst);
            // An item recorded after a newer one may be shifted behind it (layout 5): take one in place.
            List<String> inPlace = items.stream().filter(i -> !QueueFixture.shifted(i)).toList();
            String item = inPlace.get(inPlace.size() / 2);
            String archived = item.split(":")[1];
            // at:id:ev|["name","",...: without status, project, webhook and creation time (the item names them).
            assertThat(item).as("the record in its item, stored without what the item and key say")
                .matches("(?s)\\d+:" + archived + ":[^|:]+\\|\\[\"users\\.u1\\.create\",\"\",.*")
                .doesNotContain(p.projectId());
            JsonObject one = p.call("GET", "/webhooks/arch/deliveries/" + archived, null).expect(200).json();
            int nth = sent.indexOf(one.getString("eventId"));
            assertThat(one.getJsonObject("payload").getString("n")).isEqualTo("a" + nth);

            p.call("POST", "/webhooks/arch/deliveries/" + archived + "/retry", null).expect(202);
            r.awaitCount(6, WAIT);
            awaitStatus(p, "arch", archived, "delivered");
            Await.until("the retry recorded", WAIT, () -> attempts(p.call("GET", "/webhooks/arch/deliveries/" + archived,
                null).expect(200).json()).size() == 2 ? true : null);
            assertThat(env.redis().command("LLEN", order)).as("out of the archive")
                .isEqualTo(Integer.toString(items.size() - 1));
            // Paged two at a time across the archive and the index: every one once, newest first.
            List<JsonObject> paged = pages(p, "arch", null, 2).stream().flatMap(List::stream).toList();
            assertThat(paged).extracting(d -> d.getString("eventId")).containsExactlyElementsOf(newestFirst);
            assertThat(pages(p, "arch", "delivered", 2).stream().flatMap(List::stream).toList())
                .extracting(d -> d.getString("eventId")).containsExactlyElementsOf(newestFirst);
        }
    }

    @Test
    void anArchivedDeliveryShiftedBehindANewerOneIsReadListedPagedAndRetried() {
        // recordLayout 5 appends a record archived after a newer one of its webhook behind a key of its own
        // (lua/lib/archive.lua, ARCHIVE_SHIFT): made here by moving one item behind the newest as it would be.
        Gateway.ProjectClient p = env.gateway().project(projectId("shift"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            p.webhook("shift", r.url("/shift"), "users.*.create");
            List<String> sent = sendInTurn(p, r, "shift", "s", 5);
            String order = "hg:{q0}:whl:" + p.projectId() + ":shift";
            List<String> items = QueueFixture.archiveItems(env.redis(), order);
            assertThat(items).as("all five archived").hasSize(5);
            // Sent one after another, so created in that order; the list may already hold one the gateway shifted.
            List<String> expected = new ArrayList<>();
            for (int i = 4; i >= 0; i--) {
                String event = sent.get(i);
                expected.add(items.stream().filter(x -> x.contains(":" + event + "|")).findFirst().orElseThrow()
                    .split(":")[1]);
            }
            String moved = items.stream().limit(4).filter(x -> !QueueFixture.shifted(x)).findFirst().orElseThrow();
            String id = moved.split(":")[1];
            JsonObject before = p.call("GET", "/webhooks/shift/deliveries/" + id, null).expect(200).json();
            long newest = Long.parseLong(items.get(4).split(":")[0]);
            env.redis().command("LREM", order, "1", moved);
            env.redis().command("RPUSH", order, (newest + 1) + ":" + id + ":~" + moved);

            JsonObject after = p.call("GET", "/webhooks/shift/deliveries/" + id, null).expect(200).json();
            assertThat(after).as("read whole, with its own creation time").isEqualTo(before);
            assertThat(deliveries(p, "shift", null)).as("listed by its creation time, not by its place in the list")
                .extracting(d -> d.getString("$id")).containsExactlyElementsOf(expected);
            assertThat(pages(p, "shift", null, 2).stream().flatMap(List::stream).toList())
                .as("paged two at a time: every one once").extracting(d -> d.getString("$id"))
                .containsExactlyElementsOf(expected);

            p.call("POST", "/webhooks/shift/deliveries/" + id + "/retry", null).expect(202);
            r.awaitCount(6, WAIT);
            awaitStatus(p, "shift", id, "delivered");
            assertThat(env.redis().command("LLEN", order)).as("out of the archive").isEqualTo("4");
            assertThat(p.call("GET", "/webhooks/shift/deliveries/" + id, null).expect(200).json()
                .getString("$createdAt")).isEqualTo(before.getString("$createdAt"));
        }
    }

    @Test
    void oneDeliveryCarriesThePayloadAsIngested() {
        Gateway.ProjectClient p = env.gateway().project(projectId("one"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            p.webhook("one", r.url("/one"), "databases.*.collections.*.documents.*.create");
            JsonObject payload = new JsonObject().put("n", "p1").put("$id", "doc1").put("title", "Caf\u00e9 \u2603")
                .put("count", 42).put("ratio", 0.25).put("tags", new JsonArray().add("a").add(1).addNull())
                .put("nested", new JsonObject().put("deep", new JsonObject().put("ok", true)));
            Gateway.Reply accepted = p.send(new JsonObject().put("event", "databases.db1.collections.c1.documents.doc1.create")
                .put("payload", payload).put("userId", "user-1").encode()).expect(202);
            JsonObject acceptedEvent = accepted.json().getJsonArray("events").getJsonObject(0);
            String deliveryId = r.awaitRequest(WAIT).header("webhook-id");

            JsonObject d = awaitStatus(p, "one", deliveryId, "delivered");
            assertThat(d.getJsonObject("payload")).isEqualTo(payload);
            assertThat(d.getString("$id")).isEqualTo(deliveryId);
            assertThat(d.getString("webhookId")).isEqualTo("one");
            assertThat(d.getString("eventId")).isEqualTo(acceptedEvent.getString("$id"));
            assertThat(d.getString("event")).isEqualTo("databases.db1.collections.c1.documents.doc1.create");
            assertThat(d.getJsonArray("expansion")).isEqualTo(acceptedEvent.getJsonArray("expansion"));
            assertThat(d.getInteger("attemptCount")).isEqualTo(1);
            assertThat(attempts(d)).singleElement().satisfies(a -> assertThat(a.getInteger("statusCode")).isEqualTo(200));
            assertThat(epochMillis(d.getString("$updatedAt"))).isGreaterThanOrEqualTo(epochMillis(d.getString("$createdAt")));
            assertThat(r.requests().get(0).bodyJson()).isEqualTo(payload);
        }
    }

    @Test
    void deliveriesOfOtherWebhooksAndProjectsAreNotFound() {
        Gateway.ProjectClient a = env.gateway().project(projectId("nfa"));
        Gateway.ProjectClient b = env.gateway().project(projectId("nfb"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            a.webhook("one", r.url("/a-one"), "users.*.create");
            a.webhook("two", r.url("/a-two"), "users.*.create");
            b.webhook("one", r.url("/b-one"), "users.*.create");
            send(a, event("users.u1.create", "a"));
            send(b, event("users.u1.create", "b"));
            String aTwo = awaitAt(r, "/a-two", 1, WAIT).get(0).header("webhook-id");
            String bOne = awaitAt(r, "/b-one", 1, WAIT).get(0).header("webhook-id");
            awaitAt(r, "/a-one", 1, WAIT);
            // The records exist (a first try's is written when the try has ended): a 404 below means
            // "not yours", not "not written yet".
            awaitStatus(a, "two", aTwo, "delivered");
            awaitStatus(b, "one", bOne, "delivered");

            assertError(a.call("GET", "/webhooks/one/deliveries/nosuchdelivery", null), 404, "delivery_not_found");
            assertError(a.call("GET", "/webhooks/one/deliveries/" + aTwo, null), 404, "delivery_not_found");
            assertError(a.call("GET", "/webhooks/one/deliveries/" + bOne, null), 404, "delivery_not_found");
            assertError(a.call("POST", "/webhooks/one/deliveries/" + aTwo + "/retry", null), 404, "delivery_not_found");
            assertError(a.call("POST", "/webhooks/one/deliveries/" + bOne + "/retry", null), 404, "delivery_not_found");
            assertError(a.call("GET", "/webhooks/nosuchhook/deliveries", null), 404, "webhook_not_found");
            assertError(a.call("GET", "/webhooks/nosuchhook/deliveries/" + aTwo, null), 404, "webhook_not_found");
            assertThat(deliveries(a, "one", null)).extracting(d -> d.getString("$id")).doesNotContain(aTwo, bOne);
            assertThat(r.assertCountStays(3, QueueFixture.QUIET)).as("no refused retry was sent").hasSize(3);
        }
    }

    @Test
    void scopesAreRequired() {
        Gateway.ProjectClient p = env.gateway().project(projectId("scope"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            p.webhook("scoped", r.url("/scoped"), "users.*.create");
            send(p, event("users.u1.create", "s"));
            String deliveryId = r.awaitRequest(WAIT).header("webhook-id");
            awaitStatus(p, "scoped", deliveryId, "delivered");
            Gateway.ProjectClient eventsOnly = new Gateway.ProjectClient(env.gateway(), p.projectId(),
                env.gateway().key(p.projectId(), "events.write"));
            Gateway.ProjectClient readOnly = new Gateway.ProjectClient(env.gateway(), p.projectId(),
                env.gateway().key(p.projectId(), "webhooks.read"));
            String since = new JsonObject().put("since", "2020-01-01T00:00:00.000+00:00").encode();

            assertError(eventsOnly.call("GET", "/webhooks/scoped/deliveries", null), 401, "general_unauthorized_scope");
            assertError(eventsOnly.call("GET", "/webhooks/scoped/deliveries/" + deliveryId, null), 401,
                "general_unauthorized_scope");
            assertError(readOnly.call("POST", "/webhooks/scoped/deliveries/" + deliveryId + "/retry", null), 401,
                "general_unauthorized_scope");
            assertError(readOnly.call("POST", "/webhooks/scoped/recover", since), 401, "general_unauthorized_scope");
            assertThat(env.gateway().call("GET", "/webhooks/scoped/deliveries", null,
                "X-Appwrite-Project", p.projectId()).status()).as("no key").isEqualTo(401);
            readOnly.call("GET", "/webhooks/scoped/deliveries/" + deliveryId, null).expect(200);
            r.assertCountStays(1, QueueFixture.QUIET);
        }
    }

    @Test
    void badParametersAreRefused() {
        Gateway.ProjectClient p = env.gateway().project(projectId("bad"));
        try (Receiver r = QueueFixture.receiver(env.vertx())) {
            p.webhook("bad", r.url("/bad"), "users.*.create");
            for (String query : List.of("status=bogus", "status=", "limit=0", "limit=101", "limit=abc", "limit=-1",
                "cursor=garbage", "cursor=123", "cursor=99999999999999999999:abc", "cursor=:abc")) {
                assertError(p.call("GET", "/webhooks/bad/deliveries?" + query, null), 400, "general_argument_invalid");
            }
            for (String body : List.of("{\"since\": \"yesterday\"}", "{}", "{\"since\": 5}", "not json")) {
                assertError(p.call("POST", "/webhooks/bad/recover", body), 400, "general_argument_invalid");
            }
            page(p, "bad", "limit=1");
            page(p, "bad", "limit=100&status=delivered");
        }
    }

    @Test
    void aCursorBeyondTheRangeOfATimestampIsRefused() {
        Gateway.ProjectClient p = env.gateway().project(projectId("bigcursor"));
        p.webhook("big", "http://127.0.0.1:9/big", "users.*.create");
        assertError(p.call("GET", "/webhooks/big/deliveries?cursor=9999999999999999999:abc", null), 400,
            "general_argument_invalid");
    }
}
