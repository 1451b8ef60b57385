package io.hookgate.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.events.ExpansionCache;
import io.hookgate.model.EventRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventCacheTest {
    /** Each entry weighs its payload + 256 + twice the events header's length (15 chars here). */
    private static final long WEIGHT = 1_000 + 256 + 30;

    private static final ExpansionCache.Expansion EXPANSION = new ExpansionCache.Expansion(List.of("users.u1.create"),
        "users.u1.create");

    private static EventRecord event(String id) {
        return event("p", id, new byte[1_000]);
    }

    private static EventRecord event(String projectId, String id, byte[] payload) {
        return new EventRecord(id, projectId, "users.u1.create", "", payload, 0, "");
    }

    @Test
    void theOldestGoFirstOnceTheBytesAreReached() {
        EventCache cache = new EventCache(WEIGHT * 2);
        for (int i = 0; i < 4; i++) {
            cache.put(event("e" + i), EXPANSION);
        }
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get("p", "e0")).isNull();
        assertThat(cache.get("p", "e1")).isNull();
        assertThat(cache.get("p", "e3").eventsHeader()).isEqualTo("users.u1.create");
    }

    @Test
    void aRepeatedIdReplacesItsEntryAndIsWeighedOnce() {
        EventCache cache = new EventCache(WEIGHT * 2);
        cache.put(event("e0"), EXPANSION);
        cache.put(event("e0"), EXPANSION);
        cache.put(event("e1"), EXPANSION);
        assertThat(cache.size()).as("two entries fit once e0 is counted once").isEqualTo(2);
        assertThat(cache.get("p", "e0")).isNotNull();
    }

    @Test
    void twoProjectsWithTheSameEventIdHaveAnEntryEach() {
        EventCache cache = new EventCache(WEIGHT * 4);
        cache.put(event("a", "same", "{\"of\":\"a\"}".getBytes()), EXPANSION);
        cache.put(event("b", "same", "{\"of\":\"b\"}".getBytes()), EXPANSION);
        assertThat(cache.size()).isEqualTo(2);
        assertThat(new String(cache.get("a", "same").event().payload())).isEqualTo("{\"of\":\"a\"}");
        assertThat(new String(cache.get("b", "same").event().payload())).isEqualTo("{\"of\":\"b\"}");
        assertThat(cache.get("c", "same")).isNull();
    }
}
