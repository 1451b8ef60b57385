package io.hookgate.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InOrderTest {

    @Test
    void tasksOfOneKeyRunOneAfterTheOtherAndOthersDoNotWait() {
        InOrder inOrder = new InOrder();
        List<String> started = new ArrayList<>();
        Promise<String> first = Promise.promise();
        Promise<String> second = Promise.promise();
        List<String> applied = new ArrayList<>();

        inOrder.run("w1", () -> {
            started.add("w1#1");
            return first.future();
        }).onSuccess(applied::add);
        inOrder.run("w1", () -> {
            started.add("w1#2");
            return second.future();
        }).onSuccess(applied::add);
        inOrder.run("w2", () -> {
            started.add("w2#1");
            return Future.succeededFuture("w2 state");
        }).onSuccess(applied::add);
        assertThat(started).as("the second read of w1 waits for the first").containsExactly("w1#1", "w2#1");

        // The second read's answer would be the newer state; it cannot be applied before the first's.
        first.complete("w1 older state");
        assertThat(started).containsExactly("w1#1", "w2#1", "w1#2");
        second.complete("w1 newer state");
        assertThat(applied).containsExactly("w2 state", "w1 older state", "w1 newer state");
        assertThat(inOrder.size()).isZero();
    }

    @Test
    void aFailedTaskDoesNotStopTheNextOne() {
        InOrder inOrder = new InOrder();
        Promise<String> first = Promise.promise();
        List<String> applied = new ArrayList<>();
        Future<String> failed = inOrder.run("w", first::future);
        inOrder.run("w", () -> Future.succeededFuture("next")).onSuccess(applied::add);
        first.fail("Redis unreachable");
        assertThat(failed.failed()).isTrue();
        assertThat(applied).containsExactly("next");
        assertThat(inOrder.size()).isZero();
    }
}
