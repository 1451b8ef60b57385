package io.hookgate.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One webhook's share of capacity: when work starts, waits in the lane, or goes back to Redis. */
class LaneTest {

    @Test
    void startsUpToTheCapThenQueuesWhileTheWaitIsShortThenDefers() {
        Lane<String> lane = new Lane<>(2);
        assertThat(lane.idle()).isTrue();
        assertThat(lane.offer(0)).isEqualTo(Lane.Decision.START);
        lane.started(0);
        assertThat(lane.offer(0)).isEqualTo(Lane.Decision.START);
        lane.started(0);
        lane.finished(0, 10);  // tries take 10 ms
        lane.started(10);
        // A fast receiver: the queue is bounded by time, so hundreds may wait behind the cap.
        for (int i = 0; i < 100; i++) {
            assertThat(lane.offer(12)).as("offer %d behind a full, fast lane", i).isEqualTo(Lane.Decision.QUEUE);
            lane.queue("w" + i);
        }
        assertThat(lane.expectedWaitMs(12)).as("(100 / 2 + 1) x 12 ms, the age of the oldest try under way")
            .isEqualTo(612);
        assertThat(lane.idle()).isFalse();
        // The same lane once its receiver stops answering: 3 s without an answer, nothing more queues.
        assertThat(lane.offer(3_000)).isEqualTo(Lane.Decision.DEFER);
    }

    @Test
    void queuedWorkThatWouldNowWaitTooLongIsHandedBackFromTheTail() {
        Lane<String> lane = new Lane<>(1);
        lane.started(0);
        lane.queue("a");
        lane.queue("b");
        lane.queue("c");
        assertThat(lane.overdue(100)).as("100 ms tries: c waits 300 ms").isEmpty();
        // The try under way is 800 ms old: a waits 800 ms, b 1.6 s, c 2.4 s.
        assertThat(lane.overdue(800)).containsExactly("c");
        assertThat(lane.overdue(1_100)).as("b would wait 2.2 s").containsExactly("b");
        assertThat(lane.finished(0, 1_100)).isEqualTo("a");
    }

    @Test
    void finishedHandsOutQueuedWorkOldestFirst() {
        Lane<String> lane = new Lane<>(1);
        lane.started(0);
        lane.queue("a");
        lane.queue("b");
        assertThat(lane.finished(0, 10)).isEqualTo("a");
        lane.started(10);
        assertThat(lane.finished(10, 20)).isEqualTo("b");
        lane.started(20);
        assertThat(lane.finished(20, 30)).isNull();
        assertThat(lane.idle()).isTrue();
        assertThat(lane.offer(30)).isEqualTo(Lane.Decision.START);
    }

    @Test
    void drainQueueEmptiesTheQueueButNotTheTriesUnderWay() {
        Lane<String> lane = new Lane<>(1);
        lane.started(0);
        lane.queue("a");
        lane.queue("b");
        assertThat(lane.drainQueue()).containsExactly("a", "b");
        assertThat(lane.drainQueue()).isEmpty();
        assertThat(lane.idle()).as("a try is still under way").isFalse();
        assertThat(lane.finished(0, 5)).isNull();
        assertThat(lane.idle()).isTrue();
    }

    @Test
    void defersOnceTheExpectedWaitPassesTwoSeconds() {
        Lane<String> lane = new Lane<>(1);
        lane.started(0);
        // Nothing finished yet: the age of the try under way is the only estimate.
        assertThat(lane.latencyMs(1_500)).isEqualTo(1_500);
        assertThat(lane.offer(1_999)).isEqualTo(Lane.Decision.QUEUE);
        assertThat(lane.offer(2_001)).isEqualTo(Lane.Decision.DEFER);
        lane.queue("a");
        // One queued ahead: the next waits for two tries.
        assertThat(lane.expectedWaitMs(900)).isEqualTo(1_800);
        assertThat(lane.offer(900)).isEqualTo(Lane.Decision.QUEUE);
        assertThat(lane.offer(1_100)).isEqualTo(Lane.Decision.DEFER);
    }

    @Test
    void latencyIsTheMovingAverageWhenNothingIsUnderWay() {
        Lane<String> lane = new Lane<>(4);
        assertThat(lane.latencyMs(0)).isZero();
        lane.started(0);
        lane.finished(0, 1_000);
        assertThat(lane.latencyMs(5_000)).as("first sample").isEqualTo(1_000);
        lane.started(5_000);
        lane.finished(5_000, 5_000);
        assertThat(lane.latencyMs(9_000)).as("1000 + 0.2 x (0 - 1000)").isEqualTo(800);
    }

    @Test
    void latencyIsNeverBelowTheAgeOfTheOldestTryStillUnderWay() {
        Lane<String> lane = new Lane<>(3);
        lane.started(0);       // this one hangs
        lane.started(1_000);
        lane.started(1_050);
        lane.finished(1_000, 1_100);  // the younger ones answer in 100 ms
        lane.finished(1_050, 1_150);
        assertThat(lane.latencyMs(3_000)).as("the try started at 0 is still under way").isEqualTo(3_000);
        assertThat(lane.expectedWaitMs(3_000)).isEqualTo(3_000);
        // The lane has room, but work that has to queue behind the hanging try would be deferred.
        lane.started(3_000);
        lane.started(3_000);
        assertThat(lane.offer(3_000)).isEqualTo(Lane.Decision.DEFER);
    }

    @Test
    void deferDelayFollowsTheExpectedWaitWithinATenthOfASecondAndThirtySeconds() {
        Lane<String> lane = new Lane<>(1);
        assertThat(lane.deferDelayMs(0)).as("idle lane").isEqualTo(100);
        lane.started(0);
        assertThat(lane.deferDelayMs(5_000)).isEqualTo(5_000);
        lane.queue("a");
        lane.queue("b");
        assertThat(lane.deferDelayMs(5_000)).as("(2 / 1 + 1) x 5 s").isEqualTo(15_000);
        assertThat(lane.deferDelayMs(60_000)).isEqualTo(30_000);
    }

    @Test
    void deferredWorkIsBookedToComeBackAtTheLanesOwnPace() {
        Lane<String> lane = new Lane<>(2);
        lane.started(0);
        lane.started(0);
        // Tries take 5 s and two run at once: the lane has room for one more every 2.5 s.
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            delays.add(lane.deferDelayMs(5_000));
        }
        assertThat(delays).as("the first after the expected wait, each next 2.5 s later, none beyond 30 s")
            .containsExactly(5_000L, 7_500L, 10_000L, 12_500L, 15_000L, 17_500L, 20_000L, 22_500L, 25_000L, 27_500L,
                30_000L, 30_000L);
        lane.finished(0, 5_000);
        lane.finished(0, 5_000);
        assertThat(lane.deferDelayMs(100_000)).as("what was booked has come back: only the lane's own wait")
            .isEqualTo(5_000);
    }

    @Test
    void aLaneThatKeepsUpDefersOnlyForTheShortestStay() {
        Lane<String> lane = new Lane<>(4);
        lane.started(0);
        lane.finished(0, 10);
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            delays.add(lane.deferDelayMs(1_000));
        }
        assertThat(delays).as("10 ms tries, 4 at once: a place every 2 ms after the shortest stay")
            .containsExactly(100L, 102L, 104L, 106L, 108L);
    }
}
