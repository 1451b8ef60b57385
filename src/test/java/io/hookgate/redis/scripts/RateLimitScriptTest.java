package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.redis.RedisKeys;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code lua/rate_limit.lua}: a token bucket on Redis's clock, with a burst of 5. At 10 tokens a second a
 * bucket refills in 500 ms, so it lives 1 500 ms after its last use. The refill tests take 1 token a second,
 * so that the time the test itself takes hardly counts.
 */
class RateLimitScriptTest extends ScriptHarness {
    private static final String BUCKET = RedisKeys.rate(PR);
    private static final int RATE = 10;
    private static final int BURST = 5;

    private static long take(int cost) {
        return take(RATE, cost);
    }

    private static long take(int rate, int cost) {
        return (Long) run("rate_limit", List.of(BUCKET), List.of(rate, BURST, cost));
    }

    /** Redis's clock in ms, as the script reads it. */
    private static long redisNow() {
        List<?> t = (List<?>) redis.call("TIME");
        return Long.parseLong((String) t.get(0)) * 1000 + Long.parseLong((String) t.get(1)) / 1000;
    }

    @Test
    void aNewBucketStartsFullAndTakesTheCost() {
        long before = redisNow();

        assertThat(take(3)).isZero();

        long after = redisNow();
        Map<String, String> bucket = hash(BUCKET);
        assertThat(bucket).containsEntry("t", "2").containsOnlyKeys("t", "ts");
        assertThat(Long.parseLong(bucket.get("ts"))).isBetween(before, after);
        assertThat((Long) redis.call("PTTL", BUCKET)).isBetween(1_000L, 1_500L);
    }

    @Test
    void tooFewTokensAnswerTheWaitForTheMissingOnesAndTakeNothing() {
        // Last refilled in the future: no time has passed for the bucket, so it holds exactly 0.5.
        redis.command("HSET", BUCKET, "t", "0.5", "ts", Long.toString(redisNow() + 3_600_000));

        assertThat(take(2)).as("1.5 tokens missing at 10 a second").isEqualTo(150);

        assertThat(hash(BUCKET)).containsEntry("t", "0.5");
        assertThat((Long) redis.call("PTTL", BUCKET)).isBetween(1_000L, 1_500L);
    }

    @Test
    void theBucketRefillsAtTheRateUpToTheBurst() {
        // 100 s at 1 a second would be 100 tokens: the bucket holds 5 at most.
        redis.command("HSET", BUCKET, "t", "0", "ts", Long.toString(redisNow() - 100_000));

        assertThat(take(1, BURST)).isZero();
        assertThat(hash(BUCKET)).containsEntry("t", "0");

        assertThat(take(1, 1)).as("emptied by the first take: a token takes 1 s").isBetween(1L, 1_000L);
    }

    @Test
    void aPartlyRefilledBucketCountsTheElapsedTime() {
        // 2.5 s at 1 a second: 2.5 tokens, and a little more for the time this test takes.
        redis.command("HSET", BUCKET, "t", "0", "ts", Long.toString(redisNow() - 2_500));

        assertThat(take(1, 2)).isZero();
        assertThat(Double.parseDouble(hash(BUCKET).get("t"))).isBetween(0.5, 1.5);

        assertThat(take(1, 2)).as("half a token or more missing").isBetween(500L, 1_500L);
    }
}
