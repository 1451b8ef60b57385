package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.redis.RedisKeys;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code lua/webhook_success.lua}: a success resets the failure count, publishing only when it was not 0. */
class WebhookSuccessScriptTest extends ChangeScriptHarness {
    private static final String MESSAGE = "w " + PR + " " + WH;

    private static Object succeed() {
        return run("webhook_success", List.of(RedisKeys.webhook(PR, WH)), List.of(RedisKeys.CHANGES, MESSAGE));
    }

    @Test
    void aSuccessAfterFailuresResetsTheAttemptsAndPublishesTheCurrentVersion() {
        redis.command("HSET", RedisKeys.webhook(PR, WH), "id", WH, "attempts", "4", "logs", "HTTP 500");
        redis.command("SET", RedisKeys.version(PR), "8");

        assertThat(succeed()).isEqualTo("OK");

        assertThat(hash(RedisKeys.webhook(PR, WH))).containsEntry("attempts", "0").containsEntry("logs", "HTTP 500");
        assertThat(redis.command("GET", RedisKeys.version(PR))).isEqualTo("8");
        assertThat(changes.published()).containsExactly(MESSAGE + " 8");
    }

    @Test
    void aSuccessAfterASuccessPublishesNothing() {
        redis.command("HSET", RedisKeys.webhook(PR, WH), "id", WH, "attempts", "0");

        assertThat(succeed()).isEqualTo("OK");

        assertThat(hash(RedisKeys.webhook(PR, WH))).containsEntry("attempts", "0");
        assertThat(changes.published()).isEmpty();
    }

    @Test
    void aWebhookThatIsGoneIsNotRecreated() {
        assertThat(succeed()).isEqualTo("OK");

        assertThat(exists(RedisKeys.webhook(PR, WH))).isFalse();
        assertThat(changes.published()).isEmpty();
    }
}
