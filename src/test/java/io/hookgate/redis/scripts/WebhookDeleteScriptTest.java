package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.redis.RedisKeys;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code lua/webhook_delete.lua}: the webhook and its listing entry go, the version goes up. */
class WebhookDeleteScriptTest extends ChangeScriptHarness {
    private static final String MESSAGE = "w " + PR + " " + WH;

    private static Object delete() {
        return run("webhook_delete", List.of(RedisKeys.webhook(PR, WH), RedisKeys.webhooks(PR)),
            List.of(WH, RedisKeys.CHANGES, MESSAGE));
    }

    @Test
    void deletesTheWebhookAndItsListingEntryAndPublishesTheNewVersion() {
        for (String wh : List.of(WH, OTHER_WH)) {
            redis.command("HSET", RedisKeys.webhook(PR, wh), "id", wh);
            redis.command("ZADD", RedisKeys.webhooks(PR), "1", wh);
        }
        redis.command("SET", RedisKeys.version(PR), "9");

        assertThat(delete()).isEqualTo("OK");

        assertThat(exists(RedisKeys.webhook(PR, WH))).isFalse();
        assertThat(exists(RedisKeys.webhook(PR, OTHER_WH))).isTrue();
        assertThat(zset(RedisKeys.webhooks(PR))).isEqualTo(Map.of(OTHER_WH, 1L));
        assertThat(redis.command("GET", RedisKeys.version(PR))).isEqualTo("10");
        assertThat(changes.published()).containsExactly(MESSAGE + " 10");
    }

    @Test
    void aWebhookThatDoesNotExistIsNotFoundAndTheVersionStays() {
        redis.command("SET", RedisKeys.version(PR), "9");

        assertThat(delete()).isEqualTo("NOTFOUND");

        assertThat(redis.command("GET", RedisKeys.version(PR))).isEqualTo("9");
        assertThat(changes.published()).isEmpty();
    }
}
