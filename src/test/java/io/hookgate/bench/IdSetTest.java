package io.hookgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdSetTest {
    @Test
    void countsDistinctIdsAndRefusesRepeatsAcrossGrowth() {
        IdSet set = new IdSet();
        int n = 300_000;
        for (int i = 0; i < n; i++) {
            assertThat(set.add(String.format("%013x%015x", 1_795_000_000_000L + i, (long) i * 7919))).isTrue();
        }
        assertThat(set.size()).isEqualTo(n);
        for (int i = 0; i < n; i += 997) {
            assertThat(set.add(String.format("%013x%015x", 1_795_000_000_000L + i, (long) i * 7919)))
                .as("repeat %d", i).isFalse();
        }
        assertThat(set.size()).isEqualTo(n);
    }

    @Test
    void theEmptyStringAndLookalikesAreDistinct() {
        IdSet set = new IdSet();
        assertThat(set.add("")).isTrue();
        assertThat(set.add("a")).isTrue();
        assertThat(set.add("b")).isTrue();
        assertThat(set.add("ab")).isTrue();
        assertThat(set.add("ba")).isTrue();
        assertThat(set.add("a")).isFalse();
        assertThat(set.size()).isEqualTo(5);
    }
}
