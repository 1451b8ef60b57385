package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.redis.RedisKeys;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code lua/probe_acquire.lua}: a closed circuit lets every try go; an open one lets one probe at a
 * time go once it is due, its lease keyed by a token that may ask again; everyone else is told when to
 * ask again.
 */
class ProbeAcquireScriptTest extends ScriptHarness {
    private static final String WEBHOOK = RedisKeys.webhook(PR, WH);
    private static final String LEASE = RedisKeys.probe(PR, WH);

    private static Object acquire(String token, long now) {
        return run("probe_acquire", List.of(WEBHOOK, LEASE), List.of(token, now, 30_000, 1_000));
    }

    @Test
    void aClosedCircuitLetsEveryTryGoAndSaysWhetherTheWebhookIsEnabled() {
        redis.command("HSET", WEBHOOK, "id", WH, "circuit", "", "enabled", "1");

        assertThat(acquire("a", NOW)).isEqualTo(List.of("CLOSED", 0L, 1L));
        assertThat(exists(LEASE)).isFalse();

        redis.command("HSET", WEBHOOK, "enabled", "0");
        assertThat(acquire("a", NOW)).as("disabled").isEqualTo(List.of("CLOSED", 0L, 0L));
        redis.command("DEL", WEBHOOK);
        assertThat(acquire("a", NOW)).as("gone").isEqualTo(List.of("CLOSED", 0L, 0L));
    }

    @Test
    void anOpenCircuitWaitsForItsProbeToBeDue() {
        redis.command("HSET", WEBHOOK, "id", WH, "circuit", "open", "probeAt", Long.toString(NOW + 5_000));

        assertThat(acquire("a", NOW)).isEqualTo(List.of("WAIT", NOW + 5_000));
        assertThat(exists(LEASE)).isFalse();
    }

    @Test
    void oneProbeAtATimeItsTokenMayAskAgain() {
        redis.command("HSET", WEBHOOK, "id", WH, "circuit", "open", "probeAt", Long.toString(NOW - 1));

        assertThat(acquire("a", NOW)).isEqualTo(List.of("PROBE", 0L));
        assertThat(redis.command("GET", LEASE)).isEqualTo("a");
        assertThat(Long.parseLong(redis.command("PTTL", LEASE))).isBetween(29_000L, 30_000L);

        assertThat(acquire("b", NOW)).as("ask again a second later").isEqualTo(List.of("WAIT", NOW + 1_000));
        assertThat(acquire("a", NOW)).as("the holder again").isEqualTo(List.of("PROBE", 0L));
    }
}
