package io.hookgate.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * The cluster scenario's figures per master, from two {@link Harness.Shard} snapshots taken around
 * its measured window: what each shard's Redis cost per delivery, and how evenly the work spread.
 *
 * <p>A shard's CPU is divided two ways: by all the window's deliveries (the shards' figures then sum
 * to the cluster's), and by the deliveries its own partitions carried (the events fanned out there:
 * at fan-out 1, one delivery each), which compares a shard with the single Redis of scenario 1
 * whatever its share. The spread is each shard's share of those deliveries, of the Redis CPU, and of
 * the calls and the time of {@link #SPREAD_COMMANDS} in {@code INFO commandstats};
 * {@code maxShareOverEven} is the largest share of deliveries times the number of shards (1.0 when
 * perfectly even). Script calls also count the scripts whose keys are not in a queue partition (the
 * ingest rate limit's, one per ingest request, on the shard of its project's key), and one call
 * handles a batch of deliveries: XADD and the deliveries are the cleaner measures.
 */
final class ClusterShards {
    /** The scripts (every queue operation is one) and XADD (one per event, and one per delivery queued to be tried later). */
    static final List<String> SPREAD_COMMANDS = List.of("evalsha", "xadd");

    private ClusterShards() {
    }

    static JsonObject report(List<Harness.Shard> before, List<Harness.Shard> after, long deliveries, double seconds) {
        int n = after.size();
        long[] carried = new long[n];
        long allCarried = 0;
        for (int i = 0; i < n; i++) {
            carried[i] = after.get(i).fannedOut() - before.get(i).fannedOut();
            allCarried += carried[i];
        }
        int k = SPREAD_COMMANDS.size();
        long[][] calls = new long[k][n];
        long[][] usec = new long[k][n];
        long[] allCalls = new long[k];
        long[] allUsec = new long[k];
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < n; i++) {
                long[] v0 = stat(before.get(i).commands(), SPREAD_COMMANDS.get(c));
                long[] v1 = stat(after.get(i).commands(), SPREAD_COMMANDS.get(c));
                calls[c][i] = v1[0] - v0[0];
                usec[c][i] = v1[1] - v0[1];
                allCalls[c] += calls[c][i];
                allUsec[c] += usec[c][i];
            }
        }
        long[] ticks = new long[n];
        long allTicks = 0;
        for (int i = 0; i < n; i++) {
            ProcStat.Ticks a = before.get(i).ticks();
            ProcStat.Ticks b = after.get(i).ticks();
            ticks[i] = b.own() + b.children() - a.own() - a.children();
            allTicks += ticks[i];
        }
        JsonArray shards = new JsonArray();
        JsonArray deliveryShares = new JsonArray();
        JsonArray cpuShares = new JsonArray();
        double maxShare = 0;
        for (int i = 0; i < n; i++) {
            Harness.Shard a = before.get(i);
            Harness.Shard b = after.get(i);
            double cpu = ProcStat.cpuSeconds(ticks[i]);
            double rewrites = ProcStat.cpuSeconds(b.ticks().children() - a.ticks().children());
            JsonObject commands = new JsonObject();
            for (int c = 0; c < k; c++) {
                commands.put(SPREAD_COMMANDS.get(c), new JsonObject().put("calls", calls[c][i])
                    .put("share", share(calls[c][i], allCalls[c])).put("usecShare", share(usec[c][i], allUsec[c])));
            }
            double deliveryShare = share(carried[i], allCarried);
            maxShare = Math.max(maxShare, deliveryShare);
            deliveryShares.add(deliveryShare);
            cpuShares.add(share(ticks[i], allTicks));
            shards.add(new JsonObject()
                .put("node", b.node())
                .put("partitions", new JsonArray(List.copyOf(b.partitions())))
                .put("redisCores", Harness.round3(seconds > 0 ? cpu / seconds : 0))
                .put("redisSecondsPer1000", per1000(cpu, deliveries))
                .put("redisSecondsPer1000OwnDeliveries", per1000(cpu, carried[i]))
                .put("redisRewriteSecondsPer1000", per1000(rewrites, deliveries))
                .put("deliveries", carried[i])
                .put("deliveryShare", deliveryShare)
                .put("commands", commands)
                .put("keysAtEnd", b.keys()));
        }
        JsonObject spread = new JsonObject()
            .put("partitionsPerShard", new JsonArray(after.stream().map(s -> (Object) s.partitions().size()).toList()))
            .put("deliveryShares", deliveryShares)
            .put("redisCpuShares", cpuShares);
        for (int c = 0; c < k; c++) {
            JsonArray shares = new JsonArray();
            JsonArray time = new JsonArray();
            for (int i = 0; i < n; i++) {
                shares.add(share(calls[c][i], allCalls[c]));
                time.add(share(usec[c][i], allUsec[c]));
            }
            spread.put(SPREAD_COMMANDS.get(c) + "Shares", shares);
            spread.put(SPREAD_COMMANDS.get(c) + "TimeShares", time);
        }
        spread.put("maxShareOverEven", Harness.round3(maxShare * n));
        return new JsonObject().put("shards", shards).put("spread", spread);
    }

    private static long[] stat(Map<String, long[]> commands, String cmd) {
        return commands.getOrDefault(cmd, new long[2]);
    }

    private static double share(long part, long whole) {
        return whole > 0 ? Harness.round3(part / (double) whole) : 0;
    }

    private static double per1000(double cpuSeconds, long deliveries) {
        return deliveries > 0 ? Harness.round3(cpuSeconds * 1000 / deliveries) : 0;
    }
}
