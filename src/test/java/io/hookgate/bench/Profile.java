package io.hookgate.bench;

import java.util.List;

/**
 * How long and how big each part of a run is. {@link #full()} is the default run (about 8 minutes
 * on 2 cores), {@link #quick()} the smoke run (under 1 minute); {@code --soak} adds the soak's
 * length. All times in milliseconds.
 *
 * @param name {@code quick} or {@code full}
 * @param gatewayPrewarmMs load on the gateway before anything is measured (the JIT of a fresh
 *     gateway on 2 cores needs about 25 s of load before its CPU per delivery settles)
 * @param ceilingWarmupMs load on the ceiling before its measured intervals
 * @param gatewayWarmupMs further load on the gateway (sustained scenario) before its measured intervals, the
 *     retention fill included: long enough that the JIT's own CPU hardly counts in the gateway's CPU per
 *     delivery (with 10 s it did: docs/performance.md, item 20); a quarter of it settles each of the slow
 *     receiver's two throughput phases
 * @param intervals measured intervals per throughput figure (the figure is their median)
 * @param intervalMs length of one measured interval of the ceiling and the main scenarios
 * @param phaseIntervalMs length of one measured interval of the secondary phases (the slow receiver's
 *     phases, the fixed rate, each replica count)
 * @param matchingIntervalMs length of one measured interval of a matching tier: longer than Redis's AOF
 *     rewrite cycle at the scenario's write rate (a rewrite every 5-10 s on 2 cores), so that each interval
 *     holds about one rewrite whatever the tier; with 2 s intervals a rewrite fell in one tier's
 *     intervals and not another's, and the tiers' ratio moved between 0.62 and 1.02 with it
 * @param shortWarmupMs warm-up of later phases, once the JVMs are warm
 * @param fixedRate events per second of the fixed-rate scenario (and of the slow scenario's latency phase)
 * @param fanoutWebhooks webhooks of the fan-out scenario
 * @param fanoutRounds measured fan-out rounds (after one unmeasured round)
 * @param matchingTiers webhook counts of the matching scenario
 * @param replicaCounts replica counts of the replicas scenario
 * @param replicaWarmupMs load after the extra replicas joined, before the first measured intervals: as long as
 *     the JIT of a fresh gateway needs (with 6 s, replicas 2 and 3 were still compiling in the measured window)
 * @param drainTimeoutMs longest wait for the receiver to get every accepted delivery
 * @param creationBudgetMs time the matching scenario may spend creating webhooks; a tier that would
 *     not fit (at the creation rate seen so far) is scaled down, and the tier used is reported
 * @param backlogSeconds as fast as accepted: accepted deliveries not yet received, in seconds of the
 *     current delivery rate, before the load generator holds back (see {@link LoadGenerator})
 * @param steadyRetention throughput is measured only once the webhooks hold {@code deliveryRetentionCount}
 *     records each, so that every new record also drops its webhook's oldest one, as in a gateway that has
 *     run for a while (the quick run does not wait for that)
 * @param clusterWarmupMs load on the cluster scenario's fresh gateway before its measured intervals, counted
 *     from the load's start (the retention fill is part of it, and the measurement waits for that too)
 * @param clusterPartitions queue partitions of the cluster scenario: 6 puts two hash tags on each master
 *     of the default slot split, 12 puts 3, 3 and 6 (see docs/performance.md, Scenarios)
 */
record Profile(String name, long gatewayPrewarmMs, long ceilingWarmupMs, long gatewayWarmupMs, int intervals,
               long intervalMs, long phaseIntervalMs, long matchingIntervalMs, long shortWarmupMs, int fixedRate,
               int fanoutWebhooks, int fanoutRounds, List<Integer> matchingTiers, List<Integer> replicaCounts,
               long replicaWarmupMs, long drainTimeoutMs, long creationBudgetMs, double backlogSeconds,
               boolean steadyRetention, long clusterWarmupMs, int clusterPartitions) {

    static Profile full() {
        return new Profile("full", 15_000, 10_000, 60_000, 3, 4_000, 2_500, 5_000, 2_000, 2_000, 10_000, 3,
            List.of(100, 10_000, 100_000), List.of(1, 2, 3), 40_000, 30_000, 30_000, 1.0, true, 40_000, 6);
    }

    /** This profile with other warm-ups and intervals (for investigating, e.g. how long the JIT takes). */
    Profile with(Long warmupMs, Integer intervalCount, Long intervalLengthMs) {
        return new Profile(name, gatewayPrewarmMs, warmupMs == null ? ceilingWarmupMs : warmupMs,
            warmupMs == null ? gatewayWarmupMs : warmupMs,
            intervalCount == null ? intervals : intervalCount, intervalLengthMs == null ? intervalMs : intervalLengthMs,
            intervalLengthMs == null ? phaseIntervalMs : intervalLengthMs,
            intervalLengthMs == null ? matchingIntervalMs : intervalLengthMs, shortWarmupMs, fixedRate, fanoutWebhooks,
            fanoutRounds, matchingTiers, replicaCounts, replicaWarmupMs, drainTimeoutMs, creationBudgetMs,
            backlogSeconds, steadyRetention, clusterWarmupMs, clusterPartitions);
    }

    /** This profile with another warm-up of the extra replicas, of the cluster's gateway, or number of cluster partitions. */
    Profile withReplicaAndCluster(Long replicaWarmup, Long clusterWarmup, Integer partitions) {
        return new Profile(name, gatewayPrewarmMs, ceilingWarmupMs, gatewayWarmupMs, intervals, intervalMs,
            phaseIntervalMs, matchingIntervalMs, shortWarmupMs, fixedRate, fanoutWebhooks, fanoutRounds, matchingTiers,
            replicaCounts, replicaWarmup == null ? replicaWarmupMs : replicaWarmup, drainTimeoutMs, creationBudgetMs,
            backlogSeconds, steadyRetention, clusterWarmup == null ? clusterWarmupMs : clusterWarmup,
            partitions == null ? clusterPartitions : partitions);
    }

    static Profile quick() {
        return new Profile("quick", 0, 1_000, 2_000, 3, 1_000, 700, 700, 400, 2_000, 1_000, 2,
            List.of(100, 1_000, 10_000), List.of(1, 2), 1_000, 15_000, 12_000, 0.5, false, 3_000, 6);
    }
}
