package io.hookgate.bench;

import io.hookgate.config.ConfigKey;
import io.hookgate.redis.QueueKeys;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.ChildJvm;
import io.hookgate.testsupport.FreePort;
import io.hookgate.testsupport.RedisCluster;
import io.hookgate.testsupport.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a scenario runs against: a private Redis (AOF, fsync every second, as in production),
 * the receiver JVM, the gateway JVM(s), and the driver's own Vert.x clients; plus the measuring
 * tools shared by the scenarios (measured windows, draining, CPU and metrics deltas).
 *
 * <p>The gateways use one Redis at a time: the single server, or, once {@link #useCluster(int)}
 * has switched to it, a three-master Redis Cluster. Every figure read from Redis (CPU, commands, AOF,
 * stream and index sizes) then covers the cluster's masters, each key read on the master of its slot.
 */
final class Harness implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("io.hookgate.bench");

    /**
     * The gateway's heap as a pod of k8s/base gets it: 70% (MaxRAMPercentage) of its 1 GiB limit.
     * With 100 000 webhooks in the index, less made the GC, not matching, the bottleneck.
     */
    static final String GATEWAY_HEAP = "-Xmx717m";
    /**
     * The gateway's collector, as the image's ENTRYPOINT and bin/hookgate choose it: the throughput
     * collector, since the gateway's garbage is almost all short-lived (G1's barriers and concurrent work
     * cost it about a tenth of its CPU, for pauses it does not need to be shorter). Left out when
     * {@code --gateway-jvm} names a collector.
     */
    static final String GATEWAY_GC = "-XX:+UseParallelGC";
    static final String ADMIN_KEY = "bench-admin-key-0123456789abcdef";
    /** Every webhook of the benchmark has this secret, so the receiver can check signatures. */
    static final String SECRET = "hookgate-bench-secret-5f2c9a71";
    /** A fixed AES key: production sets one, and a generated one would only add a warning. */
    /** A step of {@link #warmUntilJitSettles}, and the share of it a settled JIT compiles at most. */
    private static final long JIT_STEP_MS = 10_000;
    private static final double JIT_SETTLED_SHARE = 0.05;
    private static final String ENCRYPTION_KEY = "YmVuY2gtZW5jcnlwdGlvbi1rZXktMzItYnl0ZXMhISE=";

    /** A gateway JVM and its ports. */
    record Replica(int index, ChildJvm jvm, int apiPort, int managementPort) {
    }

    final Profile profile;
    final Path outDir;
    final Vertx vertx;
    final GatewayApi api;
    private final Map<String, String> extraEnv;
    private final List<String> gatewayJvmOptions;
    private final List<String> redisArgs;
    private final boolean redisReplica;
    private final Path jar;
    private RedisServer redis;
    private RedisServer replicaRedis;
    /** Set by {@link #useCluster(int)}: from then on the gateways' Redis. */
    private RedisCluster cluster;
    private int clusterPartitions;
    /** Per queue partition, the index in {@link #redisNodes()} of the master holding its slot. */
    private int[] partitionNode = new int[0];
    private ChildJvm receiver;
    private int receiverPort;
    private int slowPort;
    private ReceiverStats stats;
    private final List<Replica> replicas = new ArrayList<>();

    Harness(Profile profile, Path outDir, Path jar, Map<String, String> extraEnv, List<String> gatewayJvmOptions,
            List<String> redisArgs, boolean redisReplica) {
        this.profile = profile;
        this.outDir = outDir;
        this.jar = jar;
        this.extraEnv = extraEnv;
        this.gatewayJvmOptions = gatewayJvmOptions;
        this.redisArgs = List.copyOf(redisArgs);
        this.redisReplica = redisReplica;
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        this.api = new GatewayApi(vertx, ADMIN_KEY);
    }

    void startRedis() {
        redis = RedisServer.start(new RedisServer.Options(true, "everysec", redisArgs));
        CpuPinning.redis(redis.pid());
        LOG.info("redis-server {} on port {} (appendonly yes, appendfsync everysec{}), pid {}",
            redis.command("INFO", "server").lines().filter(l -> l.startsWith("redis_version:")).findFirst()
                .map(l -> l.substring(14)).orElse("?"), redis.port(),
            redisArgs.isEmpty() ? "" : ", extra " + String.join(" ", redisArgs), redis.pid());
        if (redisReplica) {
            // Persisted like its master, as a replica that may be promoted would be.
            List<String> args = new ArrayList<>(redisArgs);
            args.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(redis.port())));
            replicaRedis = RedisServer.start(new RedisServer.Options(true, "everysec", args));
            CpuPinning.redis(replicaRedis.pid());
            Await.until("the Redis replica in sync", Duration.ofSeconds(30),
                () -> replicaRedis.command("INFO", "replication").contains("master_link_status:up"));
            LOG.info("redis-server replica on port {}, pid {}", replicaRedis.port(), replicaRedis.pid());
        }
    }

    /** Launches the receiver JVM; {@link #awaitReceiver()} waits for it (the gateway boots meanwhile). */
    void launchReceiver() {
        receiverPort = FreePort.find();
        slowPort = FreePort.find();
        List<String> cmd = List.of(javaBinary(), "-Xms256m", "-Xmx1g", "-XX:+UseParallelGC",
            "-Xlog:gc:file=" + outDir.resolve("receiver-gc.log"), "-cp", System.getProperty("java.class.path"), BenchReceiver.class.getName(),
            Integer.toString(receiverPort), SECRET, "2", Integer.toString(slowPort));
        receiver = ChildJvm.start("receiver", cmd, Map.of(), outDir.resolve("receiver.log"));
    }

    void awaitReceiver() {
        receiver.awaitHttp200("http://127.0.0.1:" + receiverPort + "/stats", Duration.ofSeconds(30));
        stats = new ReceiverStats(vertx, receiverPort);
        LOG.info("receiver JVM on ports {} and {} (slow receiver), pid {}", receiverPort, slowPort, receiver.pid());
    }

    /** Starts one more gateway replica on the shared Redis and waits until it is ready. */
    Replica startReplica() {
        startReplicas(1);
        return replicas.get(replicas.size() - 1);
    }

    /** Starts {@code n} more replicas at once and waits until every one is ready. */
    void startReplicas(int n) {
        List<Replica> starting = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            starting.add(launchReplica(replicas.size() + starting.size() + 1));
        }
        for (Replica r : starting) {
            r.jvm().awaitHttp200("http://127.0.0.1:" + r.managementPort() + "/health/ready", Duration.ofSeconds(60));
            replicas.add(r);
            LOG.info("gateway replica {} ready: API port {}, management port {}, pid {}", r.index(), r.apiPort(),
                r.managementPort(), r.jvm().pid());
        }
    }

    private Replica launchReplica(int index) {
        int apiPort = FreePort.find();
        int managementPort = FreePort.find();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOOKGATE_HTTP_HOST", "127.0.0.1");
        env.put("HOOKGATE_HTTP_PORT", Integer.toString(apiPort));
        env.put("HOOKGATE_MANAGEMENT_PORT", Integer.toString(managementPort));
        env.put("HOOKGATE_REDIS_URL", redis.url());
        env.put("HOOKGATE_REPLICA_ID", "bench-" + index);
        env.put("HOOKGATE_ADMIN_KEY", ADMIN_KEY);
        env.put("HOOKGATE_ENCRYPTION_KEY", ENCRYPTION_KEY);
        env.put("HOOKGATE_ALLOWED_TARGET_CIDRS", "127.0.0.0/8");
        env.put("HOOKGATE_INGEST_RATE_PER_SECOND", "10000000");
        env.put("HOOKGATE_INGEST_BURST", "10000000");
        // The matching scenario puts 100 000 webhooks in one project.
        env.put("HOOKGATE_MAX_WEBHOOKS_PER_PROJECT", "200000");
        env.putAll(extraEnv);
        if (cluster != null) {
            env.put("HOOKGATE_REDIS_MODE", "cluster");
            env.put("HOOKGATE_REDIS_URL", cluster.url());
            env.put("HOOKGATE_QUEUE_PARTITIONS", Integer.toString(clusterPartitions));
        }
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), GATEWAY_HEAP));
        if (gatewayJvmOptions.stream().noneMatch(o -> o.matches("-XX:\\+Use\\w*GC"))) {
            cmd.add(GATEWAY_GC);
        }
        cmd.addAll(gatewayJvmOptions);
        cmd.addAll(List.of("-jar", jar.toString()));
        ChildJvm jvm = ChildJvm.start("gateway-" + index, cmd, env, outDir.resolve("gateway-" + index + ".log"));
        return new Replica(index, jvm, apiPort, managementPort);
    }

    /**
     * Switches the run to a Redis Cluster of three masters on loopback, persisted as the single Redis
     * is ({@code appendonly yes}, {@code appendfsync everysec}, {@code save ""}, the same extra
     * arguments): stops every gateway replica, starts the cluster, then one replica in cluster mode
     * with {@code partitions} queue partitions. There is no way back: the cluster scenario runs last.
     * Answers where each partition's hash tag landed.
     */
    JsonObject useCluster(int partitions) {
        while (!replicas.isEmpty()) {
            stopLastReplica();
        }
        cluster = RedisCluster.start(new RedisServer.Options(true, "everysec", redisArgs));
        clusterPartitions = partitions;
        List<RedisServer> nodes = cluster.nodes();
        nodes.forEach(n -> CpuPinning.redis(n.pid()));
        partitionNode = new int[partitions];
        JsonArray layout = new JsonArray();
        for (int q = 0; q < partitions; q++) {
            String key = QueueKeys.events(q);
            partitionNode[q] = nodes.indexOf(cluster.nodeOf(key));
            layout.add(new JsonObject().put("partition", q).put("slot", nodes.get(0).call("CLUSTER", "KEYSLOT", key))
                .put("shard", partitionNode[q]));
        }
        LOG.info("redis cluster of {} masters on ports {} (appendonly yes, appendfsync everysec), pids {}", nodes.size(),
            nodes.stream().map(RedisServer::port).toList(), nodes.stream().map(RedisServer::pid).toList());
        startReplica();
        return new JsonObject().put("nodes", new JsonArray(nodes.stream().map(n -> (Object) ("127.0.0.1:" + n.port())).toList()))
            .put("partitions", layout);
    }

    /** The masters the gateways use, in slot order: the single Redis, or the cluster's three. */
    List<RedisServer> redisNodes() {
        return cluster == null ? List.of(redis) : cluster.nodes();
    }

    /** The master that holds queue partition {@code q}'s keys (its hash tag's slot). */
    private RedisServer nodeOf(int q) {
        return cluster == null ? redis : cluster.nodes().get(partitionNode[q]);
    }

    /** The shard ({@link #redisNodes()} index) of each queue partition. */
    int shardOf(int q) {
        return cluster == null ? 0 : partitionNode[q];
    }

    /** Stops the last replica gracefully (its unfinished work goes back to Redis for the others). */
    void stopLastReplica() {
        Replica r = replicas.remove(replicas.size() - 1);
        r.jvm().stop(Duration.ofSeconds(25));
        LOG.info("gateway replica {} stopped", r.index());
    }

    List<Replica> replicas() {
        return Collections.unmodifiableList(replicas);
    }

    Replica first() {
        return replicas.get(0);
    }

    List<Integer> apiPorts() {
        return replicas.stream().map(Replica::apiPort).toList();
    }

    ReceiverStats stats() {
        return stats;
    }

    int receiverPort() {
        return receiverPort;
    }

    int slowPort() {
        return slowPort;
    }

    String receiverUrl(String path) {
        return "http://127.0.0.1:" + receiverPort + path;
    }

    /** Events the gateway has fanned out since the run began (its events streams hold only unfinished ones). */
    long fannedOutEvents() {
        long n = 0;
        for (long f : fannedOutByPartition()) {
            n += f;
        }
        return n;
    }

    /** {@link #fannedOutEvents()} per queue partition. */
    long[] fannedOutByPartition() {
        long[] out = new long[queuePartitions()];
        for (int p = 0; p < out.length; p++) {
            RedisServer node = nodeOf(p);
            String stream = QueueKeys.events(p);
            Object info = node.call("XINFO", "STREAM", stream);
            long added = 0;
            if (info instanceof List<?> fields) {
                for (int i = 0; i + 1 < fields.size(); i += 2) {
                    if ("entries-added".equals(fields.get(i))) {
                        added = (Long) fields.get(i + 1);
                    }
                }
            }
            Object len = node.call("XLEN", stream);
            out[p] = added - (len instanceof Long l ? l : 0);
        }
        return out;
    }

    int queuePartitions() {
        return cluster != null ? clusterPartitions
            : Integer.parseInt(extraEnv.getOrDefault("HOOKGATE_QUEUE_PARTITIONS", "1"));
    }

    int retentionCount() {
        ConfigKey k = ConfigKey.DELIVERY_RETENTION_COUNT;
        return Integer.parseInt(extraEnv.getOrDefault(k.envName(), k.defaultValue()));
    }

    /**
     * Waits, with load running, until each of the webhooks holds {@link #retentionCount()} delivery
     * records (or the timeout passed): from then on every new record also drops its webhook's
     * oldest one, the steady state of a gateway that has run for a while. Answers the ms waited,
     * and 0 at once when the profile does not ask for it.
     */
    long awaitRetention(String project, List<String> webhookIds, long timeoutMs) {
        if (!profile.steadyRetention()) {
            return 0;
        }
        long start = System.nanoTime();
        long deadline = start + timeoutMs * 1_000_000;
        int wanted = retentionCount();
        int from = 0;
        while (from < webhookIds.size() && System.nanoTime() < deadline) {
            if (records(project, webhookIds.get(from)) >= wanted) {
                from++;
            } else {
                BenchClock.sleep(200);
            }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (from < webhookIds.size()) {
            LOG.warn("  {} of {} webhooks reached {} records in {} ms; measuring anyway", from, webhookIds.size(),
                wanted, ms);
        } else {
            LOG.info("  {} webhooks at {} records each after {} ms", webhookIds.size(), wanted, ms);
        }
        return ms;
    }

    /** Delivery records of the webhooks, over all partitions, per webhook (the retention count when steady). */
    double recordsPerWebhook(String project, List<String> webhookIds) {
        long n = 0;
        for (String id : webhookIds) {
            n += records(project, id);
        }
        return webhookIds.isEmpty() ? 0 : round(n / (double) webhookIds.size());
    }

    /** Delivery records of a webhook, over all partitions. */
    private long records(String project, String webhookId) {
        long n = 0;
        for (int q = 0; q < queuePartitions(); q++) {
            Object c = nodeOf(q).call("ZCARD", QueueKeys.webhookDeliveries(q, project, webhookId));
            n += c instanceof Long l ? l : 0;
            Object a = nodeOf(q).call("LLEN", QueueKeys.archiveOrder(q, project, webhookId));
            n += a instanceof Long l ? l : 0;
        }
        return n;
    }

    /**
     * Redis persistence figures: AOF rewrites so far, the AOF's size, writes that waited for a slow
     * fsync, whether a rewrite is running, and how long the last fork (which stops Redis) took, in µs.
     * Over a cluster's masters: summed, a rewrite running on any, the longest fork.
     */
    long[] aof() {
        long[] out = new long[5];
        for (RedisServer node : redisNodes()) {
            Map<String, Long> info = info(node, "persistence", "stats");
            out[0] += info.getOrDefault("aof_rewrites", 0L);
            out[1] += info.getOrDefault("aof_current_size", 0L);
            out[2] += info.getOrDefault("aof_delayed_fsync", 0L);
            out[3] = Math.max(out[3], info.getOrDefault("aof_rewrite_in_progress", 0L));
            out[4] = Math.max(out[4], info.getOrDefault("latest_fork_usec", 0L));
        }
        return out;
    }

    /** The integer fields of {@code INFO <sections>} of one server. */
    static Map<String, Long> info(RedisServer node, String... sections) {
        String[] args = new String[sections.length + 1];
        args[0] = "INFO";
        System.arraycopy(sections, 0, args, 1, sections.length);
        Map<String, Long> out = new HashMap<>();
        for (String line : node.command(args).split("\r?\n")) {
            String[] kv = line.split(":", 2);
            if (kv.length == 2) {
                try {
                    out.put(kv[0], Long.parseLong(kv[1].trim()));
                } catch (NumberFormatException e) {
                    // not an integer field
                }
            }
        }
        return out;
    }

    /**
     * Waits (at most {@code timeoutMs}) until Redis runs no AOF rewrite. A phase that wrote much just
     * before (the matching scenario's 90 000 new webhooks) sets off a rewrite of its own; measuring
     * while it runs would charge the setup to the steady state. Answers the milliseconds waited.
     */
    long awaitNoRewrite(long timeoutMs) {
        long start = System.nanoTime();
        long deadline = start + timeoutMs * 1_000_000;
        while (aof()[3] == 1 && System.nanoTime() < deadline) {
            BenchClock.sleep(100);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    long redisPid() {
        return redis.pid();
    }

    /**
     * One master of the Redis Cluster at one moment: the queue partitions whose hash tags it holds,
     * its CPU (own, and its AOF rewrites as {@code children}), its {@code INFO commandstats}, the events
     * its partitions have fanned out so far and its keys ({@code DBSIZE}).
     */
    record Shard(String node, List<Integer> partitions, ProcStat.Ticks ticks, Map<String, long[]> commands,
                 long fannedOut, long keys) {
    }

    /** {@link Shard} of each master, in slot order (of the single Redis, one). */
    List<Shard> shards() {
        long[] fanned = fannedOutByPartition();
        List<RedisServer> nodes = redisNodes();
        List<Shard> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            RedisServer node = nodes.get(i);
            List<Integer> partitions = new ArrayList<>();
            long f = 0;
            for (int q = 0; q < fanned.length; q++) {
                if (shardOf(q) == i) {
                    partitions.add(q);
                    f += fanned[q];
                }
            }
            Object keys = node.call("DBSIZE");
            out.add(new Shard("127.0.0.1:" + node.port(), List.copyOf(partitions), ProcStat.ticks(node.pid()),
                commandStats(node), f, keys instanceof Long l ? l : 0));
        }
        return out;
    }

    /** The single Redis's memory at one moment: {@code INFO memory}'s used_memory and used_memory_dataset, and {@code DBSIZE}. */
    record Memory(long used, long dataset, long keys) {
    }

    Memory memory() {
        Map<String, Long> info = info(redis, "memory");
        Object keys = redis.call("DBSIZE");
        return new Memory(info.getOrDefault("used_memory", 0L), info.getOrDefault("used_memory_dataset", 0L),
            keys instanceof Long l ? l : 0);
    }

    /** Delivery records sampled at random for {@link #recordMemory}. */
    static final int RECORD_SAMPLES = 100;

    /**
     * What a retained delivery record costs Redis, in bytes, with the load stopped: the growth of
     * used_memory (and of used_memory_dataset) since {@code before}, taken right after the webhooks were
     * created, over the records the webhooks' indexes hold now (the sum of their ZCARDs); and, directly,
     * the mean {@code MEMORY USAGE} of {@link #RECORD_SAMPLES} records picked at random (a random
     * webhook's index, a random member of it) and each record's share of its index
     * ({@code MEMORY USAGE} of the index over its ZCARD, over all the indexes); for archived records (the
     * webhooks' archives, {@code recordLayout} 3), the archives' hashes and lists over their items. The
     * rest is what none of them holds: the keyspace's hash table and whatever else the load left.
     */
    JsonObject recordMemory(Memory before, String project, List<String> webhookIds) {
        Memory now = memory();
        long records = 0;
        long indexBytes = 0;
        long archived = 0;
        long archiveListBytes = 0;
        long archiveHashBytes = 0;
        List<Map.Entry<Integer, String>> indexes = new ArrayList<>();
        for (String id : webhookIds) {
            for (int q = 0; q < queuePartitions(); q++) {
                String key = QueueKeys.webhookDeliveries(q, project, id);
                long n = redis.call("ZCARD", key) instanceof Long l ? l : 0;
                if (n > 0) {
                    records += n;
                    indexBytes += redis.call("MEMORY", "USAGE", key, "SAMPLES", "0") instanceof Long l ? l : 0;
                    indexes.add(Map.entry(q, key));
                }
                String order = QueueKeys.archiveOrder(q, project, id);
                long a = redis.call("LLEN", order) instanceof Long l ? l : 0;
                if (a > 0) {
                    archived += a;
                    archiveListBytes += redis.call("MEMORY", "USAGE", order, "SAMPLES", "0") instanceof Long l ? l : 0;
                    archiveHashBytes += redis.call("MEMORY", "USAGE", QueueKeys.archive(q, project, id), "SAMPLES", "0")
                        instanceof Long l ? l : 0;
                }
            }
        }
        records += archived;
        // One archived record as it is stored (an archive's newest item), so that the report shows what the bytes are.
        Object sample = null;
        for (int q = 0; q < queuePartitions() && sample == null && archived > 0; q++) {
            for (String id : webhookIds) {
                sample = redis.call("LINDEX", QueueKeys.archiveOrder(q, project, id), "-1");
                if (sample != null) {
                    break;
                }
            }
        }
        Random random = new Random();
        long sampled = 0;
        long recordBytes = 0;
        for (int i = 0; i < RECORD_SAMPLES && !indexes.isEmpty(); i++) {
            Map.Entry<Integer, String> index = indexes.get(random.nextInt(indexes.size()));
            if (redis.call("ZRANDMEMBER", index.getValue()) instanceof String deliveryId
                && redis.call("MEMORY", "USAGE", QueueKeys.delivery(index.getKey(), deliveryId), "SAMPLES", "0")
                    instanceof Long bytes) {
                recordBytes += bytes;
                sampled++;
            }
        }
        JsonObject out = new JsonObject().put("records", records)
            .put("recordsPerWebhook", webhookIds.isEmpty() ? 0 : round(records / (double) webhookIds.size()));
        if (records == 0) {
            return out;
        }
        double total = (now.used() - before.used()) / (double) records;
        long keyed = records - archived;
        double record = sampled > 0 ? recordBytes / (double) sampled : 0;
        double index = keyed > 0 ? indexBytes / (double) keyed : 0;
        double archiveRecord = archived > 0 ? (archiveHashBytes + archiveListBytes) / (double) archived : 0;
        double shares = (keyed * (record + index) + archived * archiveRecord) / records;
        return out
            .put("archivedRecords", archived)
            .put("archiveHashPerRecordBytes", archived > 0 ? round(archiveHashBytes / (double) archived) : 0)
            .put("archiveSampleItem", sample instanceof String v ? v : null)
            .put("archiveListPerRecordBytes", archived > 0 ? round(archiveListBytes / (double) archived) : 0)
            .put("memoryPerRecordBytes", round(total))
            .put("datasetPerRecordBytes", round((now.dataset() - before.dataset()) / (double) records))
            .put("recordKeyBytes", round(record))
            .put("recordKeysSampled", sampled)
            .put("indexPerRecordBytes", round(index))
            .put("restPerRecordBytes", round(total - shares))
            .put("usedMemoryBeforeMb", round(before.used() / 1048576.0))
            .put("usedMemoryMb", round(now.used() / 1048576.0))
            .put("keysAdded", now.keys() - before.keys());
    }

    long receiverPid() {
        return receiver.pid();
    }

    String redisVersion() {
        return redis.command("INFO", "server").lines().filter(l -> l.startsWith("redis_version:")).findFirst()
            .map(l -> l.substring(14).trim()).orElse("?");
    }

    // ---- measuring ---------------------------------------------------------------------------

    /**
     * CPU ticks of every process of the run at one moment; Redis's AOF rewrites (forked children,
     * counted when each one ends) apart from Redis's own, {@link #redis()} the two together (summed
     * over a cluster's masters); the Redis replica's ({@code --redis-replica}, else 0) apart;
     * {@code perReplica} each gateway replica's, in {@link #replicas()} order.
     */
    record Cpu(long gateways, long redisOwn, long redisRewrites, long redisReplica, long receiver, long driver,
               List<Long> perReplica) {
        long redis() {
            return redisOwn + redisRewrites;
        }

        long all() {
            return gateways + redis() + redisReplica + receiver + driver;
        }
    }

    Cpu cpu() {
        long gw = 0;
        List<Long> each = new ArrayList<>();
        for (Replica r : replicas) {
            long t = ProcStat.cpuTicks(r.jvm().pid());
            each.add(t);
            gw += t;
        }
        // Redis with its AOF rewrites: forked children that take up to half a core while they run.
        long own = 0;
        long rewrites = 0;
        for (RedisServer node : redisNodes()) {
            ProcStat.Ticks r = ProcStat.ticks(node.pid());
            own += r.own();
            rewrites += r.children();
        }
        ProcStat.Ticks rr = replicaRedis == null ? new ProcStat.Ticks(0, 0) : ProcStat.ticks(replicaRedis.pid());
        long replica = rr.own() + rr.children();
        return new Cpu(gw, own, rewrites, replica, ProcStat.cpuTicks(receiver.pid()),
            ProcStat.cpuTicks(ProcessHandle.current().pid()), List.copyOf(each));
    }

    /** Delivered requests summed over {@code groups} (duplicates included). */
    long delivered(List<String> groups) {
        JsonObject all = stats.all(false).await();
        long n = 0;
        for (String g : groups) {
            n += ReceiverStats.Group.of(all.getJsonObject(g)).requests();
        }
        return n;
    }

    Future<Long> deliveredAsync(String group) {
        return stats.group(group, false).map(ReceiverStats.Group::requests);
    }

    /** Every replica's metrics, parsed and summed by series. */
    Map<String, Double> metrics() {
        Map<String, Double> sum = new HashMap<>();
        for (Replica r : replicas) {
            try {
                parsePrometheus(api.metrics(r.managementPort()).await(), sum);
            } catch (RuntimeException e) {
                LOG.warn("metrics of replica {} unreadable: {}", r.index(), e.getMessage());
            }
        }
        return sum;
    }

    /**
     * A measured window: after {@code warmupMs}, {@code intervals} intervals of {@code intervalMs};
     * the throughput is the median interval, latencies cover the whole window.
     */
    JsonObject measure(List<String> groups, LoadGenerator gen, long warmupMs, int intervals, long intervalMs) {
        BenchClock.sleep(warmupMs);
        // The JIT figures first and last: each is a jcmd per replica (a JVM start, most of a second on these
        // cores), which must fall neither in the latencies nor between the other snapshots, whose counts
        // are divided by the deliveries of the window between c0 and c1.
        List<Double> jit0 = jitSeconds();
        Map<String, Double> m0 = metrics();
        Map<String, long[]> r0 = redisCommandStats();
        long[] aof0 = aof();
        Map<String, Long> th0 = ProcStat.threadTicks(first().jvm().pid());
        for (String g : groups) {
            stats.reset(g, "latency").await();
        }
        Cpu c0 = cpu();
        long d0 = delivered(groups);
        long e0 = gen == null ? 0 : gen.acceptedEvents();
        long t0 = System.nanoTime();
        long start = t0;
        long dPrev = d0;
        List<Double> rates = new ArrayList<>();
        List<Double> gatewayCpu = new ArrayList<>();
        JsonArray replicaCores = new JsonArray();
        Cpu cPrev = c0;
        for (int i = 0; i < intervals; i++) {
            BenchClock.sleep(intervalMs);
            long d = delivered(groups);
            long t = System.nanoTime();
            Cpu c = cpu();
            rates.add((d - dPrev) / ((t - t0) / 1e9));
            gatewayCpu.add(d > dPrev ? round3(ProcStat.cpuSeconds(c.gateways() - cPrev.gateways()) * 1000.0 / (d - dPrev)) : 0);
            replicaCores.add(perReplica(cPrev, c, (t - t0) / 1e9));
            dPrev = d;
            t0 = t;
            cPrev = c;
        }
        double seconds = (t0 - start) / 1e9;
        Cpu c1 = cpu();
        JsonObject all = stats.all(true).await();
        Map<String, long[]> r1 = redisCommandStats();
        Map<String, Long> th1 = ProcStat.threadTicks(first().jvm().pid());
        Map<String, Double> m1 = metrics();
        long[] aof1 = aof();
        List<Double> jit1 = jitSeconds();
        long deliveries = dPrev - d0;
        LatencyHistogram h = new LatencyHistogram();
        for (String g : groups) {
            h.add(ReceiverStats.Group.of(all.getJsonObject(g)).latency());
        }
        JsonObject lat = h.summary();
        JsonObject out = new JsonObject()
            .put("deliveriesPerSecond", round(median(rates)))
            .put("intervals", new JsonArray(rates.stream().map(Harness::round).toList()))
            .put("intervalGatewayCpuPer1000", new JsonArray(gatewayCpu))
            .put("p50Ms", lat.getDouble("p50Ms"))
            .put("p99Ms", lat.getDouble("p99Ms"))
            .put("p999Ms", lat.getDouble("p999Ms"))
            .put("maxMs", lat.getDouble("maxMs"))
            .put("latencySamples", lat.getLong("count"))
            .put("measuredSeconds", round(seconds));
        if (gen != null) {
            out.put("eventsPerSecond", round((gen.acceptedEvents() - e0) / seconds));
        }
        if (replicas.size() > 1) {
            // Each replica's cores per interval: a replica whose JIT still compiles stands out.
            out.put("intervalReplicaCores", replicaCores);
        }
        out.put("cpu", cpuJson(c0, c1, deliveries, seconds));
        JsonArray jit = new JsonArray();
        for (int i = 0; i < jit1.size(); i++) {
            jit.add(jit0.get(i) < 0 || jit1.get(i) < 0 ? null : round3(jit1.get(i) - jit0.get(i)));
        }
        out.put("jitSecondsInWindow", jit);
        out.put("gatewayMetrics", metricsDelta(m0, m1, seconds));
        out.put("redisServer", redisDelta(r0, r1, seconds));
        out.put("gatewayThreads", busiestThreads(th0, th1, seconds));
        out.put("redisAof", new JsonObject().put("rewritesInWindow", aof1[0] - aof0[0])
            .put("sizeMb", round(aof1[1] / 1048576.0)).put("delayedFsyncsInWindow", aof1[2] - aof0[2])
            .put("rewriteRunningAtStart", aof0[3] == 1).put("rewriteRunningAtEnd", aof1[3] == 1)
            .put("latestForkMs", round(aof1[4] / 1000.0)));
        return out;
    }

    /**
     * Runs the load on for {@code minMs}, then on in steps of {@link #JIT_STEP_MS} until no replica's JIT
     * compiled for more than {@link #JIT_SETTLED_SHARE} of the last step, or {@code maxMs} in all: fresh JVMs
     * sharing two cores with Redis and each other took more than 40 s to settle in some runs (4 s of
     * compiling in a 7.5 s window). Answers how long it warmed. Each step's figures cost a jcmd per replica.
     */
    long warmUntilJitSettles(long minMs, long maxMs) {
        long start = System.nanoTime();
        BenchClock.sleep(minMs);
        List<Double> before = jitSeconds();
        while ((System.nanoTime() - start) / 1_000_000 + JIT_STEP_MS <= maxMs) {
            BenchClock.sleep(JIT_STEP_MS);
            List<Double> after = jitSeconds();
            double most = 0;
            for (int i = 0; i < after.size(); i++) {
                if (before.get(i) >= 0 && after.get(i) >= 0) {
                    most = Math.max(most, after.get(i) - before.get(i));
                }
            }
            LOG.info("  warm-up: the busiest JIT compiled {} s in the last {} s", round3(most), JIT_STEP_MS / 1000);
            if (most <= JIT_SETTLED_SHARE * JIT_STEP_MS / 1000.0) {
                break;
            }
            before = after;
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Each replica's JIT compile time so far, in seconds ({@link ProcStat#jitSeconds}), in {@link #replicas()} order. */
    private List<Double> jitSeconds() {
        return replicas.stream().map(r -> ProcStat.jitSeconds(r.jvm().pid())).toList();
    }

    /** Each replica's CPU between two moments, divided by {@code divisor} (seconds: cores; deliveries / 1000: s per 1 000). */
    private static JsonArray perReplica(Cpu c0, Cpu c1, double divisor) {
        JsonArray out = new JsonArray();
        if (c0.perReplica().size() == c1.perReplica().size() && divisor > 0) {
            for (int k = 0; k < c1.perReplica().size(); k++) {
                out.add(round3(ProcStat.cpuSeconds(c1.perReplica().get(k) - c0.perReplica().get(k)) / divisor));
            }
        }
        return out;
    }

    JsonObject cpuJson(Cpu c0, Cpu c1, long deliveries, double seconds) {
        double per = deliveries > 0 ? 1000.0 / deliveries : 0;
        JsonObject out = new JsonObject()
            .put("gatewaySecondsPer1000", round3(ProcStat.cpuSeconds(c1.gateways() - c0.gateways()) * per))
            .put("redisSecondsPer1000", round3(ProcStat.cpuSeconds(c1.redis() - c0.redis()) * per))
            .put("redisRewriteSecondsPer1000", round3(ProcStat.cpuSeconds(c1.redisRewrites() - c0.redisRewrites()) * per))
            .put("redisReplicaSecondsPer1000", round3(ProcStat.cpuSeconds(c1.redisReplica() - c0.redisReplica()) * per))
            .put("receiverSecondsPer1000", round3(ProcStat.cpuSeconds(c1.receiver() - c0.receiver()) * per))
            .put("driverSecondsPer1000", round3(ProcStat.cpuSeconds(c1.driver() - c0.driver()) * per))
            .put("allSecondsPer1000", round3(ProcStat.cpuSeconds(c1.all() - c0.all()) * per))
            .put("gatewayCores", round3(ProcStat.cpuSeconds(c1.gateways() - c0.gateways()) / seconds))
            .put("redisCores", round3(ProcStat.cpuSeconds(c1.redis() - c0.redis()) / seconds))
            .put("redisReplicaCores", round3(ProcStat.cpuSeconds(c1.redisReplica() - c0.redisReplica()) / seconds))
            .put("receiverCores", round3(ProcStat.cpuSeconds(c1.receiver() - c0.receiver()) / seconds))
            .put("driverCores", round3(ProcStat.cpuSeconds(c1.driver() - c0.driver()) / seconds));
        if (c1.perReplica().size() > 1 && deliveries > 0) {
            // Each replica's CPU over all deliveries (which replica made a delivery is not known): they sum to the gateway's.
            out.put("replicaSecondsPer1000", perReplica(c0, c1, deliveries / 1000.0));
        }
        return out;
    }

    /** What a drain found: deliveries missing after the wait, duplicates, signature checks. */
    record Drained(long expected, long unique, long lost, long duplicates, long signaturesChecked,
                   long signaturesBad, long drainMs) {
        JsonObject toJson() {
            return new JsonObject().put("expectedDeliveries", expected).put("uniqueDelivered", unique).put("lost", lost)
                .put("duplicates", duplicates).put("signaturesChecked", signaturesChecked)
                .put("signaturesBad", signaturesBad).put("drainMs", drainMs);
        }
    }

    /**
     * Waits (at most the profile's drain timeout) until each group has received its expected number
     * of distinct deliveries; whatever is still missing then counts as lost.
     */
    Drained drain(Map<String, Long> expected) {
        long start = System.nanoTime();
        long deadline = start + profile.drainTimeoutMs() * 1_000_000;
        while (true) {
            JsonObject all = stats.all(false).await();
            long unique = 0;
            long missing = 0;
            long dups = 0;
            long checked = 0;
            long bad = 0;
            for (Map.Entry<String, Long> e : expected.entrySet()) {
                ReceiverStats.Group g = ReceiverStats.Group.of(all.getJsonObject(e.getKey()));
                unique += g.unique();
                missing += Math.max(0, e.getValue() - g.unique());
                dups += g.duplicates();
                checked += g.signaturesChecked();
                bad += g.signaturesBad();
            }
            long expectedSum = expected.values().stream().mapToLong(Long::longValue).sum();
            if (missing == 0 || System.nanoTime() > deadline) {
                long ms = (System.nanoTime() - start) / 1_000_000;
                if (missing > 0) {
                    LOG.warn("{} deliveries still missing after {} ms", missing, ms);
                }
                return new Drained(expectedSum, unique, missing, dups, checked, bad, ms);
            }
            BenchClock.sleep(100);
        }
    }

    // ---- gateway metrics ----------------------------------------------------------------------

    /**
     * The busiest threads of replica 1 in a window, in cores: one event loop near 1.0 while the
     * machine has idle CPU means the work is serialised on that thread.
     */
    static JsonObject busiestThreads(Map<String, Long> t0, Map<String, Long> t1, double seconds) {
        JsonObject out = new JsonObject();
        t1.entrySet().stream()
            .map(e -> Map.entry(e.getKey(), e.getValue() - t0.getOrDefault(e.getKey(), 0L)))
            .filter(e -> e.getValue() > 0)
            .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
            .limit(8)
            .forEach(e -> out.put(e.getKey(), round3(ProcStat.cpuSeconds(e.getValue()) / seconds)));
        return out;
    }

    /** Redis's own count and time per command ({@code INFO commandstats}): calls and microseconds, summed over the masters. */
    Map<String, long[]> redisCommandStats() {
        Map<String, long[]> out = new TreeMap<>();
        for (RedisServer node : redisNodes()) {
            commandStats(node).forEach((cmd, v) -> out.merge(cmd, v, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]}));
        }
        return out;
    }

    /** {@code INFO commandstats} of one server: calls and microseconds per command. */
    static Map<String, long[]> commandStats(RedisServer node) {
        Map<String, long[]> out = new TreeMap<>();
        try {
            for (String line : node.command("INFO", "commandstats").split("\r?\n")) {
                if (!line.startsWith("cmdstat_")) {
                    continue;
                }
                String cmd = line.substring(8, line.indexOf(':'));
                long calls = 0;
                long usec = 0;
                for (String kv : line.substring(line.indexOf(':') + 1).split(",")) {
                    if (kv.startsWith("calls=")) {
                        calls = Long.parseLong(kv.substring(6));
                    } else if (kv.startsWith("usec=")) {
                        usec = Long.parseLong(kv.substring(5));
                    }
                }
                out.put(cmd, new long[] {calls, usec});
            }
        } catch (RuntimeException e) {
            LOG.warn("INFO commandstats unreadable: {}", e.toString());
        }
        return out;
    }

    /**
     * Redis's side of a window: per command, calls per second, microseconds per call inside Redis,
     * and the share of one core Redis spent on it (compare with the gateway's round-trip means).
     */
    static JsonObject redisDelta(Map<String, long[]> r0, Map<String, long[]> r1, double seconds) {
        JsonObject out = new JsonObject();
        r1.forEach((cmd, v) -> {
            long[] before = r0.getOrDefault(cmd, new long[2]);
            long calls = v[0] - before[0];
            long usec = v[1] - before[1];
            if (calls > 0) {
                out.put(cmd, new JsonObject().put("perSecond", round(calls / seconds))
                    .put("usecPerCall", round(usec / (double) calls))
                    .put("coreShare", round3(usec / 1e6 / seconds)));
            }
        });
        return out;
    }

    private static final Pattern COMMAND = Pattern.compile("command=\"([^\"]+)\"");

    static void parsePrometheus(String text, Map<String, Double> into) {
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            try {
                into.merge(line.substring(0, space), Double.parseDouble(line.substring(space + 1)), Double::sum);
            } catch (NumberFormatException e) {
                // NaN and the like: not a figure we use
            }
        }
    }

    /**
     * The gateway's own view of a window: Redis round trips per command (calls per second and mean
     * ms; XREADGROUP includes its BLOCK time), try duration and event-to-delivery means, GC pauses.
     */
    static JsonObject metricsDelta(Map<String, Double> m0, Map<String, Double> m1, double seconds) {
        JsonObject redis = new JsonObject();
        Map<String, double[]> byCommand = new TreeMap<>();
        for (Map.Entry<String, Double> e : m1.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("hookgate_redis_command_duration_seconds_count{")) {
                Matcher m = COMMAND.matcher(k);
                if (m.find()) {
                    String sumKey = k.replace("_seconds_count{", "_seconds_sum{");
                    double count = e.getValue() - m0.getOrDefault(k, 0.0);
                    double sum = m1.getOrDefault(sumKey, 0.0) - m0.getOrDefault(sumKey, 0.0);
                    byCommand.merge(m.group(1), new double[] {count, sum}, (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
                }
            }
        }
        byCommand.forEach((cmd, cs) -> {
            if (cs[0] > 0) {
                redis.put(cmd, new JsonObject().put("perSecond", round(cs[0] / seconds))
                    .put("meanMs", round3(cs[1] / cs[0] * 1000)));
            }
        });
        JsonObject outcomes = new JsonObject();
        Pattern outcome = Pattern.compile("outcome=\"([^\"]+)\"");
        for (Map.Entry<String, Double> e : new TreeMap<>(m1).entrySet()) {
            if (e.getKey().startsWith("hookgate_deliveries_total{")) {
                Matcher m = outcome.matcher(e.getKey());
                double delta = e.getValue() - m0.getOrDefault(e.getKey(), 0.0);
                if (m.find() && delta > 0) {
                    outcomes.put(m.group(1), round(delta / seconds));
                }
            }
        }
        JsonObject depth = new JsonObject();
        for (Map.Entry<String, Double> e : new TreeMap<>(m1).entrySet()) {
            if (e.getKey().startsWith("hookgate_queue_depth") || e.getKey().startsWith("hookgate_inflight")) {
                depth.put(e.getKey(), e.getValue());
            }
        }
        return new JsonObject()
            .put("redisCommands", redis)
            .put("outcomesPerSecond", outcomes)
            .put("queueAtEnd", depth)
            .put("tryMeanMs", meanMs(m0, m1, "hookgate_delivery_duration_seconds"))
            .put("eventToDeliveryMeanMs", meanMs(m0, m1, "hookgate_event_to_delivery_seconds"))
            .put("gcPauseMsPerSecond", round3(1000 * (sumPrefix(m1, "jvm_gc_pause_seconds_sum")
                - sumPrefix(m0, "jvm_gc_pause_seconds_sum")) / seconds));
    }

    private static Double meanMs(Map<String, Double> m0, Map<String, Double> m1, String name) {
        double count = sumPrefix(m1, name + "_count") - sumPrefix(m0, name + "_count");
        double sum = sumPrefix(m1, name + "_sum") - sumPrefix(m0, name + "_sum");
        return count > 0 ? round3(sum / count * 1000) : null;
    }

    private static double sumPrefix(Map<String, Double> m, String prefix) {
        double s = 0;
        for (Map.Entry<String, Double> e : m.entrySet()) {
            String k = e.getKey();
            if (k.equals(prefix) || k.startsWith(prefix + "{")) {
                s += e.getValue();
            }
        }
        return s;
    }

    // ---- helpers -------------------------------------------------------------------------------

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    @Override
    public void close() {
        for (int i = replicas.size() - 1; i >= 0; i--) {
            Replica r = replicas.get(i);
            r.jvm().stop(Duration.ofSeconds(25));
        }
        replicas.clear();
        if (receiver != null) {
            receiver.stop(Duration.ofSeconds(5));
        }
        if (cluster != null) {
            cluster.close();
        }
        if (replicaRedis != null) {
            replicaRedis.close();
        }
        if (redis != null) {
            redis.close();
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("closing Vert.x: {}", e.toString());
        }
    }
}
