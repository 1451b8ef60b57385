package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.redis.QueueKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code lua/ingest.lua}: events become entries of the events stream; a repeated idempotency key stores nothing. */
class IngestScriptTest extends ScriptHarness {
    private static final long WINDOW = 600;

    /** The 7 values of an event. */
    private static List<Object> event(String id, String idempotencyKey) {
        return List.of(id, "users." + id + ".create", "user-1", 1700000000123L, "{\"id\":\"" + id + "\"}",
            idempotencyKey, "req-" + id);
    }

    @SafeVarargs
    private static Object ingest(String projectId, List<Object>... events) {
        return ingestAs(0, projectId, events);
    }

    /** packed 1: the entry's fields in one (recordLayout 4). */
    @SafeVarargs
    private static Object ingestAs(int packed, String projectId, List<Object>... events) {
        List<Object> args = new ArrayList<>(List.of(WINDOW, projectId, packed));
        for (List<Object> e : events) {
            args.addAll(e);
        }
        return run("ingest", List.of(EVENTS), args);
    }

    private static String idempotency(String projectId, String key) {
        return QueueKeys.tag(0) + "idem:" + projectId + ":" + key;
    }

    @Test
    void packedTheEventsFieldsAreOneAndThePayloadAnother() {
        assertThat(ingestAs(1, PR, event("e1", ""), event("e2", "key-2"))).isEqualTo(List.of("e1", 1L, "e2", 1L));

        assertThat(entryFields(EVENTS)).containsExactly(
            Map.of("e", "e1|" + PR + "|users.e1.create|1700000000123|user-1|req-e1", "pl", "{\"id\":\"e1\"}"),
            Map.of("e", "e2|" + PR + "|users.e2.create|1700000000123|user-1|req-e2", "pl", "{\"id\":\"e2\"}"));
        assertThat(ingestAs(1, PR, event("e3", "key-2"))).as("a repeat").isEqualTo(List.of("e2", 0L));
    }

    @Test
    void eachEventBecomesAnEntryOfTheEventsStream() {
        assertThat(ingest(PR, event("e1", ""), event("e2", ""))).isEqualTo(List.of("e1", 1L, "e2", 1L));

        assertThat(entryFields(EVENTS)).containsExactly(
            Map.of("id", "e1", "pr", PR, "nm", "users.e1.create", "us", "user-1", "at", "1700000000123",
                "pl", "{\"id\":\"e1\"}", "rq", "req-e1"),
            Map.of("id", "e2", "pr", PR, "nm", "users.e2.create", "us", "user-1", "at", "1700000000123",
                "pl", "{\"id\":\"e2\"}", "rq", "req-e2"));
        assertThat(entries(EVENTS).get(0).fields().keySet()).containsExactly("id", "pr", "nm", "us", "at", "pl", "rq");
        assertThat(redis.keys("*idem*")).isEmpty();
    }

    @Test
    void aRepeatedIdempotencyKeyAnswersTheFirstIdAndStoresNothing() {
        assertThat(ingest(PR, event("e1", "key-1"))).isEqualTo(List.of("e1", 1L));
        assertThat(redis.command("GET", idempotency(PR, "key-1"))).isEqualTo("e1");
        assertThat(ttl(idempotency(PR, "key-1"))).isBetween(WINDOW - 1, WINDOW);

        assertThat(ingest(PR, event("e2", "key-1"))).isEqualTo(List.of("e1", 0L));

        assertThat(entryFields(EVENTS)).extracting(f -> f.get("id")).containsExactly("e1");
        assertThat(redis.command("GET", idempotency(PR, "key-1"))).isEqualTo("e1");
    }

    @Test
    void aRepeatRewritesItsKeyUnchangedSoThatAWaitAfterItCoversTheFirstEvent() {
        ingest(PR, event("e1", "key-1"));
        redis.command("EXPIRE", idempotency(PR, "key-1"), "500");
        long writesBefore = writes();

        assertThat(ingest(PR, event("e2", "key-1"))).isEqualTo(List.of("e1", 0L));

        assertThat(writes()).as("the repeat is a write of its own (WAIT waits for this connection's writes)")
            .isGreaterThan(writesBefore);
        assertThat(redis.command("GET", idempotency(PR, "key-1"))).isEqualTo("e1");
        assertThat(ttl(idempotency(PR, "key-1"))).as("the window is not extended").isBetween(499L, 500L);
    }

    /** Writes since the last save ({@code rdb_changes_since_last_save}): what Redis counts as changes. */
    private static long writes() {
        return redis.command("INFO", "persistence").lines().filter(l -> l.startsWith("rdb_changes_since_last_save:"))
            .map(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).trim())).findFirst().orElseThrow();
    }

    @Test
    void aKeyRepeatedWithinOneCallIsARepeatToo() {
        assertThat(ingest(PR, event("e1", "key-1"), event("e2", "key-1"), event("e3", "")))
            .isEqualTo(List.of("e1", 1L, "e1", 0L, "e3", 1L));

        assertThat(entryFields(EVENTS)).extracting(f -> f.get("id")).containsExactly("e1", "e3");
    }

    @Test
    void idempotencyKeysBelongToTheirProject() {
        ingest(PR, event("e1", "key-1"));

        assertThat(ingest(OTHER_PR, event("e2", "key-1"))).isEqualTo(List.of("e2", 1L));

        assertThat(entryFields(EVENTS)).extracting(f -> f.get("pr")).containsExactly(PR, OTHER_PR);
        assertThat(redis.command("GET", idempotency(OTHER_PR, "key-1"))).isEqualTo("e2");
    }
}
