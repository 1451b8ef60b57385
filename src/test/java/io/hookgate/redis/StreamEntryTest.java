package io.hookgate.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link StreamEntry}: an events-stream entry's fields packed in one ({@code lua/ingest.lua}, recordLayout 4). */
class StreamEntryTest {
    @Test
    void thePackedFieldGivesTheFieldsAnEntryOfTheLayoutBeforeHas() {
        EntryFields packed = new EntryFields();
        StreamEntry.unpack("e1|proj-1|users.u1.create|1700000000123|user-1|req-1", packed);

        assertThat(packed).isEqualTo(Map.of("id", "e1", "pr", "proj-1", "nm", "users.u1.create", "at", "1700000000123",
            "us", "user-1", "rq", "req-1"));
        assertThat(packed.get("pr")).as("in its slot").isEqualTo("proj-1");
    }

    @Test
    void emptyFieldsStayEmptyAndTheLastTakesTheRest() {
        EntryFields packed = new EntryFields();
        StreamEntry.unpack("e1|proj-1|users.u1.create|1700000000123||a|b", packed);

        assertThat(packed).containsEntry("us", "").containsEntry("rq", "a|b").containsEntry("at", "1700000000123");
    }

    @Test
    void whatJavaPacksUnpacksToTheEventsFields() {
        String e = StreamEntry.pack("e1", "proj-1", "users.u1.create", 1700000000123L, "", "req-1");
        EntryFields fields = new EntryFields();
        StreamEntry.unpack(e, fields);

        assertThat(e).as("as lua/ingest.lua stores it").isEqualTo("e1|proj-1|users.u1.create|1700000000123||req-1");
        assertThat(fields).isEqualTo(Map.of("id", "e1", "pr", "proj-1", "nm", "users.u1.create", "at", "1700000000123",
            "us", "", "rq", "req-1"));
    }
}
