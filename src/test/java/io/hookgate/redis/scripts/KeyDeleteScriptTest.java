package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.redis.RedisKeys;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code lua/key_delete.lua}: removes one API key. */
class KeyDeleteScriptTest extends ChangeScriptHarness {
    private static Object delete(String keyId) {
        return run("key_delete", List.of(RedisKeys.keys(PR)), List.of(keyId, RedisKeys.CHANGES, "k " + PR));
    }

    @Test
    void removesOnlyThatKeyAndPublishes() {
        redis.command("HSET", RedisKeys.keys(PR), "k0", "{\"id\":\"k0\"}", "k1", "{\"id\":\"k1\"}");

        assertThat(delete("k1")).isEqualTo("OK");

        assertThat(hash(RedisKeys.keys(PR))).isEqualTo(Map.of("k0", "{\"id\":\"k0\"}"));
        assertThat(changes.published()).containsExactly("k " + PR);
    }

    @Test
    void anUnknownKeyIsNotFoundAndNothingIsPublished() {
        redis.command("HSET", RedisKeys.keys(PR), "k0", "{\"id\":\"k0\"}");

        assertThat(delete("k1")).isEqualTo("NOTFOUND");

        assertThat(hash(RedisKeys.keys(PR))).isEqualTo(Map.of("k0", "{\"id\":\"k0\"}"));
        assertThat(changes.published()).isEmpty();
    }
}
