package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code lua/register_aged.lua}: the maintenance loop's walk puts the webhooks that have records into the
 * aged set, at their index's head's time.
 */
class RegisterAgedScriptTest extends ScriptHarness {
    private static long register(String... webhooks) {
        return (Long) run("register_aged", List.of(AGED), List.of((Object[]) webhooks));
    }

    @Test
    void webhooksWithRecordsGoInAtTheirOldestRecordsTime() {
        zadd(index(PR, WH), NOW - 300, "o-1");
        zadd(index(PR, WH), NOW - 100, "o-2");
        zadd(index(OTHER_PR, WH), NOW - 50, "m-1");
        // Registered already, at an earlier score: kept.
        zadd(AGED, NOW - 400, OTHER_PR + ":" + WH);

        assertThat(register(PR + ":" + WH, PR + ":" + OTHER_WH, OTHER_PR + ":" + WH)).isEqualTo(1);

        assertThat(zset(AGED)).as("billing has no records").containsOnly(Map.entry(PR + ":" + WH, NOW - 300),
            Map.entry(OTHER_PR + ":" + WH, NOW - 400));
        assertThat(register(PR + ":" + WH)).as("a second run adds nothing").isZero();
    }

    @Test
    void aLaterScoreIsLoweredToTheHeadsTime() {
        zadd(index(PR, WH), NOW - 300, "o-1");
        zadd(AGED, NOW, PR + ":" + WH);

        register(PR + ":" + WH);

        assertThat(zset(AGED)).containsExactly(Map.entry(PR + ":" + WH, NOW - 300));
    }

    @Test
    void aWebhookWithAnArchiveGoesInAtTheOlderOfItsTwoHeads() {
        putArchived("a-1", TestRecord.of("delivered", PR, WH, "ev-a1", NOW - 70));
        putIndexed("s-1", TestRecord.of("failed", PR, WH, "ev-s1", NOW - 50));
        putArchived("b-1", TestRecord.of("delivered", PR, OTHER_WH, "ev-b1", NOW - 30));

        assertThat(register(PR + ":" + WH, PR + ":" + OTHER_WH)).isEqualTo(2);

        assertThat(zset(AGED)).isEqualTo(Map.of(PR + ":" + WH, NOW - 70, PR + ":" + OTHER_WH, NOW - 30));
    }
}
