package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.redis.RedisKeys;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code lua/project_delete.lua}: a project with everything under its hash tag, and nothing of another's. */
class ProjectDeleteScriptTest extends ChangeScriptHarness {
    private static Object delete(String projectId) {
        return run("project_delete",
            List.of(RedisKeys.project(projectId), RedisKeys.keys(projectId), RedisKeys.webhooks(projectId),
                RedisKeys.operationalWebhooks(projectId)),
            List.of("hg:{p:" + projectId + "}:wh:", RedisKeys.CHANGES, "p " + projectId));
    }

    /** A project with a key, two webhooks, an operational webhook, a version and a rate bucket. */
    private static void project(String projectId) {
        redis.command("HSET", RedisKeys.project(projectId), "id", projectId, "name", "n", "createdAt", "1",
            "updatedAt", "1");
        redis.command("HSET", RedisKeys.keys(projectId), "k1", "{\"id\":\"k1\"}");
        for (String wh : List.of(WH, OTHER_WH)) {
            redis.command("HSET", RedisKeys.webhook(projectId, wh), "id", wh, "url", "https://example.com/");
            redis.command("ZADD", RedisKeys.webhooks(projectId), "1", wh);
        }
        redis.command("HSET", RedisKeys.webhook(projectId, "ops"), "id", "ops", "kind", "operational");
        redis.command("ZADD", RedisKeys.operationalWebhooks(projectId), "1", "ops");
        redis.command("SET", RedisKeys.version(projectId), "4");
        redis.command("HSET", RedisKeys.rate(projectId), "t", "3", "ts", "1");
    }

    @Test
    void deletesTheProjectWithItsKeysWebhooksOperationalWebhooksVersionAndRateBucket() {
        project(PR);
        project(OTHER_PR);

        assertThat(delete(PR)).isEqualTo("OK");

        assertThat(redis.keys("hg:{p:" + PR + "}*")).isEmpty();
        assertThat(redis.keys("hg:{p:" + OTHER_PR + "}*")).containsExactlyInAnyOrder(
            RedisKeys.project(OTHER_PR), RedisKeys.keys(OTHER_PR), RedisKeys.webhooks(OTHER_PR),
            RedisKeys.webhook(OTHER_PR, WH), RedisKeys.webhook(OTHER_PR, OTHER_WH), RedisKeys.version(OTHER_PR),
            RedisKeys.rate(OTHER_PR), RedisKeys.operationalWebhooks(OTHER_PR), RedisKeys.webhook(OTHER_PR, "ops"));
        assertThat(changes.published()).containsExactly("p " + PR);
    }

    @Test
    void aProjectThatDoesNotExistIsNotFoundAndNothingIsPublished() {
        // Left-overs without the project hash are not touched either.
        redis.command("HSET", RedisKeys.keys(PR), "k1", "{}");

        assertThat(delete(PR)).isEqualTo("NOTFOUND");

        assertThat(exists(RedisKeys.keys(PR))).isTrue();
        assertThat(changes.published()).isEmpty();
    }
}
