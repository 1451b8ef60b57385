package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.redis.RedisKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code lua/webhook_create.lua}: refusals change nothing; a creation bumps the project's version. */
class WebhookCreateScriptTest extends ChangeScriptHarness {
    private static final String MESSAGE = "w " + PR + " " + WH;

    @BeforeEach
    void project() {
        redis.command("HSET", RedisKeys.project(PR), "id", PR);
    }

    private static Object create(String webhookId, long createdAt, int quota) {
        List<Object> args = new ArrayList<>(
            List.of(createdAt, webhookId, RedisKeys.CHANGES, "w " + PR + " " + webhookId, quota));
        args.addAll(List.of("id", webhookId, "url", "https://example.com/" + webhookId, "enabled", "1",
            "attempts", "0"));
        return run("webhook_create",
            List.of(RedisKeys.project(PR), RedisKeys.webhooks(PR), RedisKeys.webhook(PR, webhookId)), args);
    }

    @Test
    void storesTheFieldsListsItByCreationTimeAndPublishesTheNewVersion() {
        redis.command("SET", RedisKeys.version(PR), "6");

        assertThat(create(WH, 1234, 10)).isEqualTo("OK");

        assertThat(hash(RedisKeys.webhook(PR, WH))).isEqualTo(Map.of("id", WH, "url", "https://example.com/" + WH,
            "enabled", "1", "attempts", "0"));
        assertThat(zset(RedisKeys.webhooks(PR))).isEqualTo(Map.of(WH, 1234L));
        assertThat(redis.command("GET", RedisKeys.version(PR))).isEqualTo("7");
        assertThat(changes.published()).containsExactly(MESSAGE + " 7");
    }

    @Test
    void theFirstChangeOfAProjectIsVersionOne() {
        assertThat(create(WH, 1234, 10)).isEqualTo("OK");
        assertThat(create(OTHER_WH, 1235, 10)).isEqualTo("OK");

        assertThat(changes.published()).containsExactly(MESSAGE + " 1", "w " + PR + " " + OTHER_WH + " 2");
    }

    @Test
    void withoutTheProjectNothingIsStored() {
        redis.command("DEL", RedisKeys.project(PR));

        assertThat(create(WH, 1234, 10)).isEqualTo("NOPROJECT");

        assertThat(redis.keys("hg:{p:" + PR + "}*")).isEmpty();
        assertThat(changes.published()).isEmpty();
    }

    @Test
    void aTakenIdKeepsItsWebhook() {
        create(WH, 1234, 10);
        redis.command("HSET", RedisKeys.webhook(PR, WH), "url", "https://first.example/");
        changes.published();

        assertThat(create(WH, 5678, 10)).isEqualTo("EXISTS");

        assertThat(hash(RedisKeys.webhook(PR, WH))).containsEntry("url", "https://first.example/");
        assertThat(zset(RedisKeys.webhooks(PR))).isEqualTo(Map.of(WH, 1234L));
        assertThat(redis.command("GET", RedisKeys.version(PR))).isEqualTo("1");
        assertThat(changes.published()).isEmpty();
    }

    @Test
    void aProjectAtItsQuotaGetsNoMore() {
        assertThat(create(WH, 1234, 1)).isEqualTo("OK");
        changes.published();

        assertThat(create(OTHER_WH, 1235, 1)).isEqualTo("LIMIT");

        assertThat(exists(RedisKeys.webhook(PR, OTHER_WH))).isFalse();
        assertThat(zset(RedisKeys.webhooks(PR))).isEqualTo(Map.of(WH, 1234L));
        assertThat(redis.command("GET", RedisKeys.version(PR))).isEqualTo("1");
        assertThat(changes.published()).isEmpty();
    }
}
