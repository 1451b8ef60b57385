package io.hookgate.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExpansionCacheTest {
    private static final EventCatalogue CATALOGUE = EventCatalogue.load();

    @Test
    void aNameIsExpandedAsTheCatalogueDoesAndJoinedForTheHeader() {
        ExpansionCache cache = new ExpansionCache(CATALOGUE, 10);
        String name = "databases.db1.collections.c1.documents.d1.update";
        ExpansionCache.Expansion e = cache.of(name);
        assertThat(e.names()).isEqualTo(CATALOGUE.expand(name));
        assertThat(e.header()).isEqualTo(String.join(",", CATALOGUE.expand(name)));
        assertThat(cache.of(name)).as("kept").isSameAs(e);
    }

    @Test
    void anExpansionGivenByTheApiIsKeptAndAnEarlierOneWins() {
        ExpansionCache cache = new ExpansionCache(CATALOGUE, 10);
        ExpansionCache.Expansion given = cache.put("users.u1.create", CATALOGUE.expand("users.u1.create"));
        assertThat(cache.put("users.u1.create", List.of("other"))).isSameAs(given);
        assertThat(cache.of("users.u1.create")).isSameAs(given);
    }

    @Test
    void itStartsAfreshWhenFullAndNeverHoldsMoreThanItsBound() {
        ExpansionCache cache = new ExpansionCache(CATALOGUE, 3);
        for (int i = 0; i < 3; i++) {
            cache.of("users.u" + i + ".create");
        }
        assertThat(cache.size()).isEqualTo(3);
        ExpansionCache.Expansion fourth = cache.of("users.u3.create");
        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.of("users.u3.create")).isSameAs(fourth);
        assertThat(cache.of("users.u0.create").names()).isEqualTo(CATALOGUE.expand("users.u0.create"));
    }

    @Test
    void anInvalidNameIsRefusedAndNotKept() {
        ExpansionCache cache = new ExpansionCache(CATALOGUE, 10);
        assertThatThrownBy(() -> cache.of("users.u1.explode")).isInstanceOf(InvalidEventException.class);
        assertThat(cache.size()).isZero();
    }
}
