package io.hookgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code conf/hookgate.json} documents every key with its default, and only those. */
class ConfigFileTest {
    private static final Path FILE = Path.of("conf/hookgate.json");

    @Test
    void theShippedFileHoldsExactlyTheKeysOfConfigKey() throws IOException {
        JsonNode root = new ObjectMapper().readTree(FILE.toFile());

        List<String> inFile = new ArrayList<>();
        root.fieldNames().forEachRemaining(inFile::add);

        assertThat(inFile).containsExactlyInAnyOrderElementsOf(Arrays.stream(ConfigKey.values()).map(ConfigKey::key)
            .toList());
    }

    @Test
    void everyValueInTheShippedFileIsTheDocumentedDefault() throws IOException {
        JsonNode root = new ObjectMapper().readTree(FILE.toFile());

        for (ConfigKey key : ConfigKey.values()) {
            JsonNode value = root.get(key.key());
            assertThat(value).as("%s in %s", key.key(), FILE).isNotNull();
            assertThat(value.isValueNode()).as("%s is a plain value", key.key()).isTrue();
            assertThat(value.asText()).as("%s in %s", key.key(), FILE).isEqualTo(key.defaultValue());
        }
    }

    @Test
    void theShippedFileLoadsWithoutEnvironmentToTheDefaults() {
        ConfigLoader.Loaded loaded = ConfigLoader.load(FILE, Map.of());

        for (ConfigKey key : ConfigKey.values()) {
            assertThat(loaded.values().get(key)).as(key.key()).isEqualTo(key.defaultValue());
        }
        assertThat(loaded.unknownEnvironment()).isEmpty();
        HookgateConfig config = HookgateConfig.fromValues(loaded.values());
        assertThat(config.api().port()).isEqualTo(8080);
        assertThat(config.management().port()).isEqualTo(9090);
        assertThat(config.redis().url()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(config.store().maxFailedAttempts()).isEqualTo(10);
        assertThat(config.api().appwriteVersion()).isEqualTo("1.9.5");
        assertThat(config.dispatch().allowedTargets()).isEmpty();
    }

    @Test
    void loadReadsTheFileNamedByHookgateConfig() {
        HookgateConfig config = HookgateConfig.load(Map.of("HOOKGATE_CONFIG", FILE.toString(),
            "HOOKGATE_HTTP_PORT", "8181"));

        assertThat(config.api().port()).isEqualTo(8181);
        assertThat(config.api().maxBatchEvents()).isEqualTo(1000);
    }
}
