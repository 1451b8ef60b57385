package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.redis.RedisKeys;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code lua/webhook_failure.lua}: counts failed tries and starts the streak's clock; under Appwrite's
 * policy (disableAfter -1, no circuit) disables at the limit; under hold, opens the circuit after
 * openAfter failures, moves the next probe a step further after a failed probe, and disables only once
 * the webhook has failed for disableAfter; a 410 disables at once. Publishes only on the first failure
 * (same version), the circuit opening (same version) and disabling (a new version).
 */
class WebhookFailureScriptTest extends ChangeScriptHarness {
    private static final String MESSAGE = "w " + PR + " " + WH;
    private static final int MAX_ATTEMPTS = 3;
    private static final long NOW = 1_000_000;

    /** Appwrite's policy: disable at MAX_ATTEMPTS, no circuit. */
    private static Object fail(String logs) {
        return fail(logs, NOW, -1, 0, "", false);
    }

    private static Object fail(String logs, long now, long disableAfterMs, int openAfter, String token, boolean gone) {
        return run("webhook_failure", List.of(RedisKeys.webhook(PR, WH), RedisKeys.probe(PR, WH)),
            List.of(logs, now, MAX_ATTEMPTS, disableAfterMs, openAfter, "1000,5000", token, gone ? "1" : "0",
                RedisKeys.CHANGES, MESSAGE));
    }

    /** The reply without its last element (the streak's start). */
    @SuppressWarnings("unchecked")
    private static List<Object> head(Object reply) {
        return ((List<Object>) reply).subList(0, 4);
    }

    private static void webhook(String enabled, int attempts) {
        redis.command("HSET", RedisKeys.webhook(PR, WH), "id", WH, "enabled", enabled, "attempts",
            Integer.toString(attempts), "logs", "");
    }

    @Test
    void theFirstFailurePublishesTheCurrentVersionAndStartsTheStreak() {
        webhook("1", 0);
        redis.command("SET", RedisKeys.version(PR), "5");

        assertThat(fail("HTTP 500")).isEqualTo(List.of(1L, "1", 0L, 0L, NOW));

        assertThat(hash(RedisKeys.webhook(PR, WH))).containsEntry("attempts", "1").containsEntry("logs", "HTTP 500")
            .containsEntry("failingSince", Long.toString(NOW));
        assertThat(redis.command("GET", RedisKeys.version(PR))).isEqualTo("5");
        assertThat(changes.published()).containsExactly(MESSAGE + " 5");
    }

    @Test
    void withoutAVersionYetTheFirstFailurePublishesVersionZero() {
        webhook("1", 0);

        fail("HTTP 500");

        assertThat(exists(RedisKeys.version(PR))).isFalse();
        assertThat(changes.published()).containsExactly(MESSAGE + " 0");
    }

    @Test
    void furtherFailuresBelowTheLimitOnlyCountAndReplaceTheLogsTheStreakKeepsItsStart() {
        webhook("1", 1);
        redis.command("HSET", RedisKeys.webhook(PR, WH), "failingSince", "900000");

        assertThat(fail("timeout")).isEqualTo(List.of(2L, "1", 0L, 0L, 900_000L));

        assertThat(hash(RedisKeys.webhook(PR, WH))).containsEntry("attempts", "2").containsEntry("logs", "timeout")
            .containsEntry("enabled", "1").containsEntry("failingSince", "900000");
        assertThat(changes.published()).isEmpty();
    }

    @Test
    void underAppwritesPolicyTheFailureAtTheLimitDisablesTheWebhookAndPublishesANewVersion() {
        webhook("1", MAX_ATTEMPTS - 1);
        redis.command("SET", RedisKeys.version(PR), "5");

        assertThat(head(fail("HTTP 502"))).containsExactly(3L, "0", 1L, 0L);

        assertThat(hash(RedisKeys.webhook(PR, WH))).containsEntry("enabled", "0").containsEntry("attempts", "3");
        assertThat(redis.command("GET", RedisKeys.version(PR))).isEqualTo("6");
        assertThat(changes.published()).containsExactly(MESSAGE + " 6");
    }

    @Test
    void aDisabledWebhookIsNotDisabledAgain() {
        webhook("0", MAX_ATTEMPTS);
        redis.command("SET", RedisKeys.version(PR), "6");
        redis.command("HSET", RedisKeys.webhook(PR, WH), "failingSince", "900000");

        assertThat(head(fail("HTTP 502"))).containsExactly(4L, "0", 0L, 0L);

        assertThat(redis.command("GET", RedisKeys.version(PR))).isEqualTo("6");
        assertThat(changes.published()).isEmpty();
    }

    @Test
    void underHoldTheCircuitOpensAfterOpenAfterFailuresAndTheFirstProbeIsDueAfterTheFirstStep() {
        webhook("1", 1);
        redis.command("SET", RedisKeys.version(PR), "7");

        assertThat(head(fail("HTTP 503", NOW, 60_000, 2, "", false))).containsExactly(2L, "1", 0L, 1L);

        assertThat(hash(RedisKeys.webhook(PR, WH))).containsEntry("circuit", "open").containsEntry("probes", "0")
            .containsEntry("probeAt", Long.toString(NOW + 1000)).containsEntry("enabled", "1");
        assertThat(redis.command("GET", RedisKeys.version(PR))).as("matching did not change").isEqualTo("7");
        assertThat(changes.published()).containsExactly(MESSAGE + " 7");
    }

    @Test
    void aFailedProbeReleasesItsLeaseAndMovesTheNextProbeAStepFurther() {
        webhook("1", 2);
        redis.command("HSET", RedisKeys.webhook(PR, WH), "circuit", "open", "probes", "0", "probeAt", "0",
            "failingSince", Long.toString(NOW - 1000));
        redis.command("SET", RedisKeys.probe(PR, WH), "token-1", "PX", "60000");

        assertThat(head(fail("HTTP 503", NOW, 60_000, 2, "token-1", false))).containsExactly(3L, "1", 0L, 0L);

        assertThat(hash(RedisKeys.webhook(PR, WH))).containsEntry("probes", "1")
            .containsEntry("probeAt", Long.toString(NOW + 5000)).containsEntry("circuit", "open");
        assertThat(exists(RedisKeys.probe(PR, WH))).isFalse();
        assertThat(changes.published()).isEmpty();

        // Past the last step, probes keep its wait.
        fail("HTTP 503", NOW, 60_000, 2, "", false);
        redis.command("SET", RedisKeys.probe(PR, WH), "token-2", "PX", "60000");
        fail("HTTP 503", NOW, 60_000, 2, "token-2", false);
        assertThat(hash(RedisKeys.webhook(PR, WH))).containsEntry("probes", "2")
            .containsEntry("probeAt", Long.toString(NOW + 5000));
    }

    @Test
    void anotherTokensLeaseIsNotReleased() {
        webhook("1", 2);
        redis.command("HSET", RedisKeys.webhook(PR, WH), "circuit", "open", "probes", "0");
        redis.command("SET", RedisKeys.probe(PR, WH), "theirs", "PX", "60000");

        fail("HTTP 503", NOW, 60_000, 2, "mine", false);

        assertThat(redis.command("GET", RedisKeys.probe(PR, WH))).isEqualTo("theirs");
    }

    @Test
    void underHoldTheLimitDisablesOnlyOnceFailingForDisableAfter() {
        webhook("1", MAX_ATTEMPTS + 5);
        redis.command("HSET", RedisKeys.webhook(PR, WH), "circuit", "open", "failingSince", Long.toString(NOW - 59_999));
        assertThat(head(fail("HTTP 503", NOW, 60_000, 2, "", false))).containsExactly(9L, "1", 0L, 0L);

        assertThat(head(fail("HTTP 503", NOW + 1, 60_000, 2, "", false))).containsExactly(10L, "0", 1L, 0L);
        assertThat(hash(RedisKeys.webhook(PR, WH))).containsEntry("enabled", "0").containsEntry("circuit", "");
    }

    @Test
    void a410DisablesAtOnceWhateverThePolicy() {
        webhook("1", 0);

        assertThat(head(fail("HTTP 410", NOW, 60_000, 2, "", true))).containsExactly(1L, "0", 1L, 0L);

        assertThat(hash(RedisKeys.webhook(PR, WH))).containsEntry("enabled", "0");
    }

    @Test
    void aWebhookThatIsGoneAnswersNilAndIsNotRecreated() {
        assertThat(fail("HTTP 500")).isNull();

        assertThat(exists(RedisKeys.webhook(PR, WH))).isFalse();
        assertThat(changes.published()).isEmpty();
    }
}
