package io.hookgate.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.model.EventRecord;
import io.hookgate.testsupport.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The events stream's entries follow the {@link RecordLayout} written now, not the configured one: packed
 * in one field ({@code e}) at layout 4, each field its own while a replica of an older version runs (it
 * would drop a packed entry), against a real Redis.
 */
class EventQueueLayoutTest {

    @Test
    void entriesArePackedOnlyWhileTheLayoutWrittenIsFour() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (RedisServer redis = RedisServer.start()) {
            RecordLayout layout = new RecordLayout(4);
            EventQueue queue = new EventQueue(Redis.createClient(vertx, redis.url()), 1, "c", 3600, 1000, layout, 86_400,
                0, 1000);
            queue.ensureGroups().await(10, TimeUnit.SECONDS);

            ingest(queue, "ev-1");
            layout.limitTo(1);
            ingest(queue, "ev-2");
            layout.limitTo(RecordLayout.NEWEST);
            ingest(queue, "ev-3");

            List<List<String>> names = new ArrayList<>();
            for (Object entry : (List<?>) redis.call("XRANGE", QueueKeys.events(0), "-", "+")) {
                List<?> fields = (List<?>) ((List<?>) entry).get(1);
                List<String> n = new ArrayList<>();
                for (int i = 0; i < fields.size(); i += 2) {
                    n.add((String) fields.get(i));
                }
                names.add(n);
            }
            assertThat(names).hasSize(3);
            assertThat(names.get(0)).containsExactly("e", "pl");
            assertThat(names.get(1)).as("layout 1: the fields each their own").doesNotContain("e")
                .contains("id", "pr", "nm", "at", "pl");
            assertThat(names.get(2)).containsExactly("e", "pl");
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static void ingest(EventQueue queue, String id) throws Exception {
        EventRecord e = new EventRecord(id, "p1", "users.u1.create", "", "{}".getBytes(StandardCharsets.UTF_8),
            System.currentTimeMillis(), "rq-" + id);
        queue.ingest("p1", List.of(new EventQueue.NewEvent(e, ""))).await(10, TimeUnit.SECONDS);
    }
}
