package io.hookgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterShardsTest {
    private static final long T = ProcStat.TICKS_PER_SECOND;

    private static Harness.Shard shard(String node, List<Integer> partitions, long ownTicks, long rewriteTicks,
                                       long evalsha, long xadd, long fannedOut) {
        return new Harness.Shard(node, partitions, new ProcStat.Ticks(ownTicks, rewriteTicks),
            Map.of("evalsha", new long[] {evalsha, evalsha * 10}, "xadd", new long[] {xadd, 0}), fannedOut, 7);
    }

    @Test
    void dividesEachShardsCpuByAllDeliveriesAndByItsOwn() {
        List<Harness.Shard> before = List.of(
            shard("a", List.of(0, 4), 0, 0, 100, 10, 1_000),
            shard("b", List.of(1, 5), 0, 0, 100, 10, 1_000),
            shard("c", List.of(2, 3), 0, 0, 100, 10, 1_000));
        // 10 000 deliveries: a carried 5 000 with 2 s of CPU (0.5 s of it in rewrites), b and c 2 500 with 1 s each.
        List<Harness.Shard> after = List.of(
            shard("a", List.of(0, 4), 3 * T / 2, T / 2, 1_100, 510, 6_000),
            shard("b", List.of(1, 5), T, 0, 600, 260, 3_500),
            shard("c", List.of(2, 3), T, 0, 600, 260, 3_500));

        JsonObject r = ClusterShards.report(before, after, 10_000, 10.0);

        JsonObject a = r.getJsonArray("shards").getJsonObject(0);
        assertThat(a.getDouble("redisSecondsPer1000")).isEqualTo(0.2);
        assertThat(a.getDouble("redisSecondsPer1000OwnDeliveries")).isEqualTo(0.4);
        assertThat(a.getDouble("redisRewriteSecondsPer1000")).isEqualTo(0.05);
        assertThat(a.getDouble("redisCores")).isEqualTo(0.2);
        assertThat(a.getLong("deliveries")).isEqualTo(5_000);
        assertThat(a.getDouble("deliveryShare")).isEqualTo(0.5);
        assertThat(a.getJsonObject("commands").getJsonObject("evalsha").getLong("calls")).isEqualTo(1_000);
        assertThat(a.getJsonObject("commands").getJsonObject("evalsha").getDouble("share")).isEqualTo(0.5);
        assertThat(a.getJsonArray("partitions").getList()).containsExactly(0, 4);
        JsonObject b = r.getJsonArray("shards").getJsonObject(1);
        assertThat(b.getDouble("redisSecondsPer1000")).isEqualTo(0.1);
        assertThat(b.getDouble("redisSecondsPer1000OwnDeliveries")).isEqualTo(0.4);

        JsonObject spread = r.getJsonObject("spread");
        assertThat(spread.getJsonArray("deliveryShares").getList()).containsExactly(0.5, 0.25, 0.25);
        assertThat(spread.getJsonArray("xaddShares").getList()).containsExactly(0.5, 0.25, 0.25);
        assertThat(spread.getJsonArray("evalshaTimeShares").getList()).containsExactly(0.5, 0.25, 0.25);
        assertThat(spread.getJsonArray("redisCpuShares").getList()).containsExactly(0.5, 0.25, 0.25);
        assertThat(spread.getDouble("maxShareOverEven")).isEqualTo(1.5);
        assertThat(spread.getJsonArray("partitionsPerShard").getList()).containsExactly(2, 2, 2);
    }

    @Test
    void aWindowWithoutDeliveriesGivesZerosNotNaN() {
        List<Harness.Shard> same = List.of(shard("a", List.of(0), 5, 0, 1, 1, 10));
        JsonObject a = ClusterShards.report(same, same, 0, 0).getJsonArray("shards").getJsonObject(0);
        assertThat(a.getDouble("redisSecondsPer1000")).isZero();
        assertThat(a.getDouble("redisSecondsPer1000OwnDeliveries")).isZero();
        assertThat(a.getDouble("redisCores")).isZero();
        assertThat(a.getDouble("deliveryShare")).isZero();
    }
}
