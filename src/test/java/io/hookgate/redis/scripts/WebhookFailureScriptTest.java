package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.redis.RedisKeys;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code lua/webhook_failure.lua}: counts failed tries, disables the webhook at the limit, and publishes
 * only on the first failure after a success (same version) and on disabling (a new version).
 */
class WebhookFailureScriptTest extends ChangeScriptHarness {
    private static final String MESSAGE = "w " + PR + " " + WH;
    private static final int MAX_ATTEMPTS = 3;

    private static Object fail(String logs) {
        return run("webhook_failure", List.of(RedisKeys.webhook(PR, WH)),
            List.of(logs, MAX_ATTEMPTS, RedisKeys.CHANGES, MESSAGE));
    }

    private static void webhook(String enabled, int attempts) {
        redis.command("HSET", RedisKeys.webhook(PR, WH), "id", WH, "enabled", enabled, "attempts",
            Integer.toString(attempts), "logs", "");
    }

    @Test
    void theFirstFailurePublishesTheCurrentVersion() {
        webhook("1", 0);
        redis.command("SET", RedisKeys.version(PR), "5");

        assertThat(fail("HTTP 500")).isEqualTo(List.of(1L, "1", 0L));

        assertThat(hash(RedisKeys.webhook(PR, WH))).containsEntry("attempts", "1").containsEntry("logs", "HTTP 500");
        assertThat(redis.command("GET", RedisKeys.version(PR))).isEqualTo("5");
        assertThat(changes.published()).containsExactly(MESSAGE + " 5");
    }

    @Test
    void withoutAVersionYetTheFirstFailurePublishesVersionZero() {
        webhook("1", 0);

        fail("HTTP 500");

        assertThat(exists(RedisKeys.version(PR))).isFalse();
        assertThat(changes.published()).containsExactly(MESSAGE + " 0");
    }

    @Test
    void furtherFailuresBelowTheLimitOnlyCountAndReplaceTheLogs() {
        webhook("1", 1);

        assertThat(fail("timeout")).isEqualTo(List.of(2L, "1", 0L));

        assertThat(hash(RedisKeys.webhook(PR, WH))).containsEntry("attempts", "2").containsEntry("logs", "timeout")
            .containsEntry("enabled", "1");
        assertThat(changes.published()).isEmpty();
    }

    @Test
    void theFailureAtTheLimitDisablesTheWebhookAndPublishesANewVersion() {
        webhook("1", MAX_ATTEMPTS - 1);
        redis.command("SET", RedisKeys.version(PR), "5");

        assertThat(fail("HTTP 502")).isEqualTo(List.of(3L, "0", 1L));

        assertThat(hash(RedisKeys.webhook(PR, WH))).containsEntry("enabled", "0").containsEntry("attempts", "3");
        assertThat(redis.command("GET", RedisKeys.version(PR))).isEqualTo("6");
        assertThat(changes.published()).containsExactly(MESSAGE + " 6");
    }

    @Test
    void aDisabledWebhookIsNotDisabledAgain() {
        webhook("0", MAX_ATTEMPTS);
        redis.command("SET", RedisKeys.version(PR), "6");

        assertThat(fail("HTTP 502")).isEqualTo(List.of(4L, "0", 0L));

        assertThat(redis.command("GET", RedisKeys.version(PR))).isEqualTo("6");
        assertThat(changes.published()).isEmpty();
    }

    @Test
    void aWebhookThatIsGoneAnswersNilAndIsNotRecreated() {
        assertThat(fail("HTTP 500")).isNull();

        assertThat(exists(RedisKeys.webhook(PR, WH))).isFalse();
        assertThat(changes.published()).isEmpty();
    }
}
