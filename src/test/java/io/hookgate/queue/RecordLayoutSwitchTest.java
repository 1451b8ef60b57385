package io.hookgate.queue;

import static io.hookgate.queue.QueueFixture.WAIT;
import static io.hookgate.queue.QueueFixture.deliveries;
import static io.hookgate.queue.QueueFixture.delivery;
import static io.hookgate.queue.QueueFixture.event;
import static io.hookgate.queue.QueueFixture.projectId;
import static io.hookgate.queue.QueueFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.ClassVertx;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RedisServer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Switching {@code recordLayout} from 3 to 4 is a rolling restart: for a while replicas of both run on
 * one Redis, each reading the events the other ingested (layout 4 packs an entry's fields) and appending
 * to the same webhook archives (layout 3 a hash field and an "at:id" item, layout 4 the record in the
 * item). Every event is delivered once, and the API of either replica shows every delivery, listed in
 * creation order and read one by one.
 */
class RecordLayoutSwitchTest {
    private static final int EVENTS = 40;

    @RegisterExtension
    static final ClassVertx VERTX = new ClassVertx();
    private RedisServer redis;
    private Gateway three;
    private Gateway four;

    @AfterEach
    void stop() {
        try {
            for (Gateway g : new Gateway[] {three, four}) {
                if (g != null) {
                    g.close();
                }
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    @Test
    void replicasOfLayouts3And4DeliverEveryEventOnceAndShowEveryDelivery() {
        redis = RedisServer.start();
        three = Gateway.start(redis.url(), Map.of(ConfigKey.RECORD_LAYOUT, "3"));
        four = Gateway.start(redis.url(), Map.of(ConfigKey.RECORD_LAYOUT, "4"));
        Gateway.ProjectClient viaThree = three.project(projectId("switch"));
        Gateway.ProjectClient viaFour = new Gateway.ProjectClient(four, viaThree.projectId(), viaThree.key());
        try (Receiver r = QueueFixture.receiver(VERTX.get())) {
            viaThree.webhook("mix", r.url("/mix"), "users.*.create");
            Await.until("the webhook known to both", WAIT, () -> viaFour.call("GET", "/webhooks/mix", null).status() == 200
                ? true : null);
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                sent.add(send(i % 2 == 0 ? viaThree : viaFour, event("users.u" + i + ".create", "m" + i)));
            }
            r.awaitCount(EVENTS, WAIT);
            Await.until("every delivery recorded", WAIT, () -> deliveries(viaFour, "mix", "delivered").size() == EVENTS
                ? true : null);

            assertThat(r.requests()).extracting(QueueFixture::marker).as("each event once")
                .doesNotHaveDuplicates().hasSize(EVENTS);
            String list = "hg:{q0}:whl:" + viaThree.projectId() + ":mix";
            List<String> items = ((List<?>) redis.call("LRANGE", list, "0", "-1")).stream().map(String.class::cast).toList();
            assertThat(items).as("the archive in creation order, then ID, whichever replica appended")
                .isSortedAccordingTo(Comparator.comparingLong((String x) -> Long.parseLong(x.split(":", 3)[0]))
                    .thenComparing(x -> x.split(":", 3)[1]));
            // Both replicas read the events stream (Redis hands each entry to the reader blocked longest): both kinds.
            assertThat(items).as("layout 4's items, holding their record").anyMatch(x -> x.split(":", 3).length == 3)
                .as("layout 3's items").anyMatch(x -> x.split(":", 3).length == 2);
            for (Gateway.ProjectClient p : List.of(viaThree, viaFour)) {
                List<JsonObject> listed = deliveries(p, "mix", null);
                assertThat(listed).extracting(d -> d.getString("eventId")).as("listed once each")
                    .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sent);
                assertThat(listed).extracting(d -> d.getString("$createdAt")).as("newest first")
                    .isSortedAccordingTo(Comparator.reverseOrder());
                for (JsonObject d : listed) {
                    JsonObject one = delivery(p, "mix", d.getString("$id"));
                    assertThat(one.getString("eventId")).isEqualTo(d.getString("eventId"));
                    assertThat(one.getJsonObject("payload").getString("n"))
                        .isEqualTo("m" + sent.indexOf(d.getString("eventId")));
                }
            }
        }
    }
}
