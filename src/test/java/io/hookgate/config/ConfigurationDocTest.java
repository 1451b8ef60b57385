package io.hookgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The configuration table of docs/configuration.md documents every key with its environment variable and default. */
class ConfigurationDocTest {

    @Test
    void everyKeyHasItsRowWithEnvironmentVariableAndDefault() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("docs/configuration.md"));
        for (ConfigKey key : ConfigKey.values()) {
            String start = "| `" + key.key() + "` | `" + key.envName() + "` | ";
            String row = lines.stream().filter(l -> l.startsWith(start)).findFirst().orElse(null);
            assertThat(row).as("docs/configuration.md row for %s", key.key()).isNotNull();
            String documented = row.substring(start.length(), row.indexOf(" |", start.length()));
            String expected = key.defaultValue().isEmpty() ? "*(empty)*" : "`" + key.defaultValue() + "`";
            assertThat(documented).as("documented default of %s", key.key()).isEqualTo(expected);
        }
    }
}
