package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.redis.QueueKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code lua/sweep_events.lua}: events read without a pending entry (NOACK) and never finished are put
 * back at the stream's end once a whole idle time has passed since a snapshot saw them handed out;
 * events not read yet, events finished, and events read after that snapshot stay where they are.
 */
class SweepEventsScriptTest extends ScriptHarness {
    private static final String SNAPSHOTS = QueueKeys.eventsSweep(0);
    private static final String MOVED = QueueKeys.eventsMoved(0);
    private static final long KEEP = 86_400_000L;
    private static final long IDLE = 60_000;
    private static final long STEP = 15_000;

    @BeforeEach
    void group() {
        createGroup(EVENTS, QueueKeys.FANOUT_GROUP);
    }

    /** A sweep at time {@code at}; answers how many entries it put back. */
    private static long sweep(long at, int count) {
        return (Long) run("sweep_events", List.of(EVENTS, SNAPSHOTS, MOVED), List.of(QueueKeys.FANOUT_GROUP, at, IDLE,
            STEP, count, KEEP));
    }

    private static String read(String eventId) {
        return readEvent(EVENTS, QueueKeys.FANOUT_GROUP, "id", eventId, "pr", PR);
    }

    /** The event IDs (field id) in the stream, in order. */
    private static List<String> streamEvents() {
        return entryFields(EVENTS).stream().map(f -> f.get("id")).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<String> snapshots() {
        return (List<String>) redis.call("LRANGE", SNAPSHOTS, "0", "-1");
    }

    @Test
    void anEventReadAndLeftGoesBackToTheStreamOnceASnapshotOfItIsIdleTimeOld() {
        String left = read("ev-1");
        String finished = read("ev-2");

        assertThat(sweep(NOW, 100)).as("the first sweep only takes a snapshot").isZero();
        assertThat(snapshots()).containsExactly(finished + " " + NOW);
        redis.call("XDEL", EVENTS, finished);
        assertThat(sweep(NOW + IDLE - 1, 100)).as("not idle long enough yet").isZero();
        assertThat(entries(EVENTS)).extracting(Entry::id).containsExactly(left);

        assertThat(sweep(NOW + IDLE, 100)).isEqualTo(1);
        List<Entry> now = entries(EVENTS);
        assertThat(now).hasSize(1);
        assertThat(now.get(0).id()).as("a new entry at the stream's end").isNotEqualTo(left);
        assertThat(now.get(0).fields()).isEqualTo(Map.of("id", "ev-1", "pr", PR));
        assertThat(zset(MOVED)).as("the old ID is noted for the replica that may still record it")
            .isEqualTo(Map.of(left, NOW + IDLE));
        assertThat(sweep(NOW + 2 * IDLE, 100)).as("put back, not read again: not handed out, left alone").isZero();
        Object read = redis.call("XREADGROUP", "GROUP", QueueKeys.FANOUT_GROUP, "c", "NOACK", "STREAMS", EVENTS, ">");
        assertThat(read).as("any replica reads it as a new entry").isNotNull();
        sweep(NOW + IDLE + KEEP + 1, 100);
        assertThat(zset(MOVED)).as("forgotten after a day").doesNotContainKey(left);
    }

    @Test
    void aPackedEntryGoesBackUnpackedWhileAnOlderReplicaSharesTheRedis() {
        String packed = "ev-1|" + PR + "|users.u1.create|1700000000000||rq|with|bars";
        readEvent(EVENTS, QueueKeys.FANOUT_GROUP, "e", packed, "pl", "{\"a\":1}");
        readEvent(EVENTS, QueueKeys.FANOUT_GROUP, "e", packed, "pl", "{\"b\":2}");
        sweep(NOW, 100);

        assertThat(run("sweep_events", List.of(EVENTS, SNAPSHOTS, MOVED), List.of(QueueKeys.FANOUT_GROUP, NOW + IDLE,
            IDLE, STEP, 1, KEEP, 0))).isEqualTo(1L);
        assertThat(run("sweep_events", List.of(EVENTS, SNAPSHOTS, MOVED), List.of(QueueKeys.FANOUT_GROUP, NOW + IDLE,
            IDLE, STEP, 1, KEEP, 1))).isEqualTo(1L);

        List<Entry> back = entries(EVENTS);
        assertThat(back).hasSize(2);
        assertThat(back.get(0).fields()).as("packed 0: the fields each their own, the last taking the rest")
            .isEqualTo(Map.of("id", "ev-1", "pr", PR, "nm", "users.u1.create", "at", "1700000000000", "us", "",
                "rq", "rq|with|bars", "pl", "{\"a\":1}"));
        assertThat(back.get(1).fields()).as("packed 1: as it was").isEqualTo(Map.of("e", packed, "pl", "{\"b\":2}"));
    }

    @Test
    void eventsNotReadYetOrReadAfterTheSnapshotStay() {
        read("ev-1");
        sweep(NOW, 100);
        String late = read("ev-2");
        String waiting = redis.command("XADD", EVENTS, "*", "id", "ev-3", "pr", PR);

        assertThat(sweep(NOW + STEP, 100)).isZero();
        assertThat(sweep(NOW + IDLE, 100)).as("ev-1 only").isEqualTo(1);
        assertThat(streamEvents()).containsExactly("ev-2", "ev-3", "ev-1");
        assertThat(sweep(NOW + STEP + IDLE, 100)).as("ev-2, handed out before the second snapshot").isEqualTo(1);
        assertThat(streamEvents()).containsExactly("ev-3", "ev-1", "ev-2");
        assertThat(entries(EVENTS)).extracting(Entry::id).contains(waiting).doesNotContain(late);
    }

    @Test
    void snapshotsAreTakenAtMostOncePerStepAndDroppedOnceSwept() {
        String a = read("ev-1");
        sweep(NOW, 100);
        sweep(NOW + STEP - 1, 100);
        String b = read("ev-2");
        sweep(NOW + STEP, 100);

        assertThat(snapshots()).containsExactly(a + " " + NOW, b + " " + (NOW + STEP));
        sweep(NOW + STEP + IDLE, 100);
        assertThat(snapshots()).as("both swept; a new one").hasSize(1).allMatch(s -> s.endsWith(" " + (NOW + STEP + IDLE)));
    }

    @Test
    void aFullBatchKeepsItsSnapshotSoThatTheNextCallGoesOn() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(read("ev-" + i));
        }
        sweep(NOW, 100);

        assertThat(sweep(NOW + IDLE, 2)).isEqualTo(2);
        assertThat(sweep(NOW + IDLE, 2)).isEqualTo(2);
        assertThat(sweep(NOW + IDLE, 2)).isEqualTo(1);
        assertThat(sweep(NOW + IDLE, 2)).isZero();
        assertThat(streamEvents()).containsExactly("ev-0", "ev-1", "ev-2", "ev-3", "ev-4");
        assertThat(entries(EVENTS)).extracting(Entry::id).doesNotContainAnyElementsOf(ids);
    }

    @Test
    void withoutItsConsumerGroupTheSweepDoesNothing() {
        redis.command("DEL", EVENTS);

        assertThat(sweep(NOW, 100)).isZero();
        assertThat(exists(SNAPSHOTS)).isFalse();
    }
}
