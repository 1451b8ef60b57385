package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.redis.RedisKeys;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code lua/webhook_success.lua}: a success resets the failure count, the streak and the circuit,
 * publishing only when something changed; it releases the probe's lease of its own token; it answers
 * whether it closed the circuit.
 */
class WebhookSuccessScriptTest extends ChangeScriptHarness {
    private static final String MESSAGE = "w " + PR + " " + WH;

    private static Object succeed(String token) {
        return run("webhook_success", List.of(RedisKeys.webhook(PR, WH), RedisKeys.probe(PR, WH)),
            List.of(token, RedisKeys.CHANGES, MESSAGE));
    }

    @Test
    void aSuccessAfterFailuresResetsTheAttemptsAndPublishesTheCurrentVersion() {
        redis.command("HSET", RedisKeys.webhook(PR, WH), "id", WH, "attempts", "4", "logs", "HTTP 500",
            "failingSince", "900000");
        redis.command("SET", RedisKeys.version(PR), "8");

        assertThat(succeed("")).isEqualTo(0L);

        assertThat(hash(RedisKeys.webhook(PR, WH))).containsEntry("attempts", "0").containsEntry("logs", "HTTP 500")
            .containsEntry("failingSince", "0");
        assertThat(redis.command("GET", RedisKeys.version(PR))).isEqualTo("8");
        assertThat(changes.published()).containsExactly(MESSAGE + " 8");
    }

    @Test
    void aSuccessfulProbeClosesTheCircuitAndReleasesItsLease() {
        redis.command("HSET", RedisKeys.webhook(PR, WH), "id", WH, "attempts", "7", "circuit", "open", "probes", "3");
        redis.command("SET", RedisKeys.probe(PR, WH), "probe-1", "PX", "60000");

        assertThat(succeed("probe-1")).isEqualTo(1L);

        assertThat(hash(RedisKeys.webhook(PR, WH))).containsEntry("circuit", "").containsEntry("attempts", "0")
            .containsEntry("probes", "0");
        assertThat(exists(RedisKeys.probe(PR, WH))).isFalse();
        assertThat(changes.published()).hasSize(1);
    }

    @Test
    void aSuccessAfterASuccessPublishesNothing() {
        redis.command("HSET", RedisKeys.webhook(PR, WH), "id", WH, "attempts", "0");

        assertThat(succeed("")).isEqualTo(0L);

        assertThat(hash(RedisKeys.webhook(PR, WH))).containsEntry("attempts", "0");
        assertThat(changes.published()).isEmpty();
    }

    @Test
    void aWebhookThatIsGoneIsNotRecreated() {
        assertThat(succeed("")).isEqualTo(0L);

        assertThat(exists(RedisKeys.webhook(PR, WH))).isFalse();
        assertThat(changes.published()).isEmpty();
    }
}
