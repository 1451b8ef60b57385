package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code lua/register_archives.lua}: the maintenance loop's walk over the partition's tails puts each
 * webhook with records into the aged set at its oldest record's time, and takes webhooks with none out of
 * the tails.
 */
class RegisterArchivesScriptTest extends ScriptHarness {
    private static List<?> step(String cursor, int count) {
        return (List<?>) run("register_archives", List.of(AGED, TAILS), List.of(cursor, count));
    }

    @Test
    void archivesGoIntoAgedAtTheirOldestRecordAndEmptyOnesLeaveTheTails() {
        putArchived("a-1", TestRecord.of("delivered", PR, WH, "ev-a1", NOW - 70));
        putIndexed("s-1", TestRecord.of("failed", PR, WH, "ev-s1", NOW - 90));
        putArchived("b-1", TestRecord.of("delivered", PR, OTHER_WH, "ev-b1", NOW - 30));
        // A lower score is kept.
        zadd(AGED, NOW - 500, PR + ":" + OTHER_WH);
        redis.command("HSET", TAILS, OTHER_PR + ":" + WH, (NOW - 10) + ":gone");
        redis.command("HSET", TAILS, "not-a-webhook", (NOW - 10) + ":x");

        List<?> answer = step("0", 100);

        assertThat(answer.get(0)).as("through in one step").isEqualTo("0");
        assertThat(answer.get(1)).isEqualTo(1L);
        assertThat(zset(AGED)).isEqualTo(Map.of(PR + ":" + WH, NOW - 90, PR + ":" + OTHER_WH, NOW - 500));
        assertThat(hash(TAILS)).containsOnlyKeys(PR + ":" + WH, PR + ":" + OTHER_WH);
    }

    @Test
    void theWalkGoesOnFromItsCursorUntilThrough() {
        // More than hash-max-listpack-entries (512 in this Redis): a hash table, which HSCAN walks in steps.
        for (int i = 0; i < 600; i++) {
            putArchived("d-" + i, TestRecord.of("delivered", PR, "wh" + i, "ev-" + i, NOW - i));
        }
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        int steps = 0;
        do {
            List<?> answer = step(cursor, 50);
            cursor = (String) answer.get(0);
            steps++;
        } while (!cursor.equals("0") && steps < 100);

        seen.addAll(zset(AGED).keySet());
        assertThat(steps).as("more than one step").isGreaterThan(1);
        assertThat(seen).hasSize(600);
        assertThat(zset(AGED)).containsEntry(PR + ":wh7", NOW - 7);
    }
}
