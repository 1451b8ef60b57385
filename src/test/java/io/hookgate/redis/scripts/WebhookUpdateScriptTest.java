package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.redis.RedisKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code lua/webhook_update.lua}: writes fields, maybe resets the failure count, bumps the version. */
class WebhookUpdateScriptTest extends ChangeScriptHarness {
    private static final String MESSAGE = "w " + PR + " " + WH;

    private static Object update(String resetAttempts, String... fieldsAndValues) {
        List<Object> args = new ArrayList<>(List.of(RedisKeys.CHANGES, MESSAGE, resetAttempts));
        args.addAll(List.of(fieldsAndValues));
        return run("webhook_update", List.of(RedisKeys.webhook(PR, WH)), args);
    }

    private static Map<String, String> asMap(Object hgetall) {
        List<?> flat = (List<?>) hgetall;
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < flat.size(); i += 2) {
            out.put((String) flat.get(i), (String) flat.get(i + 1));
        }
        return out;
    }

    private static void webhook() {
        redis.command("HSET", RedisKeys.webhook(PR, WH), "id", WH, "name", "Orders", "enabled", "0", "attempts", "10",
            "logs", "timeout");
        redis.command("SET", RedisKeys.version(PR), "3");
    }

    @Test
    void reEnablingResetsTheAttemptsAndTheFailureStateAndAnswersTheWholeWebhook() {
        webhook();
        redis.command("HSET", RedisKeys.webhook(PR, WH), "failingSince", "900000", "circuit", "open", "probes", "2");

        Object reply = update("1", "name", "Orders v2", "enabled", "1");

        Map<String, String> want = Map.of("id", WH, "name", "Orders v2", "enabled", "1", "attempts", "0",
            "logs", "timeout", "failingSince", "0", "circuit", "", "probes", "0");
        assertThat(asMap(reply)).isEqualTo(want);
        assertThat(hash(RedisKeys.webhook(PR, WH))).isEqualTo(want);
        assertThat(redis.command("GET", RedisKeys.version(PR))).isEqualTo("4");
        assertThat(changes.published()).containsExactly(MESSAGE + " 4");
    }

    @Test
    void withoutResetTheAttemptsStay() {
        webhook();

        Object reply = update("0", "name", "Orders v2");

        assertThat(asMap(reply)).containsEntry("attempts", "10").containsEntry("name", "Orders v2")
            .containsEntry("enabled", "0");
        assertThat(changes.published()).containsExactly(MESSAGE + " 4");
    }

    @Test
    void aWebhookThatDoesNotExistIsNotCreated() {
        assertThat(update("1", "name", "Orders")).isEqualTo("NOTFOUND");

        assertThat(redis.keys("hg:{p:" + PR + "}*")).isEmpty();
        assertThat(changes.published()).isEmpty();
    }
}
