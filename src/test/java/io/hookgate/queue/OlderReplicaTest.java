package io.hookgate.queue;

import static io.hookgate.queue.QueueFixture.WAIT;
import static io.hookgate.queue.QueueFixture.event;
import static io.hookgate.queue.QueueFixture.projectId;
import static io.hookgate.queue.QueueFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.hookgate.redis.QueueKeys;
import io.hookgate.redis.RecordLayout;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.ClassVertx;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.LogCapture;
import io.hookgate.testsupport.Prometheus;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RedisServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rolling update from a version before recordLayout 4: while a replica that says nothing of the layouts
 * it reads (every version before this check) reads the events stream, a replica configured for the newest
 * layout writes layout 1, which every version reads (a packed events-stream entry would be dropped by an old
 * replica); once that replica is gone, the newest layout again. Shown in the log and in hookgate_record_layout.
 */
class OlderReplicaTest {
    @RegisterExtension
    static final ClassVertx VERTX = new ClassVertx();

    @Test
    void writesWhatAnOlderReplicaReadsUntilItIsGone() {
        try (RedisServer redis = RedisServer.start();
             LogCapture log = LogCapture.attach("io.hookgate", Level.INFO).quiet()) {
            // An older replica, already running.
            redis.command("XGROUP", "CREATE", QueueKeys.events(0), QueueKeys.FANOUT_GROUP, "$", "MKSTREAM");
            olderReplicaReads(redis, "hookgate-old-0");
            try (Gateway gw = Gateway.start(redis.url());
                 Receiver r = QueueFixture.receiver(VERTX.get())) {
                assertThat(Prometheus.scrape(gw.managementPort()).value("hookgate_record_layout"))
                    .as("from the start, before any event").isEqualTo(1);
                assertThat(log.lines()).anyMatch(l -> l.contains("[hookgate-old-0]") && l.contains("writing layout 1"));
                Gateway.ProjectClient p = gw.project(projectId("older"));
                p.webhook("w", r.url("/w"), "users.*.create");
                send(p, event("users.u1.create", "m1"));
                r.awaitCount(1, WAIT);
                String key = Await.until("the record, a key of its own", WAIT,
                    () -> redis.keys("hg:{q0}:dl:*").stream().findFirst().orElse(null));
                assertThat(redis.command("GET", key)).as("layout 1: a JSON object for its header")
                    .startsWith("delivered|1|").contains("|{\"");
                assertThat(redis.keys("hg:{q0}:whl:*")).as("no archive an older replica would not read").isEmpty();

                // The older replica goes (its last pod stopped): its consumer leaves the group.
                redis.command("XGROUP", "DELCONSUMER", QueueKeys.events(0), QueueKeys.FANOUT_GROUP, "hookgate-old-0");
                Await.until("the newest layout again within a few seconds", Duration.ofSeconds(15),
                    () -> Prometheus.scrape(gw.managementPort()).value("hookgate_record_layout") == RecordLayout.NEWEST);
                assertThat(log.lines()).anyMatch(l -> l.contains("writing layout " + RecordLayout.NEWEST + " again"));
                send(p, event("users.u2.create", "m2"));
                r.awaitCount(2, WAIT);
                List<?> items = Await.until("the second record, an archive's item", WAIT, () -> {
                    List<?> l = (List<?>) redis.call("LRANGE", "hg:{q0}:whl:" + p.projectId() + ":w", "0", "-1");
                    return l.isEmpty() ? null : l;
                });
                assertThat(items).singleElement().asString().as("layout 4 and up: the record in the item")
                    .satisfies(i -> assertThat(i.split(":", 3)).hasSize(3));
            }
        }
    }

    @Test
    void anOlderReplicaThatJoinsLaterIsSeenWithinSeconds() {
        try (RedisServer redis = RedisServer.start();
             LogCapture log = LogCapture.attach("io.hookgate", Level.INFO).quiet();
             Gateway gw = Gateway.start(redis.url())) {
            assertThat(Prometheus.scrape(gw.managementPort()).value("hookgate_record_layout")).isEqualTo(RecordLayout.NEWEST);

            olderReplicaReads(redis, "hookgate-old-1");

            Await.until("layout 1 within a few seconds", Duration.ofSeconds(15),
                () -> Prometheus.scrape(gw.managementPort()).value("hookgate_record_layout") == 1);
            assertThat(log.lines()).anyMatch(l -> l.contains("[hookgate-old-1]") && l.contains("writing layout 1"));
        }
    }

    /**
     * An older replica's fan-out, as Redis sees it: a consumer of the events' group, under its replica ID,
     * that has just read (made here without reading: the gateway's blocked read would take any entry added).
     */
    private static void olderReplicaReads(RedisServer redis, String replicaId) {
        assertThat(redis.command("XGROUP", "CREATECONSUMER", QueueKeys.events(0), QueueKeys.FANOUT_GROUP, replicaId))
            .isEqualTo("1");
    }
}
