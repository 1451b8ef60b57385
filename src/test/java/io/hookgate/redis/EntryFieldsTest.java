package io.hookgate.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link EntryFields}: a stream entry's fields in fixed slots behave as the map they replace. */
class EntryFieldsTest {
    @Test
    void readsWhatWasPutUnderEveryNameAndEqualsTheSameMap() {
        EntryFields f = new EntryFields();
        Map<String, String> same = new HashMap<>();
        String[] names = {"id", "pr", "nm", "us", "at", "rq", "dl", "wh", "ev", "s", "pb", "zz", "extra"};
        for (int i = 0; i < names.length; i++) {
            f.put(names[i], "v" + i);
            same.put(names[i], "v" + i);
        }

        for (int i = 0; i < names.length; i++) {
            // A name built at run time, as the stream's parser has it, not the literal.
            String parsed = new String(names[i].toCharArray());
            assertThat(f.get(parsed)).as(names[i]).isEqualTo("v" + i);
            assertThat(f.containsKey(parsed)).isTrue();
        }
        assertThat(f).hasSize(names.length).isEqualTo(same);
        assertThat(same).isEqualTo(f);
        assertThat(f.hashCode()).isEqualTo(same.hashCode());
    }

    @Test
    void anAbsentFieldIsTheDefaultAndEmptyMeansNoField() {
        EntryFields f = new EntryFields();
        assertThat(f.isEmpty()).isTrue();
        assertThat(f.getOrDefault("dl", "")).isEmpty();
        assertThat(f.get("other")).isNull();
        assertThat(f.get(42)).isNull();

        f.put("dl", "d-1");
        assertThat(f.isEmpty()).isFalse();
        assertThat(f.getOrDefault("dl", "")).isEqualTo("d-1");
        assertThat(f.getOrDefault("wh", "none")).isEqualTo("none");
        assertThat(f.containsKey("wh")).isFalse();
    }

    @Test
    void aSecondPutReplacesAndAnswersTheOldValue() {
        EntryFields f = new EntryFields();
        assertThat(f.put("s", "0")).isNull();
        assertThat(f.put("s", "2")).isEqualTo("0");
        assertThat(f.put("other", "a")).isNull();
        assertThat(f.put("other", "b")).isEqualTo("a");

        assertThat(f).isEqualTo(Map.of("s", "2", "other", "b"));
        assertThatThrownBy(() -> f.put("pr", null)).isInstanceOf(NullPointerException.class);
    }
}
