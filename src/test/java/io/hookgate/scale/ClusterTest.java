package io.hookgate.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Answer;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Bounded;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.LogCapture;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.hookgate.testsupport.RedisCluster;
import io.hookgate.testsupport.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole path on a real three-master Redis Cluster, through two in-process replicas with six
 * queue partitions: matching and exactly-once delivery (batches and idempotent repeats included),
 * the change feed between replicas over cluster pub/sub, retries, the deliveries listing across
 * partitions, and the spread of the partitions over every master. Every script must touch a single
 * slot: any CROSSSLOT, MOVED or other Redis error logged by a replica fails the test that caused it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration QUIET = Duration.ofMillis(1_000);
    private static final Duration START_LIMIT = Duration.ofSeconds(60);
    private static final int PARTITIONS = 6;
    /** Redis error replies and cluster redirections that a replica must never meet (or log). */
    private static final Pattern REDIS_ERROR =
        Pattern.compile("CROSSSLOT|MOVED|\\bASK\\b|CLUSTERDOWN|TRYAGAIN|\\bERR\\b|NOSCRIPT|WRONGTYPE");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private static LogCapture logs;
    private static RedisCluster cluster;
    private static Gateway a;
    private static Gateway b;
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        logs = LogCapture.attach(org.slf4j.Logger.ROOT_LOGGER_NAME);
        cluster = RedisCluster.start();
        Map<ConfigKey, String> overrides = Map.of(
            ConfigKey.REDIS_MODE, "cluster",
            ConfigKey.QUEUE_PARTITIONS, Integer.toString(PARTITIONS),
            ConfigKey.RETRY_SCHEDULE, "300ms,300ms");
        a = Bounded.call("replica A start", START_LIMIT, () -> Gateway.start(cluster.url(), overrides));
        b = Bounded.call("replica B start", START_LIMIT, () -> Gateway.start(cluster.url(), overrides));
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (b != null) {
                Bounded.call("replica B close", START_LIMIT, () -> {
                    b.close();
                    return null;
                });
            }
            if (a != null) {
                Bounded.call("replica A close", START_LIMIT, () -> {
                    a.close();
                    return null;
                });
            }
            if (vertx != null) {
                vertx.close().await(10, TimeUnit.SECONDS);
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
            if (logs != null) {
                logs.close();
            }
        }
    }

    @AfterEach
    void noRedisErrorWasLogged() {
        List<String> lines = logs.lines();
        logs.clear();
        assertThat(lines).as("log lines of the replicas").noneMatch(l -> REDIS_ERROR.matcher(l).find());
        assertThat(lines).as("ERROR lines of the replicas")
            .noneMatch(l -> l.startsWith("ERROR io.hookgate") || l.startsWith("ERROR hookgate"));
    }

    @Test
    void wholePathDeliversEachMatchExactlyOnceThroughEitherReplica() throws Exception {
        try (Receiver r = receiver()) {
            Gateway.ProjectClient onA = a.project(projectId("path"));
            Gateway.ProjectClient onB = onB(onA);
            onA.webhook("creates", r.url("/creates"), "users.*.create");
            onA.webhook("users", r.url("/users"), "users.*");
            onA.webhook("docs", r.url("/docs"), "databases.*.collections.*.documents.*.create");
            syncFeed(onA);

            Map<String, List<String>> expected = new TreeMap<>();
            send(onA, event("users.u1.create", "a1"));
            expect(expected, "a1", "/creates", "/users");
            send(onB, event("users.u2.update.email", "b1"));
            expect(expected, "b1", "/users");
            send(onB, event("databases.db1.collections.books.documents.doc1.create", "b2"));
            expect(expected, "b2", "/docs");
            send(onA, event("databases.db1.collections.books.documents.doc1.delete", "nobody"));

            List<JsonObject> batch = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String m = "batch-" + i;
                if (i % 2 == 0) {
                    batch.add(event("users.b" + i + ".create", m));
                    expect(expected, m, "/creates", "/users");
                } else {
                    batch.add(event("databases.db1.collections.c.documents.d" + i + ".create", m));
                    expect(expected, m, "/docs");
                }
            }
            JsonObject batchBody = new JsonObject().put("events", new JsonArray(batch));
            Gateway.Reply batchReply = onB.send(batchBody.encode()).expect(202);
            assertThat(batchReply.json().getInteger("total")).isEqualTo(100);

            // Idempotent repeats, through both replicas: by header (single and batch) and by $id.
            Gateway.Reply first = sendWithKey(onA, "idem-1", event("users.i1.create", "idem-header").encode());
            Gateway.Reply again = sendWithKey(onB, "idem-1", event("users.i1.create", "idem-header").encode());
            assertThat(ids(again)).isEqualTo(ids(first));
            expect(expected, "idem-header", "/creates", "/users");
            String idemBatch = new JsonObject().put("events", new JsonArray(List.of(
                event("users.i2.create", "idem-batch-0"), event("users.i3.update", "idem-batch-1")))).encode();
            Gateway.Reply batchFirst = sendWithKey(onB, "idem-batch", idemBatch);
            Gateway.Reply batchAgain = sendWithKey(onA, "idem-batch", idemBatch);
            assertThat(ids(batchAgain)).isEqualTo(ids(batchFirst));
            expect(expected, "idem-batch-0", "/creates", "/users");
            expect(expected, "idem-batch-1", "/users");
            JsonObject withId = event("users.i4.create", "idem-id").put("$id", "fixed-event-1");
            assertThat(ids(send(onA, withId))).containsExactly("fixed-event-1");
            assertThat(ids(send(onB, withId))).containsExactly("fixed-event-1");
            expect(expected, "idem-id", "/creates", "/users");

            int total = expected.values().stream().mapToInt(List::size).sum();
            r.awaitCount(total, WAIT);
            List<RecordedRequest> got = r.assertCountStays(total, QUIET);

            Map<String, List<String>> byPath = got.stream().collect(Collectors.groupingBy(RecordedRequest::path,
                TreeMap::new, Collectors.mapping(x -> x.bodyJson().getString("n"),
                    Collectors.collectingAndThen(Collectors.toList(), l -> l.stream().sorted().toList()))));
            Map<String, List<String>> want = new TreeMap<>();
            expected.forEach((path, markers) -> want.put(path, markers.stream().sorted().toList()));
            assertThat(byPath).isEqualTo(want);
            assertThat(got.stream().map(x -> x.header("webhook-id")).collect(Collectors.toSet()))
                .as("one delivery ID per delivery").hasSize(total);
        }
    }

    @Test
    void aWebhookCreatedThroughOneReplicaIsMatchedForEventsSentThroughTheOther() throws Exception {
        try (Receiver r = receiver()) {
            Gateway.ProjectClient onA = a.project(projectId("feed"));
            Gateway.ProjectClient onB = onB(onA);
            onA.webhook("feed", r.url("/feed-1"), "users.*.create");
            syncFeed(onA);
            // B was never asked about the webhook: only the change feed (cluster pub/sub) told it. Either
            // replica may fan an event out, so with 20 events B fans out some of them: a B that missed
            // the change would leave about half undelivered.
            int n = 20;
            for (int i = 0; i < n; i++) {
                send(onB, event("users.f" + i + ".create", "feed-1-" + i));
            }
            assertThat(awaitMarkers(r, "/feed-1", n)).hasSize(n);

            onB.call("PUT", "/webhooks/feed", new JsonObject().put("name", "feed").put("url", r.url("/feed-2"))
                .put("events", new JsonArray(List.of("users.*.delete"))).encode()).expect(200);
            syncFeed(onB);
            for (int i = 0; i < n; i++) {
                send(onA, event("users.f" + i + ".delete", "feed-2-" + i));
                send(onA, event("users.f" + i + ".create", "feed-none-" + i));
            }
            assertThat(awaitMarkers(r, "/feed-2", n)).hasSize(n);
            assertThat(r.assertCountStays(2 * n, QUIET)).extracting(RecordedRequest::path)
                .containsOnly("/feed-1", "/feed-2");
        }
    }

    @Test
    void aFailedTryIsRetriedAndTheDeliveryEndsDelivered() throws Exception {
        try (Receiver r = receiver()) {
            AtomicInteger calls = new AtomicInteger();
            r.respond(req -> calls.incrementAndGet() == 1 ? Answer.of(500, "once") : Answer.status(200));
            Gateway.ProjectClient onA = a.project(projectId("retry"));
            onA.webhook("flaky", r.url("/flaky"), "users.*.create");
            syncFeed(onA);
            send(onB(onA), event("users.r1.create", "retry-me"));

            List<RecordedRequest> tries = r.awaitCount(2, WAIT);
            assertThat(tries).extracting(x -> x.header("webhook-id")).containsOnly(tries.get(0).header("webhook-id"));
            String deliveryId = tries.get(0).header("webhook-id");
            JsonObject delivery = Await.until("delivery " + deliveryId + " recorded as delivered", WAIT, () -> {
                JsonObject d = onA.call("GET", "/webhooks/flaky/deliveries/" + deliveryId, null).expect(200).json();
                return "delivered".equals(d.getString("status")) ? d : null;
            });
            assertThat(delivery.getInteger("attemptCount")).isEqualTo(2);
            assertThat(delivery.getJsonArray("attempts")).hasSize(2);
            assertThat(r.assertCountStays(2, QUIET)).hasSize(2);
        }
    }

    @Test
    void theDeliveriesListingPagesAcrossPartitions() throws Exception {
        try (Receiver r = receiver()) {
            Gateway.ProjectClient onA = a.project(projectId("paging"));
            Gateway.ProjectClient onB = onB(onA);
            onA.webhook("paged", r.url("/paged"), "users.*.create");
            syncFeed(onA);
            int n = 40;
            for (int i = 0; i < n; i++) {
                // One request per event: each picks its own random partition.
                send(i % 2 == 0 ? onA : onB, event("users.p" + i + ".create", "page-" + i));
            }
            Set<String> delivered = r.awaitCount(n, WAIT).stream().map(x -> x.header("webhook-id"))
                .collect(Collectors.toSet());
            assertThat(delivered).hasSize(n);

            Set<Integer> partitions = new HashSet<>();
            for (Map.Entry<String, List<String>> node : cluster.keysPerNode("hg:{q*}:wh[dl]:" + onA.projectId()
                + ":paged").entrySet()) {
                for (String key : node.getValue()) {
                    partitions.add(Integer.parseInt(key.substring("hg:{q".length(), key.indexOf('}'))));
                }
            }
            assertThat(partitions).as("partitions holding the webhook's deliveries").hasSizeGreaterThanOrEqualTo(3);

            List<JsonObject> listed = Await.until("all " + n + " deliveries listed as delivered", WAIT, () -> {
                List<JsonObject> all = pages(onA, "paged", "delivered", 7);
                return all.size() == n ? all : null;
            });
            assertThat(listed.stream().map(d -> d.getString("$id")).collect(Collectors.toSet())).isEqualTo(delivered);
            List<String> created = listed.stream().map(d -> d.getString("$createdAt")).toList();
            for (int i = 1; i < created.size(); i++) {
                assertThat(created.get(i)).as("newest first, across pages and partitions")
                    .isLessThanOrEqualTo(created.get(i - 1));
            }
            List<JsonObject> unfiltered = pages(onA, "paged", null, 100);
            assertThat(unfiltered).extracting(d -> d.getString("$id")).containsExactlyElementsOf(
                listed.stream().map(d -> d.getString("$id")).toList());
        }
    }

    @Test
    void thePartitionsAndTheirDataSpreadOverAllThreeMasters() throws Exception {
        Map<Integer, Integer> nodeOfPartition = new TreeMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            nodeOfPartition.put(p, cluster.nodeOf("hg:{q" + p + "}:events").port());
        }
        assertThat(new HashSet<>(nodeOfPartition.values())).as("masters serving the %d partitions: %s", PARTITIONS,
            nodeOfPartition).hasSize(3);

        try (Receiver r = receiver()) {
            Gateway.ProjectClient onA = a.project(projectId("spread"));
            onA.webhook("spread", r.url("/spread"), "users.*.create");
            syncFeed(onA);
            int n = 45;
            for (int i = 0; i < n; i++) {
                send(onA, event("users.s" + i + ".create", "spread-" + i));
            }
            r.awaitCount(n, WAIT);
        }
        Map<String, List<String>> keys = cluster.keysPerNode("hg:*");
        for (RedisServer node : cluster.nodes()) {
            List<String> own = keys.get("127.0.0.1:" + node.port());
            assertThat(own).as("queue streams on node %d", node.port()).anyMatch(k -> k.matches("hg:\\{q\\d+}:events"));
            assertThat(own).as("delivery records on node %d", node.port()).anyMatch(k -> k.matches("hg:\\{q\\d+}:(dl|whl):.*"));
            for (String key : own) {
                if (key.startsWith("hg:{q")) {
                    int p = Integer.parseInt(key.substring("hg:{q".length(), key.indexOf('}')));
                    assertThat(nodeOfPartition.get(p)).as("node of %s", key).isEqualTo(node.port());
                }
            }
        }
        String projectTag = "hg:{p:";
        Map<String, Long> projectKeysPerNode = keys.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
            e -> e.getValue().stream().filter(k -> k.startsWith(projectTag) && k.contains("spread")).count()));
        assertThat(projectKeysPerNode.values().stream().filter(c -> c > 0).count())
            .as("a project's keys share one slot: %s", projectKeysPerNode).isEqualTo(1);
    }

    // ---------------------------------------------------------------- helpers

    private static Receiver receiver() throws Exception {
        return Receiver.start(vertx).await(10, TimeUnit.SECONDS);
    }

    private static String projectId(String prefix) {
        return prefix + "-" + SEQUENCE.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
    }

    private static Gateway.ProjectClient onB(Gateway.ProjectClient onA) {
        return new Gateway.ProjectClient(b, onA.projectId(), onA.key());
    }

    private static JsonObject event(String name, String marker) {
        return new JsonObject().put("event", name).put("payload", new JsonObject().put("n", marker));
    }

    private static Gateway.Reply send(Gateway.ProjectClient client, JsonObject event) {
        return client.send(event.encode()).expect(202);
    }

    private static Gateway.Reply sendWithKey(Gateway.ProjectClient client, String key, String body) {
        return client.gateway().call("POST", "/events", body, "X-Appwrite-Project", client.projectId(),
            "X-Appwrite-Key", client.key(), "Idempotency-Key", key).expect(202);
    }

    private static List<String> ids(Gateway.Reply accepted) {
        return accepted.json().getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("$id")).toList();
    }

    private static void expect(Map<String, List<String>> expected, String marker, String... paths) {
        for (String p : paths) {
            expected.computeIfAbsent(p, x -> new ArrayList<>()).add(marker);
        }
    }

    /**
     * A barrier on the change feed: the client's gateway creates one more key of the project, and
     * this waits until the other replica accepts it. The other replica reads each change back from
     * Redis as it arrives, in publication order, so it then knows every webhook change made before.
     */
    private static void syncFeed(Gateway.ProjectClient client) {
        Gateway other = client.gateway() == a ? b : a;
        String key = client.gateway().key(client.projectId(), "webhooks.read");
        Await.until("the other replica applied the changes of project " + client.projectId(), WAIT,
            () -> other.call("GET", "/webhooks", null, "X-Appwrite-Project", client.projectId(), "X-Appwrite-Key", key)
                .status() == 200);
    }

    /** Waits until {@code n} requests reached {@code path}; answers their markers. */
    private static List<String> awaitMarkers(Receiver r, String path, int n) {
        return Await.until(n + " deliveries at " + path, WAIT, () -> {
            List<String> markers = r.requests().stream().filter(x -> x.path().equals(path))
                .map(x -> x.bodyJson().getString("n")).toList();
            return markers.size() >= n ? markers : null;
        });
    }

    /** Every page of a webhook's deliveries, following {@code nextCursor}. */
    private static List<JsonObject> pages(Gateway.ProjectClient client, String webhookId, String status, int limit) {
        List<JsonObject> all = new ArrayList<>();
        Map<String, Integer> seenCursors = new HashMap<>();
        String cursor = "";
        for (int page = 0; page < 1000; page++) {
            String query = "?limit=" + limit + (status == null ? "" : "&status=" + status)
                + (cursor.isEmpty() ? "" : "&cursor=" + cursor);
            JsonObject body = client.call("GET", "/webhooks/" + webhookId + "/deliveries" + query, null).expect(200).json();
            JsonArray items = body.getJsonArray("deliveries");
            assertThat(items.size()).isLessThanOrEqualTo(limit);
            items.forEach(x -> all.add((JsonObject) x));
            cursor = body.getString("nextCursor");
            if (cursor.isEmpty()) {
                return all;
            }
            assertThat(seenCursors.put(cursor, page)).as("cursor %s repeats", cursor).isNull();
        }
        throw new AssertionError("more than 1000 pages");
    }
}
