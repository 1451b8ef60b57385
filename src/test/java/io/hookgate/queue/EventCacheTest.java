package io.hookgate.queue;

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
        return new EventRecord(id, "p", "users.u1.create", "", new byte[1_000], 0, "");
    }

    @Test
    void theOldestGoFirstOnceTheBytesAreReached() {
        EventCache cache = new EventCache(WEIGHT * 2);
        for (int i = 0; i < 4; i++) {
            cache.put(event("e" + i), EXPANSION);
        }
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get("e0")).isNull();
        assertThat(cache.get("e1")).isNull();
        assertThat(cache.get("e3").eventsHeader()).isEqualTo("users.u1.create");
    }

    @Test
    void aRepeatedIdReplacesItsEntryAndIsWeighedOnce() {
        EventCache cache = new EventCache(WEIGHT * 2);
        cache.put(event("e0"), EXPANSION);
        cache.put(event("e0"), EXPANSION);
        cache.put(event("e1"), EXPANSION);
        assertThat(cache.size()).as("two entries fit once e0 is counted once").isEqualTo(2);
        assertThat(cache.get("e0")).isNotNull();
    }
}
