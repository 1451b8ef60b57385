package io.hookgate.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.hookgate.testsupport.RedisServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Event IDs are the platform's {@code $id}s, unique within a project only. Two projects that send
 * the same {@code $id} must each get their own event everywhere: at their receivers (payload, user,
 * signature), in the deliveries API, and in Redis (one event hash each, with its own reference count).
 * Each event matches nine webhooks, more than the fan-out tries at once (firstTryMaxDeliveries, 8), so
 * its deliveries go through the deliveries stream and the replica's event cache, where the events of
 * several deliveries are kept.
 */
class CrossProjectEventIdTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int WEBHOOKS = 9;

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create();

    @Test
    void aSecondProjectWithTheSameIdGetsItsOwnEvent() throws Exception {
        collide("collide-b-first", "xb1", "xa1", true);
    }

    @Test
    void theFirstProjectKeepsItsEventWhenAnotherReusesTheId() throws Exception {
        collide("collide-a-first", "xb2", "xa2", false);
    }

    private void collide(String eventId, String projectB, String projectA, boolean bFirst) throws Exception {
        Gateway gateway = env.gateway();
        Gateway.ProjectClient a = gateway.project(projectA);
        Gateway.ProjectClient b = gateway.project(projectB);
        try (Receiver r = Receiver.start(env.vertx()).await(10, TimeUnit.SECONDS)) {
            for (Gateway.ProjectClient p : List.of(a, b)) {
                for (int i = 0; i < WEBHOOKS; i++) {
                    p.webhook("w" + i, r.url("/" + p.projectId() + "/w" + i), "teams.*.create");
                }
            }
            JsonObject forA = event(eventId, "userofa", "private data of A");
            JsonObject forB = event(eventId, "userofb", "forged by B");
            if (bFirst) {
                b.send(forB.encode()).expect(202);
                a.send(forA.encode()).expect(202);
            } else {
                a.send(forA.encode()).expect(202);
                b.send(forB.encode()).expect(202);
            }
            List<RecordedRequest> got = r.awaitCount(2 * WEBHOOKS, WAIT);
            for (RecordedRequest req : got) {
                boolean toA = req.path().startsWith("/" + projectA + "/");
                Gateway.ProjectClient owner = toA ? a : b;
                JsonObject sent = toA ? forA : forB;
                assertThat(req.header("X-Appwrite-Webhook-Project-Id")).as(req.path()).isEqualTo(owner.projectId());
                assertThat(req.bodyJson()).as("payload at %s", req.path()).isEqualTo(sent.getJsonObject("payload"));
                assertThat(req.header("X-Appwrite-Webhook-User-Id")).as("user at %s", req.path())
                    .isEqualTo(sent.getString("userId"));
                String webhookId = req.path().substring(req.path().lastIndexOf('/') + 1);
                JsonObject shown = owner.call("GET", "/webhooks/" + webhookId + "/deliveries/" + req.header("webhook-id"),
                    null).expect(200).json();
                assertThat(shown.getJsonObject("payload")).as("deliveries API of %s", req.path())
                    .isEqualTo(sent.getJsonObject("payload"));
            }

            // One event hash per project, each holding its own payload and counting its own records.
            RedisServer redis = env.redis();
            List<String> hashes = redis.keys("hg:{q0}:ev:*").stream().filter(k -> k.endsWith(":" + eventId)).toList();
            assertThat(hashes).as("event hashes of %s", eventId).hasSize(2);
            for (Gateway.ProjectClient p : List.of(a, b)) {
                String key = hashes.stream().filter(k -> k.contains(p.projectId())).findFirst().orElseThrow();
                JsonObject sent = p == a ? forA : forB;
                assertThat(redis.command("HGET", key, "pr")).isEqualTo(p.projectId());
                assertThat(new JsonObject(redis.command("HGET", key, "pl"))).isEqualTo(sent.getJsonObject("payload"));
                assertThat(redis.command("HGET", key, "refs")).as("references of %s", key)
                    .isEqualTo(Integer.toString(WEBHOOKS));
            }
        }
    }

    private static JsonObject event(String id, String userId, String secret) {
        return new JsonObject().put("event", "teams.t2.create").put("$id", id).put("userId", userId)
            .put("payload", new JsonObject().put("data", secret));
    }
}
