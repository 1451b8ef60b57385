package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.redis.RedisKeys;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code lua/probe_release.lua}: a probe's lease goes only for the token that holds it. */
class ProbeReleaseScriptTest extends ScriptHarness {
    private static final String LEASE = RedisKeys.probe(PR, WH);

    @Test
    void onlyTheHoldersTokenReleasesTheLease() {
        redis.command("SET", LEASE, "mine", "PX", "30000");

        assertThat(run("probe_release", List.of(LEASE), List.of("theirs"))).isEqualTo(0L);
        assertThat(redis.command("GET", LEASE)).isEqualTo("mine");

        assertThat(run("probe_release", List.of(LEASE), List.of("mine"))).isEqualTo(1L);
        assertThat(exists(LEASE)).isFalse();
    }
}
