package io.hookgate.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadlinesTest {
    @Test
    void aTryPastItsDeadlineExpiresOnceAndSaysSo() {
        Deadlines deadlines = new Deadlines(1_000);
        List<String> expired = new ArrayList<>();
        Deadlines.Deadline a = deadlines.start(100, () -> expired.add("a"));
        Deadlines.Deadline b = deadlines.start(150, () -> expired.add("b"));

        deadlines.expire(1_100);
        assertThat(expired).as("the clock must be past the deadline: the try may have started late in ms 100")
            .isEmpty();
        deadlines.expire(1_101);
        assertThat(expired).containsExactly("a");
        assertThat(a.timedOut()).isTrue();
        assertThat(b.timedOut()).isFalse();
        deadlines.expire(5_000);
        deadlines.expire(6_000);
        assertThat(expired).containsExactly("a", "b");
        assertThat(deadlines.queued()).isZero();
    }

    @Test
    void anEndedTryNeverExpiresAndLeavesOnceItReachesTheHead() {
        Deadlines deadlines = new Deadlines(1_000);
        List<String> expired = new ArrayList<>();
        Deadlines.Deadline slow = deadlines.start(0, () -> expired.add("slow"));
        Deadlines.Deadline fast = deadlines.start(10, () -> expired.add("fast"));
        deadlines.done(fast);

        deadlines.expire(500);
        assertThat(deadlines.queued()).as("kept behind the try still under way").isEqualTo(2);
        deadlines.done(slow);
        deadlines.expire(501);
        assertThat(deadlines.queued()).isZero();
        deadlines.expire(10_000);
        assertThat(expired).isEmpty();
        assertThat(fast.timedOut()).isFalse();
    }

    @Test
    void endedTriesBehindASlowOneAreCompactedAway() {
        Deadlines deadlines = new Deadlines(15_000);
        List<String> expired = new ArrayList<>();
        deadlines.start(0, () -> expired.add("slow"));
        List<Deadlines.Deadline> fast = new ArrayList<>();
        for (int i = 1; i <= 2_000; i++) {
            fast.add(deadlines.start(i, () -> expired.add("fast")));
        }
        fast.forEach(deadlines::done);
        assertThat(deadlines.queued()).as("not 2 001 kept until the slow try's deadline").isLessThanOrEqualTo(600);

        deadlines.expire(15_001);
        assertThat(expired).containsExactly("slow");
        assertThat(deadlines.queued()).isZero();
    }

    @Test
    void theCheckComesOftenEnoughForTheTimeout() {
        assertThat(new Deadlines(15_000).checkEveryMs()).isEqualTo(250);
        assertThat(new Deadlines(1_000).checkEveryMs()).isEqualTo(50);
        assertThat(new Deadlines(20).checkEveryMs()).isEqualTo(5);
    }
}
