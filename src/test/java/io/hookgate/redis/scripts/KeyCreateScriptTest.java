package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.redis.RedisKeys;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code lua/key_create.lua}: an API key is added to an existing project only. */
class KeyCreateScriptTest extends ChangeScriptHarness {
    private static final String KEY_JSON =
        "{\"id\":\"k1\",\"name\":\"ci\",\"scopes\":[\"events.write\"],\"hash\":\"ab12\"}";
    private static Object create(String keyId, String json) {
        return run("key_create", List.of(RedisKeys.project(PR), RedisKeys.keys(PR)),
            List.of(keyId, json, RedisKeys.CHANGES, "k " + PR));
    }

    @Test
    void addsTheKeyBesideTheOthersAndPublishes() {
        redis.command("HSET", RedisKeys.project(PR), "id", PR);
        redis.command("HSET", RedisKeys.keys(PR), "k0", "{\"id\":\"k0\"}");

        assertThat(create("k1", KEY_JSON)).isEqualTo("OK");

        assertThat(hash(RedisKeys.keys(PR))).isEqualTo(Map.of("k0", "{\"id\":\"k0\"}", "k1", KEY_JSON));
        assertThat(changes.published()).containsExactly("k " + PR);
    }

    @Test
    void withoutTheProjectNothingIsStoredOrPublished() {
        assertThat(create("k1", KEY_JSON)).isEqualTo("NOPROJECT");

        assertThat(exists(RedisKeys.keys(PR))).isFalse();
        assertThat(changes.published()).isEmpty();
    }
}
