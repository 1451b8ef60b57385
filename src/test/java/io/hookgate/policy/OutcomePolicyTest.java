package io.hookgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.bus.DeliveryOutcome;
import io.hookgate.policy.OutcomePolicy.Decision;
import io.hookgate.policy.OutcomePolicy.Decision.Kind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each situation of a delivery comes to, without Redis or Vert.x. */
class OutcomePolicyTest {
    private static final long NOW = 1_000_000;
    /** Two retries, 10 s and 60 s after the first and the second failure; no jitter (random 0.5). */
    private static final RetrySchedule SCHEDULE =
        new RetrySchedule(List.of(Duration.ofSeconds(10), Duration.ofSeconds(60)), () -> 0.5);
    private final OutcomePolicy policy = new OutcomePolicy(SCHEDULE, 10, OutcomePolicy.FailurePolicy.HOLD,
        Duration.ofHours(72), 5);
    private final OutcomePolicy appwrite = new OutcomePolicy(SCHEDULE, 10, OutcomePolicy.FailurePolicy.APPWRITE,
        Duration.ofHours(72), 5);

    private static DeliveryOutcome.Failed failed(int status, long retryAfterMs) {
        return new DeliveryOutcome.Failed(status, status == 0 ? "timed out after 15000 ms" : "", "logs", 5, Map.of(),
            "", retryAfterMs);
    }

    private static final DeliveryOutcome DELIVERED = new DeliveryOutcome.Delivered(204, 3, Map.of(), "");

    @Test
    void beforeATryAGoneWebhookDropsAGonePayloadFailsADisabledWebhookParks() {
        assertThat(policy.beforeTry(false, true, true).kind()).isEqualTo(Kind.DROPPED);
        assertThat(policy.beforeTry(false, false, false).kind()).as("gone wins").isEqualTo(Kind.DROPPED);
        Decision gone = policy.beforeTry(true, true, false);
        assertThat(gone.kind()).isEqualTo(Kind.FAILED);
        assertThat(gone.reason()).isEqualTo(OutcomePolicy.PAYLOAD_GONE);
        assertThat(policy.beforeTry(true, false, true).kind()).isEqualTo(Kind.PARKED);
        assertThat(policy.beforeTry(true, true, true).kind()).isEqualTo(Kind.TRY);
    }

    @Test
    void aSuccessIsDeliveredWhateverTheWebhooksState() {
        assertThat(policy.afterTry(DELIVERED, 0, true, false, NOW).kind()).isEqualTo(Kind.DELIVERED);
        assertThat(policy.afterTry(DELIVERED, 2, false, false, NOW).kind()).isEqualTo(Kind.DELIVERED);
    }

    @Test
    void failuresRetryOnTheScheduleThenFailForGood() {
        Decision first = policy.afterTry(failed(500, -1), 0, true, false, NOW);
        assertThat(first.kind()).isEqualTo(Kind.RETRY);
        assertThat(first.retryAtMs()).isEqualTo(NOW + 10_000);
        Decision second = policy.afterTry(failed(0, -1), 1, true, false, NOW);
        assertThat(second.kind()).isEqualTo(Kind.RETRY);
        assertThat(second.retryAtMs()).isEqualTo(NOW + 60_000);
        assertThat(policy.afterTry(failed(503, -1), 2, true, false, NOW).kind()).as("schedule ended").isEqualTo(Kind.FAILED);
    }

    @Test
    void retryAfterIsHonouredWithinOneToTwoSteps() {
        assertThat(policy.afterTry(failed(429, 15_000), 0, true, false, NOW).retryAtMs()).isEqualTo(NOW + 15_000);
        assertThat(policy.afterTry(failed(429, 3_600_000), 0, true, false, NOW).retryAtMs()).isEqualTo(NOW + 20_000);
        assertThat(policy.afterTry(failed(503, 1), 0, true, false, NOW).retryAtMs()).isEqualTo(NOW + 10_000);
    }

    @Test
    void aFailureOfADisabledWebhookParksInsteadOfRetrying() {
        assertThat(policy.afterTry(failed(500, -1), 0, false, false, NOW).kind()).isEqualTo(Kind.PARKED);
        assertThat(policy.afterTry(failed(500, -1), 2, false, false, NOW).kind()).isEqualTo(Kind.PARKED);
    }

    @Test
    void only410IsGoneForGood() {
        assertThat(policy.gone(failed(410, -1))).isTrue();
        assertThat(policy.gone(failed(500, -1))).isFalse();
        assertThat(policy.gone(failed(0, -1))).isFalse();
        // A 410 whose answer was too big to read whole failed on curl's file-size error, not on its status.
        assertThat(policy.gone(new DeliveryOutcome.Failed(410, "Maximum file size exceeded", "logs", 5, Map.of(), "",
            -1))).isFalse();
        assertThat(appwrite.gone(failed(410, -1))).as("Appwrite counts a 410 as any failure").isFalse();
    }

    @Test
    void aRefusedTargetIsRetriedOnTheScheduleLikeAnyFailedTry() {
        DeliveryOutcome refused = new DeliveryOutcome.Refused("the host resolves to an address that deliveries may"
            + " not reach", 1);
        Decision first = policy.afterTry(refused, 0, true, false, NOW);
        assertThat(first.kind()).isEqualTo(Kind.RETRY);
        assertThat(first.retryAtMs()).isEqualTo(NOW + 10_000);
        assertThat(policy.afterTry(refused, 2, true, false, NOW).kind()).isEqualTo(Kind.FAILED);
    }

    @Test
    void whileTheCircuitIsOpenNewDeliveriesAreHeldAndRetriesWaitForTheNextProbe() {
        assertThat(policy.whileOpen(0, NOW + 5_000).kind()).isEqualTo(Kind.HELD);
        Decision retry = policy.whileOpen(2, NOW + 5_000);
        assertThat(retry.kind()).isEqualTo(Kind.WAIT);
        assertThat(retry.retryAtMs()).isEqualTo(NOW + 5_000);
    }

    @Test
    void aHeldProbeThatFailsIsHeldAgainOneThatSucceedsIsDelivered() {
        assertThat(policy.afterTry(failed(503, -1), 0, true, true, NOW).kind()).isEqualTo(Kind.HELD);
        assertThat(policy.afterTry(DELIVERED, 0, true, true, NOW).kind()).isEqualTo(Kind.DELIVERED);
        assertThat(policy.afterTry(failed(410, -1), 0, false, true, NOW).kind()).as("disabled by it").isEqualTo(Kind.PARKED);
    }

    @Test
    void withoutRetriesAFailedTryIsFinalAndAnOpenCircuitIsStillProbed() {
        OutcomePolicy once = new OutcomePolicy(new RetrySchedule(RetrySchedule.parse("none")), 10,
            OutcomePolicy.FailurePolicy.HOLD, Duration.ofHours(72), 5);

        assertThat(once.afterTry(failed(500, -1), 0, true, false, NOW).kind()).isEqualTo(Kind.FAILED);
        assertThat(once.afterTry(failed(429, 30_000), 0, true, false, NOW).kind()).isEqualTo(Kind.FAILED);
        assertThat(once.probeStepsMs()).as("the default schedule's steps").startsWith(5_000L, 300_000L).hasSize(9);
    }

    @Test
    void holdHasACircuitAndDisablesAfterATimeAppwriteDisablesByCountOnly() {
        assertThat(policy.circuitOpenAfter()).isEqualTo(5);
        assertThat(policy.disableAfterMs()).isEqualTo(72 * 3_600_000L);
        assertThat(policy.probeStepsMs()).containsExactly(10_000L, 60_000L);
        assertThat(appwrite.circuitOpenAfter()).as("no circuit").isZero();
        assertThat(appwrite.disableAfterMs()).as("by count alone").isEqualTo(-1);
        assertThat(appwrite.maxFailedAttempts()).isEqualTo(10);
    }
}
