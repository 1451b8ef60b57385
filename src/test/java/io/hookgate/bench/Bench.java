package io.hookgate.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver of {@code bin/bench}: starts Redis, the receiver and the gateway as separate processes
 * on loopback, measures the ceiling and every scenario, prints a table and writes
 * {@code target/bench/result.json}. See docs/performance.md for what each scenario does.
 *
 * <p>Options: {@code --quick} (smoke run, under a minute), {@code --soak [--soak-minutes N]
 * [--soak-rate R]} (only the soak), {@code --only a,b} (some scenarios), {@code --out FILE},
 * {@code --env HOOKGATE_X=V} (a gateway setting, repeatable), {@code --gateway-jvm OPT} (repeatable),
 * {@code --redis-arg ARG} (an extra redis-server argument, repeatable: for diagnostics; the result records it),
 * {@code --redis-replica} (Redis gets a replica, e.g. to measure {@code HOOKGATE_REDIS_WAIT_REPLICAS=1}),
 * {@code --warmup S}, {@code --intervals N}, {@code --interval S} (override the profile's),
 * {@code --replica-warmup S} (load on the extra replicas before the replicas scenario measures them),
 * {@code --cluster-warmup S}, {@code --cluster-partitions N} (the cluster scenario's).
 */
public final class Bench {
    private static final Logger LOG = LoggerFactory.getLogger("io.hookgate.bench");
    private static final Logger REPORT = LoggerFactory.getLogger("io.hookgate.bench.report");

    /**
     * The order they run in. Replicas come before fan-out and matching, which leave 10 000 and up to
     * 100 000 webhooks behind: a replica started after them measures its index loading, not the queue.
     * The cluster comes last: it stops the gateway of the single Redis for good.
     */
    static final List<String> SCENARIOS = List.of("sustained", "fixedRate", "slowReceiver", "replicas", "fanout",
        "matching", "cluster");

    private Bench() {
    }

    public static void main(String[] args) {
        configureLogging();
        boolean quick = false;
        boolean soak = false;
        int soakMinutes = 10;
        int soakRate = 2_000;
        Set<String> only = new LinkedHashSet<>();
        Path out = Path.of("target/bench/result.json");
        Long warmup = null;
        Integer intervals = null;
        Long interval = null;
        Long replicaWarmup = null;
        Long clusterWarmup = null;
        Integer clusterPartitions = null;
        Map<String, String> env = new LinkedHashMap<>();
        List<String> jvm = new ArrayList<>();
        List<String> redisArgs = new ArrayList<>();
        boolean redisReplica = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--soak" -> soak = true;
                case "--soak-minutes" -> soakMinutes = Integer.parseInt(args[++i]);
                case "--soak-rate" -> soakRate = Integer.parseInt(args[++i]);
                case "--only" -> only.addAll(List.of(args[++i].split(",")));
                case "--out" -> out = Path.of(args[++i]);
                case "--env" -> {
                    String kv = args[++i];
                    int eq = kv.indexOf('=');
                    env.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                case "--gateway-jvm" -> jvm.add(args[++i]);
                case "--redis-arg" -> redisArgs.add(args[++i]);
                case "--redis-replica" -> redisReplica = true;
                case "--pin" -> CpuPinning.enable();
                case "--warmup" -> warmup = (long) (Double.parseDouble(args[++i]) * 1000);
                case "--intervals" -> intervals = Integer.parseInt(args[++i]);
                case "--interval" -> interval = (long) (Double.parseDouble(args[++i]) * 1000);
                case "--replica-warmup" -> replicaWarmup = (long) (Double.parseDouble(args[++i]) * 1000);
                case "--cluster-warmup" -> clusterWarmup = (long) (Double.parseDouble(args[++i]) * 1000);
                case "--cluster-partitions" -> clusterPartitions = Integer.parseInt(args[++i]);
                default -> {
                    LOG.error("unknown option {}; see docs/performance.md, section Running it", args[i]);
                    System.exit(2);
                }
            }
        }
        for (String s : only) {
            if (!SCENARIOS.contains(s) && !s.equals("ceiling")) {
                LOG.error("unknown scenario {}; one of ceiling, {}", s, String.join(", ", SCENARIOS));
                System.exit(2);
            }
        }
        Profile profile = (quick ? Profile.quick() : Profile.full()).with(warmup, intervals, interval)
            .withReplicaAndCluster(replicaWarmup, clusterWarmup, clusterPartitions);
        int status = run(profile, soak, soakMinutes, soakRate, only, out, env, jvm, redisArgs, redisReplica);
        System.exit(status);
    }

    private static int run(Profile profile, boolean soak, int soakMinutes, int soakRate, Set<String> only, Path out,
                           Map<String, String> env, List<String> jvm, List<String> redisArgs, boolean redisReplica) {
        long started = System.nanoTime();
        Path dir = out.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            LOG.error("cannot create {}: {}", dir, e.toString());
            return 1;
        }
        JsonObject result = new JsonObject();
        JsonObject machine = machine(profile);
        result.put("machine", machine);
        JsonObject scenarios = new JsonObject();
        JsonObject timings = new JsonObject();
        Path jar = Path.of(System.getProperty("hookgate.jar", "target/hookgate.jar"));
        int failures = 0;
        if (!redisArgs.isEmpty()) {
            machine.put("redisExtraArgs", new JsonArray(new ArrayList<Object>(redisArgs)));
        }
        if (redisReplica) {
            machine.put("redisReplica", true);
        }
        if (CpuPinning.enabled()) {
            machine.put("pinned", "redis on CPU 0, the rest on CPU 1");
        }
        if (!env.isEmpty()) {
            machine.put("gatewayEnv", new JsonObject(new LinkedHashMap<String, Object>(env)));
        }
        try (Harness h = new Harness(profile, dir, jar, env, jvm, redisArgs, redisReplica)) {
            LOG.info("bin/bench ({} run) on {} cores, {}, load average {}", profile.name(), machine.getInteger("cores"),
                machine.getString("cpuModel"), machine.getDouble("loadAverageAtStart"));
            h.startRedis();
            machine.put("redis", h.redisVersion());
            h.launchReceiver();
            h.startReplica();
            h.awaitReceiver();
            Scenarios s = new Scenarios(h);
            boolean all = only.isEmpty() && !soak;
            // The cluster scenario starts a gateway of its own: the first one's warm-up is for the others.
            boolean singleRedis = all || soak || only.stream().anyMatch(n -> SCENARIOS.contains(n) && !n.equals("cluster"));
            if (profile.gatewayPrewarmMs() > 0 && singleRedis) {
                result.put("gatewayPrewarm", step("gateway warm-up", timings, s::prewarm, s::stopLoad));
            }
            if (!soak) {
                // Always measured (except in a soak): every gateway figure is a ratio to it.
                result.put("ceiling", step("ceiling", timings, s::ceiling, s::stopLoad));
            }
            if (soak) {
                int minutes = soakMinutes;
                int rate = soakRate;
                scenarios.put("soak", step("soak", timings, () -> s.soak(minutes, rate), s::stopLoad));
            }
            for (String name : SCENARIOS) {
                if (soak || !(all || only.contains(name))) {
                    continue;
                }
                if (name.equals("cluster")) {
                    // Replica 1 of the single Redis stops here: its figures first.
                    result.put("gateway", gatewayFigures(h));
                }
                JsonObject r = step(name, timings, () -> switch (name) {
                    case "sustained" -> s.sustained();
                    case "fixedRate" -> s.fixedRate();
                    case "fanout" -> s.fanout();
                    case "slowReceiver" -> s.slowReceiver(figure(scenarios, "sustained", "deliveriesPerSecond"),
                        figure(scenarios, "fixedRate", "p99Ms"));
                    case "replicas" -> s.replicas();
                    case "matching" -> s.matching();
                    case "cluster" -> s.cluster();
                    default -> throw new IllegalArgumentException(name);
                }, s::stopLoad);
                scenarios.put(name, r);
            }
            if (!result.containsKey("gateway")) {
                result.put("gateway", gatewayFigures(h));
            }
        } catch (RuntimeException e) {
            LOG.error("bench failed: {}", e.toString(), e);
            result.put("error", e.toString());
            failures++;
        }
        addRatios(result, scenarios);
        result.put("scenarios", scenarios);
        result.put("run", new JsonObject().put("profile", profile.name())
            .put("seconds", Harness.round((System.nanoTime() - started) / 1e9)).put("stepSeconds", timings));
        for (String name : scenarios.fieldNames()) {
            if (scenarios.getJsonObject(name).containsKey("error")) {
                failures++;
            }
        }
        try {
            Files.writeString(out, result.encodePrettily() + "\n");
        } catch (IOException e) {
            LOG.error("cannot write {}: {}", out, e.toString());
            failures++;
        }
        Table.print(REPORT, result);
        REPORT.info("result: {}   ({} s in all)", out, result.getJsonObject("run").getDouble("seconds"));
        return failures == 0 ? 0 : 1;
    }

    /** Runs one scenario, timing it; a failure is recorded in its result and the run goes on. */
    private static JsonObject step(String name, JsonObject timings, Supplier<JsonObject> scenario, Runnable cleanup) {
        LOG.info("{} ...", name);
        long t0 = System.nanoTime();
        JsonObject r;
        try {
            r = scenario.get();
        } catch (RuntimeException e) {
            LOG.error("{} failed: {}", name, e.toString(), e);
            r = new JsonObject().put("error", e.toString());
        } finally {
            cleanup.run();
        }
        double seconds = Harness.round((System.nanoTime() - t0) / 1e9);
        timings.put(name, seconds);
        LOG.info("{} done in {} s: {} deliveries/s, p99 {} ms, lost {}", name, seconds, r.getValue("deliveriesPerSecond"),
            r.getValue("p99Ms"), r.getValue("lost"));
        return r;
    }

    /** Replica 1's memory and log (of the single Redis: taken before the cluster scenario replaces it). */
    private static JsonObject gatewayFigures(Harness h) {
        return new JsonObject()
            .put("peakRssMb", Harness.round(ProcStat.peakRssMb(h.first().jvm().pid())))
            .put("rssMbAtEnd", Harness.round(ProcStat.rssMb(h.first().jvm().pid())))
            .put("log", h.first().jvm().stdout().toString());
    }

    private static Double figure(JsonObject scenarios, String name, String key) {
        JsonObject s = scenarios.getJsonObject(name);
        return s == null || !(s.getValue(key) instanceof Number n) ? null : n.doubleValue();
    }

    /** Every gateway throughput as a ratio to the ceiling measured in the same run. */
    private static void addRatios(JsonObject result, JsonObject scenarios) {
        JsonObject ceiling = result.getJsonObject("ceiling");
        Double c = ceiling == null ? null : ceiling.getDouble("deliveriesPerSecond");
        for (String name : scenarios.fieldNames()) {
            JsonObject s = scenarios.getJsonObject(name);
            Object dps = s.getValue("deliveriesPerSecond");
            s.put("ratio", c != null && c > 0 && dps instanceof Number n ? Harness.round3(n.doubleValue() / c) : null);
            JsonObject byCount = s.getJsonObject("byReplicaCount");
            if (byCount != null && c != null && c > 0) {
                for (String k : byCount.fieldNames()) {
                    JsonObject m = byCount.getJsonObject(k);
                    m.put("ratio", Harness.round3(m.getDouble("deliveriesPerSecond") / c));
                }
            }
            if (s.getJsonArray("tiers") != null && c != null && c > 0) {
                s.getJsonArray("tiers").forEach(t -> {
                    JsonObject m = (JsonObject) t;
                    m.put("ratio", Harness.round3(m.getDouble("deliveriesPerSecond") / c));
                });
            }
        }
    }

    private static JsonObject machine(Profile profile) {
        return new JsonObject()
            .put("cores", Runtime.getRuntime().availableProcessors())
            .put("cpuModel", ProcStat.cpuModel())
            .put("memoryMb", ProcStat.memTotalMb())
            .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"))
            .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
            .put("loadAverageAtStart", ProcStat.loadAverage())
            .put("clockTicksPerSecond", ProcStat.TICKS_PER_SECOND)
            .put("startedAt", Instant.now().toString())
            .put("profile", profile.name());
    }

    /** Progress lines as {@code HH:mm:ss message}, the report as bare lines; everything else stays at WARN. */
    private static void configureLogging() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        attach(ctx, "io.hookgate.bench", "%d{HH:mm:ss} %msg%n%ex{short}");
        attach(ctx, "io.hookgate.bench.report", "%msg%n");
        Locale.setDefault(Locale.ROOT);
    }

    private static void attach(LoggerContext ctx, String name, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern(pattern);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(ctx);
        appender.setEncoder(encoder);
        appender.start();
        ch.qos.logback.classic.Logger logger = ctx.getLogger(name);
        logger.detachAndStopAllAppenders();
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
        logger.addAppender(appender);
    }
}
