package io.hookgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The retry maths: parsing a schedule, jitter, the Retry-After clamp, when to stop, Retry-After parsing. */
class RetryScheduleTest {

    @Test
    void parsesEveryUnitIgnoringCaseAndBlanks() {
        assertThat(RetrySchedule.parse("250ms, 5s,5M ,2h,1D")).containsExactly(Duration.ofMillis(250),
            Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofHours(2), Duration.ofDays(1));
        assertThat(RetrySchedule.parse("5s,5m,30m,2h,5h,10h,14h,20h,24h")).hasSize(9)
            .startsWith(Duration.ofSeconds(5)).endsWith(Duration.ofHours(24));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "5s,", "5s,,", ",5s", "5s,,5m", "5", "s", "5x", "5 s", "-5s", "1.5s", "0s", "0ms",
        "1234567890123s", "5sec"})
    void rejectsABadSchedule(String text) {
        assertThatThrownBy(() -> RetrySchedule.parse(text)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("retry schedule");
    }

    @Test
    void noneMeansOneTryAsAppwriteMakes() {
        assertThat(RetrySchedule.parse(" None ")).isEmpty();
        RetrySchedule none = new RetrySchedule(RetrySchedule.parse(RetrySchedule.NONE));
        assertThat(none.hasNext(1)).as("no try after the first").isFalse();
        assertThat(none.maxSpan()).isZero();
        assertThat(RetrySchedule.parse(RetrySchedule.DEFAULT)).hasSize(9);
    }

    @Test
    void jitterStaysWithinTwentyPercentAndSpreadsOverTheRange() {
        RetrySchedule schedule = new RetrySchedule(List.of(Duration.ofSeconds(10), Duration.ofMinutes(5)));
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 20_000; i++) {
            long d = schedule.delayMs(1, -1);
            min = Math.min(min, d);
            max = Math.max(max, d);
            assertThat(schedule.delayMs(2, -1)).isBetween(240_000L, 360_000L);
        }
        assertThat(min).as("shortest of 20000 draws").isBetween(8_000L, 8_100L);
        assertThat(max).as("longest of 20000 draws").isBetween(11_900L, 12_000L);
    }

    @Test
    void jitterBoundsAreExactAtTheExtremesOfTheRandomSource() {
        List<Duration> steps = List.of(Duration.ofMillis(1000));
        assertThat(new RetrySchedule(steps, () -> 0.0).delayMs(1, -1)).isEqualTo(800);
        assertThat(new RetrySchedule(steps, () -> 0.5).delayMs(1, -1)).isEqualTo(1000);
        assertThat(new RetrySchedule(steps, () -> Math.nextDown(1.0)).delayMs(1, -1)).isEqualTo(1200);
        // A 1 ms step cannot jitter below 1 ms.
        assertThat(new RetrySchedule(List.of(Duration.ofMillis(1)), () -> 0.0).delayMs(1, -1)).isEqualTo(1);
    }

    @Test
    void retryAfterIsClampedToBetweenOneAndTwoStepsWithoutJitter() {
        Random random = new Random(7);
        RetrySchedule schedule = new RetrySchedule(List.of(Duration.ofSeconds(1), Duration.ofSeconds(10)),
            random::nextDouble);
        assertThat(schedule.delayMs(1, 0)).as("Retry-After 0 is no faster than the step").isEqualTo(1_000);
        assertThat(schedule.delayMs(1, 400)).isEqualTo(1_000);
        assertThat(schedule.delayMs(1, 1_500)).as("within range: honoured exactly").isEqualTo(1_500);
        assertThat(schedule.delayMs(1, 2_000)).isEqualTo(2_000);
        assertThat(schedule.delayMs(1, 5_000)).as("Retry-After 5 s on a 1 s step").isEqualTo(2_000);
        assertThat(schedule.delayMs(1, Long.MAX_VALUE)).isEqualTo(2_000);
        assertThat(schedule.delayMs(2, 3_600_000)).as("second step").isEqualTo(20_000);
        assertThat(schedule.delayMs(2, 12_345)).isEqualTo(12_345);
    }

    @Test
    void hasNextAllowsOneTryPerStepAfterTheFirst() {
        RetrySchedule schedule = new RetrySchedule(RetrySchedule.parse("1s,2s,3s"));
        assertThat(schedule.hasNext(0)).as("no failed try yet").isFalse();
        assertThat(schedule.hasNext(1)).isTrue();
        assertThat(schedule.hasNext(3)).as("after the third failure the last step still applies").isTrue();
        assertThat(schedule.hasNext(4)).as("n steps allow n + 1 tries").isFalse();
        assertThat(schedule.hasNext(-1)).isFalse();
        RetrySchedule single = new RetrySchedule(RetrySchedule.parse("1h"));
        assertThat(single.hasNext(1)).isTrue();
        assertThat(single.hasNext(2)).isFalse();
    }

    @Test
    void maxSpanIsTwiceTheSumOfTheSteps() {
        assertThat(new RetrySchedule(RetrySchedule.parse("5s,5m,30m")).maxSpan())
            .isEqualTo(Duration.ofSeconds(2 * (5 + 300 + 1800)));
    }

    @Test
    void parsesRetryAfterInSeconds() {
        assertThat(RetrySchedule.parseRetryAfter("0", 0)).isZero();
        assertThat(RetrySchedule.parseRetryAfter("5", 0)).isEqualTo(5_000);
        assertThat(RetrySchedule.parseRetryAfter(" 120 ", 0)).isEqualTo(120_000);
        assertThat(RetrySchedule.parseRetryAfter("4294967295", 0)).isEqualTo(4_294_967_295_000L);
    }

    @Test
    void parsesRetryAfterAsAnHttpDateRelativeToNow() {
        ZonedDateTime at = ZonedDateTime.of(2015, 10, 21, 7, 28, 0, 0, ZoneOffset.UTC);
        long atMs = at.toInstant().toEpochMilli();
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(at);
        assertThat(date).isEqualTo("Wed, 21 Oct 2015 07:28:00 GMT");
        assertThat(RetrySchedule.parseRetryAfter(date, atMs - 30_000)).isEqualTo(30_000);
        assertThat(RetrySchedule.parseRetryAfter(date, atMs - 1)).isEqualTo(1);
        assertThat(RetrySchedule.parseRetryAfter(date, atMs + 60_000)).as("a date in the past").isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "soon", "-5", "1.5", "5s", "99999999999", "2015-10-21T07:28:00Z",
        "Wed, 32 Oct 2015 07:28:00 GMT"})
    void unreadableRetryAfterIsAbsent(String value) {
        assertThat(RetrySchedule.parseRetryAfter(value, 1_000_000)).isEqualTo(-1);
    }

    @Test
    void missingRetryAfterIsAbsent() {
        assertThat(RetrySchedule.parseRetryAfter(null, 0)).isEqualTo(-1);
    }
}
