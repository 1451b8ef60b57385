package io.hookgate.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.model.EventRecord;
import io.hookgate.testsupport.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The events stream's entries follow the {@link RecordLayout} written now, not the configured one: packed
 * in one field ({@code e}) at layout 4, each field its own while a replica of an older version runs (it
 * would drop a packed entry), against a real Redis.
 */
class EventQueueLayoutTest {

    @Test
    void entriesArePackedOnlyWhileTheLayoutWrittenIsFourWithOrWithoutAnIdempotencyKey() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (RedisServer redis = RedisServer.start()) {
            RecordLayout layout = new RecordLayout(4);
            EventQueue queue = new EventQueue(Redis.createClient(vertx, redis.url()), 1, "c", 3600, 1000, layout, 86_400,
                0, 1000);
            queue.ensureGroups().await(10, TimeUnit.SECONDS);

            // Each layout by both ways in: an event with an idempotency key (the ingest script) and one without
            // (XADD in a MULTI/EXEC).
            ingest(queue, "ev-1", "k-1");
            ingest(queue, "ev-2", "");
            layout.limitTo(1);
            ingest(queue, "ev-3", "k-3");
            ingest(queue, "ev-4", "");
            layout.limitTo(RecordLayout.NEWEST);
            ingest(queue, "ev-5", "");

            List<Map<String, String>> entries = new ArrayList<>();
            for (Object entry : (List<?>) redis.call("XRANGE", QueueKeys.events(0), "-", "+")) {
                List<?> fields = (List<?>) ((List<?>) entry).get(1);
                Map<String, String> f = new LinkedHashMap<>();
                for (int i = 0; i < fields.size(); i += 2) {
                    f.put((String) fields.get(i), (String) fields.get(i + 1));
                }
                entries.add(f);
            }
            assertThat(entries).hasSize(5);
            for (int i : new int[] {0, 1, 4}) {
                String id = "ev-" + (i + 1);
                assertThat(entries.get(i)).as(id).containsExactly(
                    Map.entry("e", id + "|p1|users.u1.create|" + AT + "||rq-" + id), Map.entry("pl", "{}"));
            }
            for (int i : new int[] {2, 3}) {
                String id = "ev-" + (i + 1);
                assertThat(entries.get(i)).as("layout 1: the fields each their own, " + id).containsExactly(
                    Map.entry("id", id), Map.entry("pr", "p1"), Map.entry("nm", "users.u1.create"), Map.entry("us", ""),
                    Map.entry("at", Long.toString(AT)), Map.entry("pl", "{}"), Map.entry("rq", "rq-" + id));
            }
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static final long AT = 1_700_000_000_123L;

    private static void ingest(EventQueue queue, String id, String idempotencyKey) throws Exception {
        EventRecord e = new EventRecord(id, "p1", "users.u1.create", "", "{}".getBytes(StandardCharsets.UTF_8), AT,
            "rq-" + id);
        List<EventQueue.Ingested> ingested = queue.ingest("p1", List.of(new EventQueue.NewEvent(e, idempotencyKey)))
            .await(10, TimeUnit.SECONDS);
        assertThat(ingested).containsExactly(new EventQueue.Ingested(id, true));
    }
}
