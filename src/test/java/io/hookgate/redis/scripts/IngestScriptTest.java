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

    /** The 3 values of an event of PR. */
    private static List<Object> event(String id, String idempotencyKey) {
        return event(PR, id, idempotencyKey);
    }

    /** The 3 values of an event: its fields packed as the entry's 'e' holds them, its payload, its key. */
    private static List<Object> event(String projectId, String id, String idempotencyKey) {
        return List.of(id + "|" + projectId + "|users." + id + ".create|1700000000123|user-1|req-" + id,
            "{\"id\":\"" + id + "\"}", idempotencyKey);
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
        assertThat(ingestAs(1, PR, event("e1", ""), event("e2", "key-2"))).as("no repeat").isEqualTo(List.of());

        assertThat(entryFields(EVENTS)).containsExactly(
            Map.of("e", "e1|" + PR + "|users.e1.create|1700000000123|user-1|req-e1", "pl", "{\"id\":\"e1\"}"),
            Map.of("e", "e2|" + PR + "|users.e2.create|1700000000123|user-1|req-e2", "pl", "{\"id\":\"e2\"}"));
        assertThat(ingestAs(1, PR, event("e3", "key-2"))).as("a repeat: its position, the first ID")
            .isEqualTo(List.of(1L, "e2"));
        assertThat(entryFields(EVENTS)).hasSize(2);
    }

    @Test
    void eachEventBecomesAnEntryOfTheEventsStream() {
        assertThat(ingest(PR, event("e1", ""), event("e2", ""))).isEqualTo(List.of());

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
        assertThat(ingest(PR, event("e1", "key-1"))).isEqualTo(List.of());
        assertThat(redis.command("GET", idempotency(PR, "key-1"))).isEqualTo("e1");
        assertThat(ttl(idempotency(PR, "key-1"))).isBetween(WINDOW - 1, WINDOW);

        assertThat(ingest(PR, event("e2", "key-1"))).isEqualTo(List.of(1L, "e1"));

        assertThat(entryFields(EVENTS)).extracting(f -> f.get("id")).containsExactly("e1");
        assertThat(redis.command("GET", idempotency(PR, "key-1"))).isEqualTo("e1");
    }

    @Test
    void aRepeatRewritesItsKeyUnchangedSoThatAWaitAfterItCoversTheFirstEvent() {
        ingest(PR, event("e1", "key-1"));
        redis.command("EXPIRE", idempotency(PR, "key-1"), "500");
        long writesBefore = writes();

        assertThat(ingest(PR, event("e2", "key-1"))).isEqualTo(List.of(1L, "e1"));

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
            .as("the second event repeats the first").isEqualTo(List.of(2L, "e1"));

        assertThat(entryFields(EVENTS)).extracting(f -> f.get("id")).containsExactly("e1", "e3");
    }

    @Test
    void idempotencyKeysBelongToTheirProject() {
        ingest(PR, event("e1", "key-1"));

        assertThat(ingest(OTHER_PR, event(OTHER_PR, "e2", "key-1"))).isEqualTo(List.of());

        assertThat(entryFields(EVENTS)).extracting(f -> f.get("pr")).containsExactly(PR, OTHER_PR);
        assertThat(redis.command("GET", idempotency(OTHER_PR, "key-1"))).isEqualTo("e2");
    }
}
