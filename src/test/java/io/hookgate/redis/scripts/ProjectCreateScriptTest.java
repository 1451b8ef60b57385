package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.redis.RedisKeys;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code lua/project_create.lua}: creates a project once and publishes it. */
class ProjectCreateScriptTest extends ChangeScriptHarness {
    private static Object create(String name, long createdAt) {
        return run("project_create", List.of(RedisKeys.project(PR)),
            List.of(PR, name, createdAt, RedisKeys.CHANGES, "p " + PR));
    }

    @Test
    void createsTheProjectHashAndPublishesIt() {
        assertThat(create("Shop", 1000)).isEqualTo("OK");

        assertThat(hash(RedisKeys.project(PR)))
            .isEqualTo(Map.of("id", PR, "name", "Shop", "createdAt", "1000", "updatedAt", "1000"));
        assertThat(changes.published()).containsExactly("p " + PR);
    }

    @Test
    void anExistingProjectIsLeftAsItWasAndNothingIsPublished() {
        create("Shop", 1000);
        changes.published();

        assertThat(create("Other name", 2000)).isEqualTo("EXISTS");

        assertThat(hash(RedisKeys.project(PR)))
            .isEqualTo(Map.of("id", PR, "name", "Shop", "createdAt", "1000", "updatedAt", "1000"));
        assertThat(changes.published()).isEmpty();
    }
}
