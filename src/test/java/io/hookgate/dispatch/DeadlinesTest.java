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

        deadlines.expire(1_099);
        assertThat(expired).isEmpty();
        deadlines.expire(1_100);
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
    void theCheckComesOftenEnoughForTheTimeout() {
        assertThat(new Deadlines(15_000).checkEveryMs()).isEqualTo(250);
        assertThat(new Deadlines(1_000).checkEveryMs()).isEqualTo(50);
        assertThat(new Deadlines(20).checkEveryMs()).isEqualTo(5);
    }
}
