package io.hookgate.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Bounded;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.hookgate.testsupport.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code redisMode=sentinel} against a real Sentinel watching a master and its replica: the gateway
 * finds the master through the sentinel, delivers, and after the master is killed and the sentinel
 * promotes the replica, goes on accepting and delivering on the new master, where its change feed
 * also follows (a webhook created after the switch is matched).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SentinelTest {
    private static final String MASTER_NAME = "hookgate-master";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void deliversThroughTheSentinelsMasterAndFollowsAFailover() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (RedisServer master = RedisServer.start();
             RedisServer replica = RedisServer.start(RedisServer.Options.defaults()
                 .withExtraArgs("--replicaof", "127.0.0.1", Integer.toString(master.port())));
             RedisServer sentinel = RedisServer.startSentinel(MASTER_NAME, master, Duration.ofMillis(1_000));
             Gateway gateway = Bounded.call("gateway start", Duration.ofSeconds(60),
                 () -> Gateway.start("redis://127.0.0.1:" + sentinel.port(), Map.of(
                     ConfigKey.REDIS_MODE, "sentinel",
                     ConfigKey.REDIS_MASTER_NAME, MASTER_NAME)));
             Receiver receiver = Receiver.start(vertx).await(10, TimeUnit.SECONDS)) {
            Await.until("the replica in sync", WAIT,
                () -> replica.command("INFO", "replication").contains("master_link_status:up"));
            Gateway.ProjectClient project = gateway.project("sentinel");
            project.webhook("hook", receiver.url("/hook"), "users.*.create");
            project.send(event("before")).expect(202);
            Await.until("'before' delivered", WAIT, () -> markers(receiver, "/hook").contains("before"));
            assertThat(master.keys("hg:*")).as("the gateway writes to the master the sentinel names").isNotEmpty();

            // Everything written so far is on the replica before the master goes (replication is asynchronous).
            Await.until("the replica caught up", WAIT, () -> offset(replica, "slave_repl_offset")
                >= offset(master, "master_repl_offset"));
            master.kill();
            Await.until("the sentinel names the replica", WAIT, () -> String.valueOf(
                sentinel.call("SENTINEL", "get-master-addr-by-name", MASTER_NAME)).contains(Integer.toString(replica.port())));

            // While the gateway's connections move over, the API may answer 5xx: send until accepted.
            Await.until("'after' accepted", WAIT, () -> project.send(event("after")).status() == 202);
            Await.until("'after' delivered", WAIT, () -> markers(receiver, "/hook").contains("after"));
            project.webhook("late", receiver.url("/late"), "users.*.create");
            project.send(event("late")).expect(202);
            Await.until("'late' delivered to the webhook created on the new master", WAIT,
                () -> markers(receiver, "/late").contains("late"));
            assertThat(replica.command("ROLE")).as("the replica was promoted").startsWith("[master,");
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static String event(String marker) {
        return new JsonObject().put("event", "users.u1.create").put("payload", new JsonObject().put("m", marker))
            .encode();
    }

    private static List<String> markers(Receiver receiver, String path) {
        return receiver.requests().stream().filter(r -> r.path().equals(path))
            .map(RecordedRequest::bodyJson).map(j -> j.getString("m")).toList();
    }

    private static long offset(RedisServer server, String field) {
        for (String line : server.command("INFO", "replication").split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim());
            }
        }
        return -1;
    }
}
