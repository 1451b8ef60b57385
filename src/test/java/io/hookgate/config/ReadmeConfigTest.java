package io.hookgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's configuration table documents every key with its environment variable and default. */
class ReadmeConfigTest {

    @Test
    void everyKeyHasItsRowWithEnvironmentVariableAndDefault() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        for (ConfigKey key : ConfigKey.values()) {
            String start = "| `" + key.key() + "` | `" + key.envName() + "` | ";
            String row = lines.stream().filter(l -> l.startsWith(start)).findFirst().orElse(null);
            assertThat(row).as("README row for %s", key.key()).isNotNull();
            String documented = row.substring(start.length(), row.indexOf(" |", start.length()));
            String expected = key.defaultValue().isEmpty() ? "*(empty)*" : "`" + key.defaultValue() + "`";
            assertThat(documented).as("documented default of %s", key.key()).isEqualTo(expected);
        }
    }
}
