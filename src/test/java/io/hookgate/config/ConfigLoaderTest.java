package io.hookgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** File + {@code HOOKGATE_*} overlay, validation messages, masking and the env-name mapping. */
class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path file(String json) throws IOException {
        Path f = dir.resolve("hookgate.json");
        Files.writeString(f, json, StandardCharsets.UTF_8);
        return f;
    }

    private static Map<ConfigKey, String> defaultsWith(ConfigKey key, String value) {
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        for (ConfigKey k : ConfigKey.values()) {
            values.put(k, k.defaultValue());
        }
        values.put(key, value);
        return values;
    }

    // ---- overlay --------------------------------------------------------------------------------

    @Test
    void fileValuesOverrideDefaults() throws IOException {
        Path f = file("{\"httpPort\": 8181, \"redisUrl\": \"redis://redis:6380\", \"maxFailedAttempts\": \"3\"}");

        Map<ConfigKey, String> values = ConfigLoader.load(f, Map.of()).values();

        assertThat(values.get(ConfigKey.HTTP_PORT)).isEqualTo("8181");
        assertThat(values.get(ConfigKey.REDIS_URL)).isEqualTo("redis://redis:6380");
        assertThat(values.get(ConfigKey.MAX_FAILED_ATTEMPTS)).isEqualTo("3");
        assertThat(values.get(ConfigKey.MANAGEMENT_PORT)).isEqualTo(ConfigKey.MANAGEMENT_PORT.defaultValue());
    }

    @Test
    void environmentWinsOverTheFile() throws IOException {
        Path f = file("{\"httpPort\": 8181, \"redisUrl\": \"redis://from-file:6379\", \"maxBatchEvents\": 10}");

        ConfigLoader.Loaded loaded = ConfigLoader.load(f, Map.of(
            "HOOKGATE_HTTP_PORT", "9999",
            "HOOKGATE_REDIS_URL", "redis://from-env:6379",
            "HOOKGATE_ALLOWED_TARGET_CIDRS", "10.0.0.0/8",
            "PATH", "/usr/bin"));
        HookgateConfig config = HookgateConfig.fromValues(loaded.values());

        assertThat(config.api().port()).isEqualTo(9999);
        assertThat(config.redis().url()).isEqualTo("redis://from-env:6379");
        assertThat(config.api().maxBatchEvents()).isEqualTo(10);
        assertThat(config.dispatch().allowedTargets()).extracting(Object::toString).containsExactly("10.0.0.0/8");
        assertThat(loaded.unknownEnvironment()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ConfigKey.class)
    void everyKeyCanBeOverriddenByItsEnvironmentVariable(ConfigKey key) throws IOException {
        Path f = file("{}");

        Map<ConfigKey, String> values = ConfigLoader.load(f, Map.of(key.envName(), "from-env")).values();

        assertThat(values.get(key)).isEqualTo("from-env");
    }

    @Test
    void unknownHookgateVariablesAreReportedButScriptVariablesAreNot() throws IOException {
        ConfigLoader.Loaded loaded = ConfigLoader.load(file("{}"), Map.of(
            "HOOKGATE_HTTP_PROT", "1",
            "HOOKGATE_CONFIG", "x",
            "HOOKGATE_DATA_DIR", "x",
            "HOME", "/root"));

        assertThat(loaded.unknownEnvironment()).containsExactly("HOOKGATE_HTTP_PROT");
    }

    @Test
    void unknownKeyInTheFileIsRefusedByName() throws IOException {
        Path f = file("{\"httpPort\": 8080, \"httpPrt\": 1}");

        assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).isInstanceOf(ConfigException.class)
            .hasMessageContaining("httpPrt");
    }

    @Test
    void malformedOrNonObjectFilesAndNestedValuesAreRefused() throws IOException {
        Path broken = file("{\"httpPort\": ");
        assertThatThrownBy(() -> ConfigLoader.load(broken, Map.of())).isInstanceOf(ConfigException.class)
            .hasMessageContaining(broken.toString());

        Path array = file("[]");
        assertThatThrownBy(() -> ConfigLoader.load(array, Map.of())).isInstanceOf(ConfigException.class)
            .hasMessageContaining("object");

        Path nested = file("{\"httpPort\": {\"value\": 1}}");
        assertThatThrownBy(() -> ConfigLoader.load(nested, Map.of())).isInstanceOf(ConfigException.class)
            .hasMessageContaining("httpPort");

        Path duplicate = file("{\"httpPort\": 1, \"httpPort\": 2}");
        assertThatThrownBy(() -> ConfigLoader.load(duplicate, Map.of())).isInstanceOf(ConfigException.class)
            .hasMessageContaining("httpPort");
    }

    @Test
    void missingFileIsAClearError() {
        Path missing = dir.resolve("nope.json");
        assertThatThrownBy(() -> HookgateConfig.load(Map.of("HOOKGATE_CONFIG", missing.toString())))
            .isInstanceOf(ConfigException.class).hasMessageContaining("nope.json").hasMessageContaining("HOOKGATE_CONFIG");
    }

    // ---- validation -----------------------------------------------------------------------------

    static Stream<Arguments> invalidValues() {
        return Stream.of(
            Arguments.of(ConfigKey.HTTP_PORT, "abc"),
            Arguments.of(ConfigKey.HTTP_PORT, "70000"),
            Arguments.of(ConfigKey.HTTP_PORT, "-1"),
            Arguments.of(ConfigKey.HTTP_PORT, ""),
            Arguments.of(ConfigKey.MANAGEMENT_PORT, "8080.5"),
            Arguments.of(ConfigKey.MAX_FAILED_ATTEMPTS, "0"),
            Arguments.of(ConfigKey.API_INSTANCES, "0"),
            Arguments.of(ConfigKey.REDIS_POOL_SIZE, "100000"),
            Arguments.of(ConfigKey.REDIS_WAIT_REPLICAS, "-1"),
            Arguments.of(ConfigKey.REDIS_WAIT_TIMEOUT_MS, "0"),
            Arguments.of(ConfigKey.REDIS_WAIT_TIMEOUT_MS, "60000"),
            Arguments.of(ConfigKey.MAX_REQUEST_BYTES, "10"),
            Arguments.of(ConfigKey.MAX_OTHER_REQUEST_BYTES, "10"),
            // Below maxRequestBytes (16 MiB): the largest event body could never be read.
            Arguments.of(ConfigKey.MAX_REQUEST_BYTES_IN_FLIGHT, "1048576"),
            Arguments.of(ConfigKey.REQUEST_HEAD_TIMEOUT_MS, "0"),
            Arguments.of(ConfigKey.MIN_BODY_BYTES_PER_SECOND, "-1"),
            Arguments.of(ConfigKey.MAX_CONNECTIONS_PER_ADDRESS, "-1"),
            Arguments.of(ConfigKey.MAX_FAILED_AUTH_PER_MINUTE, "many"),
            Arguments.of(ConfigKey.DELIVERY_TIMEOUT_MS, "99999999999999999999"),
            Arguments.of(ConfigKey.ALLOWED_TARGET_CIDRS, "10.0.0.0/33"),
            Arguments.of(ConfigKey.ALLOWED_TARGET_CIDRS, "127.0.0.0/8,example.com"),
            Arguments.of(ConfigKey.ALLOWED_TARGET_CIDRS, "10.0.0.0/x"),
            Arguments.of(ConfigKey.REDIS_URL, "127.0.0.1:6379"),
            Arguments.of(ConfigKey.REDIS_URL, "http://127.0.0.1:6379"),
            Arguments.of(ConfigKey.ADMIN_KEY, "too-short"),
            Arguments.of(ConfigKey.REPLICA_ID, "bad replica id"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("invalidValues")
    void invalidValueIsAConfigExceptionNamingTheKeyAndItsEnvironmentVariable(ConfigKey key, String value) {
        assertThatThrownBy(() -> HookgateConfig.fromValues(defaultsWith(key, value)))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining(key.key())
            .hasMessageContaining(key.envName());
    }

    @Test
    void anInvalidEnvironmentValueIsReportedWithTheVariableName() throws IOException {
        Map<ConfigKey, String> values = ConfigLoader.load(file("{}"), Map.of("HOOKGATE_HTTP_PORT", "abc")).values();

        assertThatThrownBy(() -> HookgateConfig.fromValues(values)).isInstanceOf(ConfigException.class)
            .hasMessageContaining("HOOKGATE_HTTP_PORT").hasMessageContaining("abc");
    }

    @Test
    void boundaryValuesAreAccepted() {
        Map<ConfigKey, String> values = defaultsWith(ConfigKey.HTTP_PORT, "65535");
        values.put(ConfigKey.MANAGEMENT_PORT, "0");
        values.put(ConfigKey.MAX_FAILED_ATTEMPTS, "1");
        values.put(ConfigKey.ALLOWED_TARGET_CIDRS, " 127.0.0.0/8 , ::1/128 ,");
        values.put(ConfigKey.REDIS_URL, "rediss://user:pw@redis.example.com:6380/2");
        values.put(ConfigKey.ADMIN_KEY, "0123456789abcdef");
        values.put(ConfigKey.MAX_REQUEST_BYTES_IN_FLIGHT, ConfigKey.MAX_REQUEST_BYTES.defaultValue());
        values.put(ConfigKey.MIN_BODY_BYTES_PER_SECOND, "0");
        values.put(ConfigKey.MAX_CONNECTIONS_PER_ADDRESS, "0");
        values.put(ConfigKey.MAX_FAILED_AUTH_PER_MINUTE, "0");

        HookgateConfig config = HookgateConfig.fromValues(values);

        assertThat(config.api().port()).isEqualTo(65535);
        assertThat(config.management().port()).isZero();
        assertThat(config.store().maxFailedAttempts()).isEqualTo(1);
        assertThat(config.dispatch().allowedTargets()).hasSize(2);
        assertThat(config.store().adminKey()).isEqualTo("0123456789abcdef");
        assertThat(config.api().frontDoor().maxRequestBytesInFlight()).isEqualTo(config.api().maxRequestBytes());
        assertThat(config.api().frontDoor().maxConnectionsPerAddress()).isZero();
    }

    @Test
    void aMissingKeyIsRefused() {
        Map<ConfigKey, String> values = defaultsWith(ConfigKey.HTTP_PORT, "8080");
        values.remove(ConfigKey.SECURITY_EMAIL);

        assertThatThrownBy(() -> HookgateConfig.fromValues(values)).isInstanceOf(ConfigException.class)
            .hasMessageContaining("securityEmail");
    }

    // ---- masking --------------------------------------------------------------------------------

    @Test
    void describeMasksTheAdminKeyAndTheRedisPassword() {
        Map<ConfigKey, String> values = defaultsWith(ConfigKey.ADMIN_KEY, "super-secret-admin-key-42");
        values.put(ConfigKey.REDIS_URL, "redis://user:secret@host:6379/0");
        HookgateConfig config = HookgateConfig.fromValues(values);

        String described = config.describe();

        assertThat(described).doesNotContain("super-secret-admin-key-42").doesNotContain("secret@")
            .contains("adminKey=****").contains("redisUrl=redis://user:****@host:6379/0").contains("httpPort=8080");
        for (ConfigKey key : ConfigKey.values()) {
            assertThat(described).contains(key.key() + "=");
        }
        assertThat(config.redis().toString()).doesNotContain("secret").contains("****");
        assertThat(config.store().toString()).doesNotContain("super-secret-admin-key-42");
        assertThat(config.toString()).doesNotContain("super-secret-admin-key-42");
    }

    @Test
    void describeMasksAPasswordWithoutUserAndOneContainingAnAtSign() {
        Map<ConfigKey, String> values = defaultsWith(ConfigKey.REDIS_URL, "redis://:p@ss@host:6379");

        String described = HookgateConfig.fromValues(values).describe();

        assertThat(described).contains("redisUrl=redis://:****@host:6379").doesNotContain("p@ss");
    }

    @Test
    void describeLeavesAUrlWithoutCredentialsAndAnEmptyAdminKeyAlone() {
        String described = HookgateConfig.fromValues(defaultsWith(ConfigKey.REDIS_URL, "redis://host:6379")).describe();

        assertThat(described).contains("redisUrl=redis://host:6379").contains("adminKey=,");
    }

    // ---- env names ------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(ConfigKey.class)
    void envNameIsThePrefixedUpperSnakeCaseOfTheKey(ConfigKey key) {
        String snake = key.key().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);

        assertThat(key.envName()).isEqualTo("HOOKGATE_" + snake);
        assertThat(ConfigKey.byEnvName(key.envName())).contains(key);
        assertThat(ConfigKey.byKey(key.key())).contains(key);
    }

    @Test
    void envNameExamples() {
        assertThat(ConfigKey.HTTP_PORT.envName()).isEqualTo("HOOKGATE_HTTP_PORT");
        assertThat(ConfigKey.ALLOWED_TARGET_CIDRS.envName()).isEqualTo("HOOKGATE_ALLOWED_TARGET_CIDRS");
        assertThat(ConfigKey.DELIVERY_TIMEOUT_MS.envName()).isEqualTo("HOOKGATE_DELIVERY_TIMEOUT_MS");
        assertThat(ConfigKey.byKey("nope")).isEmpty();
    }
}
