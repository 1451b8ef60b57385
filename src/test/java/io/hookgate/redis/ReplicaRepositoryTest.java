package io.hookgate.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the replicas sharing a Redis read ({@link ReplicaRepository}), against a real Redis: a consumer of
 * the events stream that says nothing is a replica of an older version, read as layout 1, until it stops
 * reading; replicas of this version say 4.
 */
class ReplicaRepositoryTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static RedisServer redis;
    private static Vertx vertx;
    private static Redis client;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        vertx = Vertx.vertx();
        client = Redis.createClient(vertx, redis.url());
    }

    @AfterAll
    static void stop() {
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            redis.close();
        }
    }

    @BeforeEach
    void groups() {
        redis.command("FLUSHALL");
        for (int p = 0; p < 2; p++) {
            redis.command("XGROUP", "CREATE", QueueKeys.events(p), QueueKeys.FANOUT_GROUP, "$", "MKSTREAM");
        }
    }

    private static ReplicaRepository.Readers readable(String self, long activeMs) {
        return readers(new ReplicaRepository(client, 2, activeMs), self);
    }

    /** What {@code repository} (one replica's, remembering what it heard) answers {@code self} now. */
    private static ReplicaRepository.Readers readers(ReplicaRepository repository, String self) {
        try {
            return repository.readable(self).await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A replica of this version, {@code id}, said its layout and read a partition; replica new-a heard it
     * (the repository answered); then its word went (expired after a kill). Answers new-a's repository.
     */
    private static ReplicaRepository heardThenSilent(String id, int partition) {
        ReplicaRepository heard = new ReplicaRepository(client, 2, 60_000);
        readable(id, 60_000);
        reads(id, partition);
        assertThat(readers(heard, "new-a").layout()).isEqualTo(RecordLayout.NEWEST);
        redis.command("DEL", ReplicaRepository.said(id));
        return heard;
    }

    /**
     * What a replica's fan-out does: reads the events stream of a partition under its replica ID (an event
     * first: before Redis 7.2 a consumer is made, and its idle time restarted, only by a read that gets one).
     */
    private static void reads(String replicaId, int partition) {
        String id = redis.command("XADD", QueueKeys.events(partition), "*", "e", "x");
        redis.call("XREADGROUP", "GROUP", QueueKeys.FANOUT_GROUP, replicaId, "COUNT", "1", "NOACK",
            "STREAMS", QueueKeys.events(partition), ">");
        redis.command("XDEL", QueueKeys.events(partition), id);
    }

    @Test
    void aloneItReadsTheNewestAndSaysSoForAWhile() {
        ReplicaRepository.Readers r = readable("new-a", ReplicaRepository.ACTIVE_MS);

        assertThat(r.layout()).isEqualTo(RecordLayout.NEWEST);
        assertThat(r.older()).isEmpty();
        assertThat(redis.command("GET", ReplicaRepository.said("new-a"))).isEqualTo(Integer.toString(RecordLayout.NEWEST));
        assertThat(Long.parseLong(redis.command("TTL", ReplicaRepository.said("new-a"))))
            .isBetween(1L, ReplicaRepository.SAID_FOR_SECONDS);
    }

    @Test
    void aReaderThatSaysNothingIsAnOlderReplicaReadingLayoutOne() {
        reads("new-a", 0);
        reads("old-b", 1);

        ReplicaRepository.Readers r = readable("new-a", ReplicaRepository.ACTIVE_MS);

        assertThat(r.layout()).as("its own reads do not count").isEqualTo(RecordLayout.OLDEST);
        assertThat(r.older()).containsExactly("old-b");
    }

    @Test
    void replicasOfThisVersionAndOnesThatSayAnOlderLayoutCountForWhatTheySay() {
        readable("new-c", ReplicaRepository.ACTIVE_MS);
        reads("new-c", 0);
        assertThat(readable("new-a", ReplicaRepository.ACTIVE_MS).layout()).isEqualTo(RecordLayout.NEWEST);

        redis.command("SET", ReplicaRepository.said("mid-d"), "3", "EX", "30");
        reads("mid-d", 1);
        ReplicaRepository.Readers r = readable("new-a", ReplicaRepository.ACTIVE_MS);
        assertThat(r.layout()).isEqualTo(3);
        assertThat(r.older()).containsExactly("mid-d");
    }

    @Test
    void aReaderThatStoppedReadingNoLongerCounts() {
        reads("old-b", 0);
        assertThat(readable("new-a", 60_000).layout()).isEqualTo(RecordLayout.OLDEST);

        Await.until("the old replica idle past 300 ms", WAIT,
            () -> readable("new-a", 300).layout() == RecordLayout.NEWEST);
        assertThat(readable("new-a", 60_000).layout()).as("still within a minute").isEqualTo(RecordLayout.OLDEST);
    }

    @Test
    void aReplicaThatStoppedIsNotTakenForAnOlderOneByThoseThatHeardIt() {
        ReplicaRepository heard = heardThenSilent("new-c", 1);

        assertThat(readers(heard, "new-a").layout()).as("it said 4 before").isEqualTo(RecordLayout.NEWEST);
        assertThat(readable("new-b", 60_000).older()).as("one that never heard it cannot tell")
            .containsExactly("new-c");
    }

    @Test
    void aReplicaThatReadsAfterItsWordWentIsAnOlderBuildUnderTheSameId() {
        ReplicaRepository heard = heardThenSilent("pod-0", 0);
        assertThat(readers(heard, "new-a").layout()).as("seen gone, not yet read since").isEqualTo(RecordLayout.NEWEST);

        // An older build started under the same ID reads (and says nothing).
        Await.until("a read after the word went", WAIT, () -> {
            reads("pod-0", 0);
            return readers(heard, "new-a").layout() == RecordLayout.OLDEST;
        });
    }

    @Test
    void aReplicaThatLeavesTakesItsWordAndItsConsumersAlong() throws Exception {
        readable("new-c", 60_000);
        reads("new-c", 0);
        reads("new-c", 1);

        new ReplicaRepository(client, 2, 60_000).leave("new-c").await(10, TimeUnit.SECONDS);

        assertThat(redis.command("EXISTS", ReplicaRepository.said("new-c"))).isEqualTo("0");
        for (int p = 0; p < 2; p++) {
            assertThat((java.util.List<?>) redis.call("XINFO", "CONSUMERS", QueueKeys.events(p), QueueKeys.FANOUT_GROUP))
                .isEmpty();
        }
        assertThat(readable("new-a", 60_000).layout()).isEqualTo(RecordLayout.NEWEST);
    }

    @Test
    void aRedisWithoutTheStreamsHasNoReaders() {
        redis.command("FLUSHALL");

        assertThat(readable("new-a", ReplicaRepository.ACTIVE_MS).layout()).isEqualTo(RecordLayout.NEWEST);
    }

    @Test
    void theLayoutWrittenIsTheConfiguredOneAtMost() {
        RecordLayout four = new RecordLayout(4);
        assertThat(four.limitTo(1)).isEqualTo(1);
        assertThat(four.current()).isEqualTo(1);
        assertThat(four.limitTo(RecordLayout.NEWEST)).isEqualTo(4);
        RecordLayout three = new RecordLayout(3);
        assertThat(three.limitTo(RecordLayout.NEWEST)).as("never newer than configured").isEqualTo(3);
        assertThat(three.limitTo(2)).isEqualTo(2);
        assertThat(three.limitTo(0)).as("never below the oldest").isEqualTo(RecordLayout.OLDEST);
    }
}
