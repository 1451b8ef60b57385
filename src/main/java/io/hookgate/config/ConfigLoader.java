package io.hookgate.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the raw key/value view of the configuration: the defaults of {@link ConfigKey}, overlaid
 * by the JSON file, overlaid by {@code HOOKGATE_*} environment variables. Unknown keys in the file
 * are refused; unknown {@code HOOKGATE_*} variables are reported so a typo does not go unnoticed.
 */
public final class ConfigLoader {
    /** Environment variables read by the scripts, not by the gateway; not reported as unknown. */
    private static final Set<String> SCRIPT_VARIABLES = Set.of("HOOKGATE_CONFIG", "HOOKGATE_DATA_DIR",
        "HOOKGATE_JAVA_OPTS", "HOOKGATE_REDIS_PORT");

    private ConfigLoader() {
    }

    /** The result of loading: the values, and the names of environment variables that matched no key. */
    public record Loaded(Map<ConfigKey, String> values, List<String> unknownEnvironment) {
    }

    public static Loaded load(Path file, Map<String, String> env) {
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        for (ConfigKey key : ConfigKey.values()) {
            values.put(key, key.defaultValue());
        }
        if (file != null) {
            values.putAll(readFile(file));
        }
        List<String> unknown = new java.util.ArrayList<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!e.getKey().startsWith(ConfigKey.ENV_PREFIX)) {
                continue;
            }
            var key = ConfigKey.byEnvName(e.getKey());
            if (key.isPresent()) {
                values.put(key.get(), e.getValue());
            } else if (!SCRIPT_VARIABLES.contains(e.getKey())) {
                unknown.add(e.getKey());
            }
        }
        return new Loaded(values, List.copyOf(unknown));
    }

    static Map<ConfigKey, String> readFile(Path file) {
        JsonNode root;
        try {
            ObjectMapper mapper = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = mapper.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException("configuration file " + file + " must hold a JSON object");
        }
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            ConfigKey key = ConfigKey.byKey(field.getKey()).orElseThrow(() ->
                new ConfigException("unknown configuration key '" + field.getKey() + "' in " + file));
            JsonNode v = field.getValue();
            if (v.isContainerNode() || v.isNull()) {
                throw new ConfigException("configuration key '" + field.getKey() + "' must be a string or a number");
            }
            values.put(key, v.asText());
        }
        return values;
    }
}
