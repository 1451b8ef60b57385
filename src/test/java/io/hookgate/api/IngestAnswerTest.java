package io.hookgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.model.EventRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ingest's 202 body, written by hand ({@link EventRoutes#answer}), is the JSON the API documents. */
class IngestAnswerTest {

    private static EventRecord event(String name) {
        return new EventRecord("ignored", "p1", name, "", new byte[0], 1L, "rq");
    }

    /** What the answer was before it was written by hand: the same fields through JsonObject. */
    private static String throughJsonObject(List<String> ids, List<EventRecord> events, List<List<String>> expansions) {
        JsonArray answer = new JsonArray();
        for (int i = 0; i < events.size(); i++) {
            answer.add(new JsonObject().put("$id", ids.get(i)).put("event", events.get(i).name())
                .put("expansion", new JsonArray(expansions.get(i))));
        }
        return new JsonObject().put("total", events.size()).put("events", answer).encode();
    }

    @Test
    void oneEventIsTheSameTextAsJsonObjectWrites() {
        List<String> ids = List.of("65f0a1b2c3d4e5f6a7b8");
        List<EventRecord> events = List.of(event("users.u1.update"));
        List<List<String>> expansions = List.of(List.of("users.u1.update", "users.*.update", "users.u1", "users.*"));
        String text = EventRoutes.answer(ids, events, expansions);
        assertThat(text).isEqualTo(throughJsonObject(ids, events, expansions));
        JsonObject parsed = new JsonObject(text);
        assertThat(parsed.getInteger("total")).isEqualTo(1);
        assertThat(parsed.getJsonArray("events").getJsonObject(0).getJsonArray("expansion").getList())
            .containsExactly("users.u1.update", "users.*.update", "users.u1", "users.*");
    }

    @Test
    void aBatchWithValuesThatNeedEscapingReadsBackAsSent() {
        List<String> ids = List.of("a", "quote\"and\\back", "tab\tnew\nline\u0001", "caf\u00e9 \u2603");
        List<EventRecord> events = List.of(event("x.create"), event("y\"z"), event("\u00e9v\u00e9nement"),
            event("n"));
        List<List<String>> expansions = List.of(List.of(), List.of("one"), List.of("a\"b", "c\\d", "\u0007"),
            List.of("x", "y", "z"));
        String text = EventRoutes.answer(ids, events, expansions);
        assertThat(text).isEqualTo(throughJsonObject(ids, events, expansions));
        JsonArray parsed = new JsonObject(text).getJsonArray("events");
        assertThat(parsed).hasSize(4);
        for (int i = 0; i < 4; i++) {
            JsonObject e = parsed.getJsonObject(i);
            assertThat(e.fieldNames()).containsExactly("$id", "event", "expansion");
            assertThat(e.getString("$id")).isEqualTo(ids.get(i));
            assertThat(e.getString("event")).isEqualTo(events.get(i).name());
            assertThat(e.getJsonArray("expansion").getList()).isEqualTo(expansions.get(i));
        }
    }
}
