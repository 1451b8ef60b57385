package io.hookgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.redis.RedisKeys;
import io.hookgate.signing.Hashing;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.hookgate.testsupport.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two replicas on one Redis: a change made through one is followed by the other's match index
 * (pub/sub), including after the other lost its subscription and reloaded everything, and is in the
 * other's list pages at once.
 */
class ReplicaIndexTest {
    private static RedisServer redis;
    private static Gateway a;
    private static Gateway b;
    private static Vertx vertx;
    private static Receiver receiver;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        a = Gateway.start(redis.url());
        b = Gateway.start(redis.url());
        vertx = Vertx.vertx();
        receiver = Receiver.start(vertx).await();
    }

    @AfterAll
    static void stop() {
        receiver.close();
        vertx.close().await();
        b.close();
        a.close();
        redis.close();
    }

    @Test
    void webhookCreatedUpdatedAndDeletedOnOneReplicaIsFollowedByTheOther() {
        Gateway.ProjectClient onA = a.project("replicas");
        Gateway.ProjectClient onB = new Gateway.ProjectClient(b, onA.projectId(), onA.key());
        onA.webhook("hook", receiver.url("/r"), "users.*.create");

        // Replica B has never been asked about this webhook: only the change feed told it.
        String id = sendUntilDelivered(onB, "users.u1.create");
        assertThat(id).isNotEmpty();

        onA.call("PUT", "/webhooks/hook", new JsonObject().put("name", "hook").put("url", receiver.url("/r2"))
            .put("events", new JsonArray(List.of("users.*.delete"))).encode()).expect(200);
        receiver.clearRequests();
        String deleteEvent = sendUntilDelivered(onB, "users.u2.delete");
        RecordedRequest r = receiver.requests().stream()
            .filter(x -> x.header("X-Appwrite-Webhook-Events").startsWith("users.u2.delete")).findFirst().orElseThrow();
        assertThat(r.path()).isEqualTo("/r2");
        assertThat(deleteEvent).isNotEmpty();

        onA.call("DELETE", "/webhooks/hook", null).expect(204);
        // A later webhook in another project is the sentinel: once it is delivered through B, B has
        // applied the deletion published before it.
        Gateway.ProjectClient other = a.project("replicas-sentinel");
        other.webhook("sentinel", receiver.url("/sentinel"), "users.*.create");
        receiver.clearRequests();
        onB.send(event("users.u3.create")).expect(202);
        new Gateway.ProjectClient(b, other.projectId(), other.key()).send(event("users.s1.create")).expect(202);
        receiver.awaitCount(1, Duration.ofSeconds(10));
        assertThat(receiver.assertCountStays(1, Duration.ofMillis(500)))
            .extracting(RecordedRequest::path).containsExactly("/sentinel");
    }

    @Test
    void aReplicaThatLostItsSubscriptionReloadsEverything() {
        Gateway.ProjectClient onA = a.project("reload");
        Gateway.ProjectClient onB = new Gateway.ProjectClient(b, onA.projectId(), onA.key());
        // Cut every pub/sub connection; changes made before the replicas resubscribe are only
        // seen through the full reload that follows each reconnection.
        redis.command("CLIENT", "KILL", "TYPE", "pubsub");
        onA.webhook("late", receiver.url("/late"), "users.*.update");
        receiver.clearRequests();
        String id = sendUntilDelivered(onB, "users.u9.update");
        assertThat(receiver.requests()).extracting(RecordedRequest::path).contains("/late");
        assertThat(id).isNotEmpty();
    }

    /**
     * A list page comes from the replica's own index: a webhook created, renamed or deleted through the other
     * replica just before is in it (or not) at once, as a cursor on it finds it, like a fan-out after it.
     */
    @Test
    void aListThroughTheOtherReplicaSeesAWriteAtOnce() {
        Gateway.ProjectClient onA = a.project("listing");
        Gateway.ProjectClient onB = new Gateway.ProjectClient(b, onA.projectId(), onA.key());
        onA.webhook("first", receiver.url("/l"), "users.*.create");
        assertThat(listIds(onB)).containsExactly("first");

        for (int i = 0; i < 20; i++) {
            String id = "n" + i;
            onA.webhook(id, receiver.url("/l"), "users.*.create");
            String afterIt = "?queries%5B0%5D=" + URLEncoder.encode("{\"method\":\"cursorAfter\",\"values\":"
                + "[\"" + id + "\"]}", StandardCharsets.UTF_8);
            assertThat(onB.call("GET", "/webhooks" + afterIt, null).expect(200).json().getInteger("total"))
                .as("cursor on %s, created through the other replica just before", id).isEqualTo(i + 2);
        }
        onA.call("PUT", "/webhooks/first", new JsonObject().put("name", "renamed").put("url", receiver.url("/l"))
            .put("events", new JsonArray(List.of("users.*.create"))).encode()).expect(200);
        assertThat(onB.call("GET", "/webhooks/first", null).expect(200).json().getString("name")).isEqualTo("renamed");
        assertThat(onB.call("GET", "/webhooks?queries%5B0%5D=" + URLEncoder.encode(
            "{\"method\":\"equal\",\"attribute\":\"name\",\"values\":[\"renamed\"]}",
            StandardCharsets.UTF_8), null).expect(200).json().getInteger("total")).isEqualTo(1);
        onA.call("DELETE", "/webhooks/first", null).expect(204);
        assertThat(listIds(onB)).hasSize(20).doesNotContain("first");
    }

    /**
     * A key in Redis that a replica's index does not have (its change message not there yet, or overwritten by
     * a project reload that had read the keys before it) is looked up in Redis before the key is refused.
     */
    @Test
    void aKeyTheIndexMissesIsLookedUpInRedisBeforeARefusal() {
        Gateway.ProjectClient onA = a.project("keys");
        onA.call("GET", "/webhooks", null).expect(200);
        new Gateway.ProjectClient(b, onA.projectId(), onA.key()).call("GET", "/webhooks", null).expect(200);
        String secret = "standard_" + "ab".repeat(64);
        long now = System.currentTimeMillis();
        // Written as KeyRepository writes a key, without the change message its script publishes.
        redis.command("HSET", RedisKeys.keys(onA.projectId()), "unannounced", new JsonObject().put("id", "unannounced")
            .put("name", "unannounced").put("scopes", new JsonArray().add("webhooks.read"))
            .put("hash", Hashing.sha256Hex(secret)).put("createdAt", now).put("updatedAt", now).encode());

        for (Gateway replica : List.of(a, b)) {
            new Gateway.ProjectClient(replica, onA.projectId(), secret).call("GET", "/webhooks", null).expect(200);
            new Gateway.ProjectClient(replica, onA.projectId(), "standard_" + "cd".repeat(64))
                .call("GET", "/webhooks", null).expect(401);
        }
    }

    private static List<String> listIds(Gateway.ProjectClient client) {
        return client.call("GET", "/webhooks", null).expect(200).json().getJsonArray("webhooks").stream()
            .map(w -> ((JsonObject) w).getString("$id")).toList();
    }

    /** Sends the event through the given replica until one delivery of it arrives; answers the event ID. */
    private static String sendUntilDelivered(Gateway.ProjectClient client, String eventName) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            String id = client.send(event(eventName)).expect(202).json().getJsonArray("events").getJsonObject(0)
                .getString("$id");
            try {
                receiver.awaitCount(receiver.count() + 1, Duration.ofMillis(500));
                return id;
            } catch (AssertionError notYet) {
                // the replica's index may lag by a few milliseconds: send again
            }
        }
        throw new AssertionError("no delivery of " + eventName + " within 10 s; got " + receiver.requests());
    }

    private static String event(String name) {
        return new JsonObject().put("event", name).put("payload", new JsonObject().put("n", name)).encode();
    }
}
