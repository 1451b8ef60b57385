package io.hookgate.bench;

import io.hookgate.events.EventCatalogue;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scenarios of {@code bin/bench}. Each one uses its own project, webhooks and receiver path
 * group ({@code /b/<scenario>/<webhook>}), so counts never mix, and ends by draining: every accepted
 * delivery must reach the receiver, or it is reported lost.
 */
final class Scenarios {
    private static final Logger LOG = LoggerFactory.getLogger("io.hookgate.bench");

    /** Webhooks that share the fan-out-1 load: many customers, each under its per-webhook cap. */
    static final int FAN1_WEBHOOKS = 256;
    /** Events per request when sending as fast as accepted. */
    static final int BATCH = 100;
    /** Requests outstanding when sending as fast as accepted. */
    static final int IN_FLIGHT = 8;
    /** Accepted deliveries not yet received before the load generator holds back. */
    static final long MAX_BACKLOG = 20_000;
    /** Webhook creations outstanding at once. */
    static final int CREATE_CONCURRENCY = 64;
    /** Events per second sent to the slow receiver (its capacity is 16 tries per 5 s per replica). */
    static final int SLOW_EVENTS_PER_SECOND = 50;
    /** Longest wait for webhooks to reach their retention count (see {@link Harness#awaitRetention}). */
    static final long RETENTION_WAIT_MS = 45_000;

    private final Harness h;
    private final Profile p;
    /** Load started by the current scenario, stopped by {@link #stopLoad()} even when the scenario failed. */
    private final List<LoadGenerator> running = new ArrayList<>();
    private CeilingClient ceiling;
    /** API key of the project shared by the gateway warm-up, sustained, slow receiver and replicas (see {@link #steadyProject()}). */
    private String steadyKey;
    /** Redis's memory right after the steady project's webhooks were created, before any of their records. */
    private Harness.Memory beforeRecords;

    Scenarios(Harness harness) {
        this.h = harness;
        this.p = harness.profile;
    }

    // ---- building blocks ---------------------------------------------------------------------

    private LoadGenerator track(LoadGenerator gen) {
        running.add(gen);
        return gen;
    }

    /** Stops whatever load the last scenario left running (a no-op after a normal end). */
    void stopLoad() {
        for (LoadGenerator gen : running) {
            try {
                gen.stop().toCompletionStage().toCompletableFuture().get(40, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("stopping a load generator: {}", e.toString());
            }
        }
        running.clear();
        if (ceiling != null) {
            try {
                ceiling.stop().toCompletionStage().toCompletableFuture().get(40, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("stopping the ceiling client: {}", e.toString());
            }
            ceiling = null;
        }
    }

    /** {@code users.u<n % webhooks>.create}: webhook i subscribes to {@code users.u<i>.create}, fan-out 1. */
    static LoadGenerator.Events usersCreate(int webhooks) {
        return (json, n, t) -> {
            json.append("{\"event\":\"users.u").append(n % webhooks).append(".create\",\"payload\":{\"t\":")
                .append(t).append(",\"n\":").append(n).append("}}");
            return 1;
        };
    }

    private String project(String id) {
        return h.api.project(h.first().apiPort(), id).await();
    }

    /** Project and receiver group of the fan-out-1 throughput scenarios. */
    private static final String STEADY = "sustained";
    private static final String STEADY_GROUP = "/b/" + STEADY;

    /**
     * The project of the fan-out-1 throughput scenarios (warm-up, sustained, slow receiver, replicas),
     * created once: its {@link #FAN1_WEBHOOKS} webhooks fill up to their retention count during the
     * warm-up and sustained, and the later scenarios measure them in that steady state too. Clears the
     * receiver's counts of its group, for the caller's own.
     */
    private String steadyProject() {
        if (steadyKey == null) {
            steadyKey = project(STEADY);
            create(STEADY, steadyKey, fan1Webhooks(STEADY, FAN1_WEBHOOKS));
            beforeRecords = h.memory();
        }
        h.stats().reset(STEADY_GROUP, "all").await();
        return steadyKey;
    }

    /** With load running: waits until the steady project's webhooks hold their retention count of records. */
    private long awaitSteadyRetention() {
        return h.awaitRetention(STEADY, webhookIds(STEADY, FAN1_WEBHOOKS), RETENTION_WAIT_MS);
    }

    private List<String> webhookIds(String name, int count) {
        return fan1Webhooks(name, count).stream().map(GatewayApi.WebhookSpec::id).toList();
    }

    /** Creates webhooks and answers how many were created per second. */
    private double create(String project, String key, List<GatewayApi.WebhookSpec> specs) {
        long t0 = System.nanoTime();
        h.api.createWebhooks(h.first().apiPort(), project, key, Harness.SECRET, specs, CREATE_CONCURRENCY).await();
        double seconds = (System.nanoTime() - t0) / 1e9;
        return specs.isEmpty() ? 0 : Harness.round(specs.size() / seconds);
    }

    /** {@code count} webhooks {@code w<i>} on {@code /b/<name>/<i>}, subscribed to {@code users.u<i>.create}. */
    private List<GatewayApi.WebhookSpec> fan1Webhooks(String name, int count) {
        List<GatewayApi.WebhookSpec> specs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            specs.add(new GatewayApi.WebhookSpec("w" + i, h.receiverUrl("/b/" + name + "/" + i),
                List.of("users.u" + i + ".create")));
        }
        return specs;
    }

    private LoadGenerator maxRate(String project, String key, LoadGenerator.Events events, String group) {
        return new LoadGenerator(h.vertx, h.apiPorts(), project, key, events,
            new LoadGenerator.Settings(BATCH, IN_FLIGHT, 0, MAX_BACKLOG, p.backlogSeconds()),
            () -> h.deliveredAsync(group));
    }

    private LoadGenerator fixedRate(String project, String key, LoadGenerator.Events events, int perSecond) {
        int batch = Math.max(1, perSecond / 200);
        return new LoadGenerator(h.vertx, h.apiPorts(), project, key, events,
            new LoadGenerator.Settings(batch, 64, perSecond, 0, 0), null);
    }

    private static JsonObject ingest(LoadGenerator gen) {
        JsonObject lat = gen.ingestLatency().summary();
        return new JsonObject().put("acceptedEvents", gen.acceptedEvents()).put("requests", gen.requests())
            .put("rejected429Events", gen.rejected()).put("failedEvents", gen.failed())
            .put("failed5xxEvents", gen.serverErrors())
            .put("requestP50Ms", lat.getDouble("p50Ms")).put("requestP99Ms", lat.getDouble("p99Ms"))
            .put("heldByBacklogGateMs", gen.gatedMs())
            .put("firstError", gen.firstError());
    }

    private static void putDrain(JsonObject out, Harness.Drained d) {
        out.put("lost", d.lost());
        out.put("delivery", d.toJson());
    }

    // ---- warming the gateway up ---------------------------------------------------------------

    /** Scenario 1's load on a throwaway project, unmeasured: the gateway's JIT gets to work before the ceiling runs. */
    JsonObject prewarm() {
        String name = STEADY;
        String group = STEADY_GROUP;
        String key = steadyProject();
        LoadGenerator gen = track(maxRate(name, key, usersCreate(FAN1_WEBHOOKS), group));
        long t0 = System.nanoTime();
        gen.start();
        BenchClock.sleep(p.gatewayPrewarmMs());
        gen.stop().await();
        Harness.Drained d = h.drain(Map.of(group, gen.expectedDeliveries()));
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new JsonObject().put("seconds", Harness.round(seconds)).put("deliveries", d.unique())
            .put("deliveriesPerSecond", Harness.round(d.unique() / seconds)).put("lost", d.lost());
    }

    // ---- the ceiling -------------------------------------------------------------------------

    JsonObject ceiling() {
        String group = "/c/ceiling";
        h.stats().reset(group, "all").await();
        CeilingClient client = new CeilingClient(h.vertx, h.receiverPort(), Harness.SECRET, group, FAN1_WEBHOOKS, 2, 1024);
        ceiling = client;
        client.start();
        JsonObject m = h.measure(List.of(group), null, p.ceilingWarmupMs(), p.intervals(), p.intervalMs());
        client.stop().await();
        putDrain(m, h.drain(Map.of(group, client.ok())));
        // The receiver keeps every webhook-id it got, to count duplicates: over a million here. Dropping
        // them keeps them out of its heap, whose full collections would otherwise stall later scenarios.
        h.stats().reset(group, "all").await();
        m.put("failedRequests", client.failed());
        m.remove("gatewayMetrics");
        return m;
    }

    // ---- 1. sustained --------------------------------------------------------------------------

    JsonObject sustained() {
        String name = STEADY;
        String group = STEADY_GROUP;
        String key = steadyProject();
        LoadGenerator gen = track(maxRate(name, key, usersCreate(FAN1_WEBHOOKS), group));
        gen.start();
        // The warm-up lasts until the webhooks are at their retention count, and at least gatewayWarmupMs.
        long filled = awaitSteadyRetention();
        JsonObject m = h.measure(List.of(group), gen, Math.max(0, p.gatewayWarmupMs() - filled), p.intervals(),
            p.intervalMs());
        m.put("retentionWaitMs", filled);
        gen.stop().await();
        putDrain(m, h.drain(Map.of(group, gen.expectedDeliveries())));
        m.put("ingest", ingest(gen));
        m.put("webhooks", FAN1_WEBHOOKS);
        // Measured with the load stopped and drained, so the queue's backlog of about 1 s is not counted.
        JsonObject memory = h.recordMemory(beforeRecords, STEADY, webhookIds(STEADY, FAN1_WEBHOOKS));
        m.put("memoryPerRecordBytes", memory.getValue("memoryPerRecordBytes"));
        m.put("recordMemory", memory);
        LOG.info("  Redis memory per retained record: {} bytes ({} records; record key {}, index {}; {} archived: hash {},"
            + " list {}; rest {})", memory.getValue("memoryPerRecordBytes"), memory.getValue("records"),
            memory.getValue("recordKeyBytes"), memory.getValue("indexPerRecordBytes"), memory.getValue("archivedRecords"),
            memory.getValue("archiveHashPerRecordBytes"), memory.getValue("archiveListPerRecordBytes"),
            memory.getValue("restPerRecordBytes"));
        return m;
    }

    // ---- 2. fixed rate -------------------------------------------------------------------------

    JsonObject fixedRate() {
        String name = "fixed";
        String group = "/b/" + name;
        String key = project(name);
        create(name, key, fan1Webhooks(name, FAN1_WEBHOOKS));
        LoadGenerator gen = track(fixedRate(name, key, usersCreate(FAN1_WEBHOOKS), p.fixedRate()));
        gen.start();
        JsonObject m = h.measure(List.of(group), gen, p.shortWarmupMs(), p.intervals(), p.phaseIntervalMs());
        gen.stop().await();
        putDrain(m, h.drain(Map.of(group, gen.expectedDeliveries())));
        m.put("ingest", ingest(gen));
        m.put("offeredEventsPerSecond", p.fixedRate());
        m.put("webhooks", FAN1_WEBHOOKS);
        return m;
    }

    // ---- 3. fan-out ----------------------------------------------------------------------------

    JsonObject fanout() {
        String name = "fanout";
        String group = "/f/" + name;
        String key = project(name);
        int n = p.fanoutWebhooks();
        List<GatewayApi.WebhookSpec> specs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            specs.add(new GatewayApi.WebhookSpec("f" + i, h.receiverUrl(group + "/" + i), List.of("users.*.create")));
        }
        double createRate = create(name, key, specs);
        LOG.info("  {} webhooks created ({}/s)", n, createRate);
        JsonArray rounds = new JsonArray();
        LatencyHistogram all = new LatencyHistogram();
        List<Double> allDelivered = new ArrayList<>();
        long lost = 0;
        long dups = 0;
        long checked = 0;
        long bad = 0;
        Harness.Cpu c0 = null;
        long measuredDeliveries = 0;
        long measureStart = 0;
        for (int r = 0; r <= p.fanoutRounds(); r++) {
            boolean warmup = r == 0;
            if (r == 1) {
                c0 = h.cpu();
                measureStart = System.nanoTime();
            }
            h.stats().reset(group, "all").await();
            long sent = BenchClock.nowMicros();
            JsonObject event = new JsonObject().put("event", "users.fan" + r + ".create")
                .put("payload", new JsonObject().put("t", sent).put("n", r));
            h.api.postEvents(h.first().apiPort(), name, key, event).await();
            long accepted = BenchClock.nowMicros();
            ReceiverStats.Group g = awaitUnique(group, n, p.drainTimeoutMs());
            double ms = (g.lastMicros() - accepted) / 1000.0;
            JsonObject round = new JsonObject().put("warmup", warmup).put("delivered", g.unique())
                .put("allDeliveredMs", Harness.round(ms))
                .put("acceptMs", Harness.round((accepted - sent) / 1000.0))
                .put("latency", g.histogram().summary());
            rounds.add(round);
            LOG.info("  round {}{}: {} of {} delivered, last {} ms after acceptance", r, warmup ? " (warm-up)" : "",
                g.unique(), n, Harness.round(ms));
            if (!warmup) {
                allDelivered.add(ms);
                all.add(g.latency());
                lost += Math.max(0, n - g.unique());
                dups += g.duplicates();
                checked += g.signaturesChecked();
                bad += g.signaturesBad();
                measuredDeliveries += g.requests();
            }
        }
        double seconds = (System.nanoTime() - measureStart) / 1e9;
        double median = Harness.median(allDelivered);
        JsonObject lat = all.summary();
        return new JsonObject()
            .put("webhooks", n)
            .put("allDeliveredMs", Harness.round(median))
            .put("deliveriesPerSecond", median > 0 ? Harness.round(n / (median / 1000)) : 0)
            .put("p50Ms", lat.getDouble("p50Ms")).put("p99Ms", lat.getDouble("p99Ms"))
            .put("p999Ms", lat.getDouble("p999Ms")).put("maxMs", lat.getDouble("maxMs"))
            .put("lost", lost)
            .put("delivery", new JsonObject().put("expectedDeliveries", (long) n * p.fanoutRounds())
                .put("duplicates", dups).put("signaturesChecked", checked).put("signaturesBad", bad))
            .put("webhooksCreatedPerSecond", createRate)
            .put("rounds", rounds)
            .put("cpu", h.cpuJson(c0, h.cpu(), measuredDeliveries, seconds));
    }

    private ReceiverStats.Group awaitUnique(String group, long n, long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            ReceiverStats.Group g = h.stats().group(group, true).await();
            if (g.unique() >= n || System.nanoTime() > deadline) {
                return g;
            }
            BenchClock.sleep(20);
        }
    }

    // ---- 4. matching cost ----------------------------------------------------------------------

    /** Fillers: mixed wildcard subscriptions that never match the measured event. */
    private static List<String> fillerEvents(int i) {
        return switch (i % 5) {
            case 0 -> List.of("users.*.create", "users.u" + i + ".update.email");
            case 1 -> List.of("databases.*.collections.c" + i + ".documents.*.create", "users.*.sessions.*.create");
            case 2 -> List.of("databases.db" + i + ".collections.*.documents.*.update", "users.u" + i + ".update");
            case 3 -> List.of("databases.main.collections.c" + i + ".documents.*",
                "databases.*.collections.c" + i + ".documents.*.delete");
            default -> List.of("databases.main.collections.*.documents.*.delete", "users.*.update.email");
        };
    }

    /** Collections the matching scenario's events are spread over (each has 3 subscribed webhooks). */
    static final int MATCHING_COLLECTIONS = 32;

    /**
     * The webhooks the measured events match: per collection {@code o<k>}, three subscriptions of
     * different shapes (wildcard database, wildcard document without action, the mirrored tables
     * form). Spread over 96 webhooks so that no single webhook's in-flight cap limits the run.
     */
    private List<GatewayApi.WebhookSpec> hotWebhooks(String group) {
        List<GatewayApi.WebhookSpec> hot = new ArrayList<>();
        for (int k = 0; k < MATCHING_COLLECTIONS; k++) {
            hot.add(new GatewayApi.WebhookSpec("ha" + k, h.receiverUrl(group + "/a" + k),
                List.of("databases.*.collections.o" + k + ".documents.*.create")));
            hot.add(new GatewayApi.WebhookSpec("hb" + k, h.receiverUrl(group + "/b" + k),
                List.of("databases.main.collections.o" + k + ".documents.*", "users.*.create")));
            hot.add(new GatewayApi.WebhookSpec("hc" + k, h.receiverUrl(group + "/c" + k),
                List.of("databases.main.tables.o" + k + ".rows.*.create", "databases.db7.collections.*.documents.*.update")));
        }
        return hot;
    }

    /** Deliveries per event of collection {@code o<k>}, from the gateway's own expansion and the webhooks' subscriptions. */
    private static int[] fanouts(List<GatewayApi.WebhookSpec> webhooks) {
        Map<String, Set<String>> bySubscription = new HashMap<>();
        for (GatewayApi.WebhookSpec w : webhooks) {
            for (String e : w.events()) {
                bySubscription.computeIfAbsent(e, x -> new HashSet<>()).add(w.id());
            }
        }
        EventCatalogue catalogue = EventCatalogue.load();
        int[] out = new int[MATCHING_COLLECTIONS];
        for (int k = 0; k < MATCHING_COLLECTIONS; k++) {
            Set<String> matched = new HashSet<>();
            for (String e : catalogue.expand("databases.main.collections.o" + k + ".documents.d1.create")) {
                matched.addAll(bySubscription.getOrDefault(e, Set.of()));
            }
            out[k] = matched.size();
        }
        return out;
    }

    /**
     * Waits until the gateway's index has every webhook just created (it follows Redis through a
     * change feed, one webhook at a time): a probe event that only the last filler created matches
     * must reach the receiver. Answers the deliveries the probe makes.
     */
    private long awaitIndex(String project, String key, List<GatewayApi.WebhookSpec> all, long before) {
        int last = -1;
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).id().startsWith("x") && Integer.parseInt(all.get(i).id().substring(1)) % 5 == 1) {
                last = Integer.parseInt(all.get(i).id().substring(1));
                break;
            }
        }
        if (last < 0) {
            return 0;
        }
        String event = "databases.main.collections.c" + last + ".documents.probe.create";
        Set<String> expansion = new HashSet<>(EventCatalogue.load().expand(event));
        long expected = all.stream().filter(w -> w.id().startsWith("x") && w.events().stream().anyMatch(expansion::contains))
            .count();
        long t0 = System.nanoTime();
        h.api.postEvents(h.first().apiPort(), project, key, new JsonObject().put("event", event)
            .put("payload", new JsonObject().put("t", BenchClock.nowMicros()).put("n", -1))).await();
        long deadline = t0 + p.drainTimeoutMs() * 1_000_000;
        while (h.stats().group("/m/matchingFill", false).await().unique() < before + expected
            && System.nanoTime() < deadline) {
            BenchClock.sleep(50);
        }
        LOG.info("  index caught up in {} ms", (System.nanoTime() - t0) / 1_000_000);
        return expected;
    }

    JsonObject matching() {
        String name = "matching";
        String group = "/m/" + name;
        String key = project(name);
        List<GatewayApi.WebhookSpec> hot = hotWebhooks(group);
        List<GatewayApi.WebhookSpec> all = new ArrayList<>(hot);
        create(name, key, hot);
        JsonArray tiers = new JsonArray();
        long probesExpected = 0;
        long creationMs = 0;
        double lastRate = 0;
        for (int wanted : p.matchingTiers()) {
            int tier = wanted;
            long left = p.creationBudgetMs() - creationMs;
            if (lastRate > 0 && (tier - all.size()) / lastRate * 1000 > left) {
                // Would blow the run's time budget at the creation rate seen so far: scale the tier down.
                tier = Math.max(all.size(), all.size() + (int) (lastRate * left / 1000) / 1000 * 1000);
                LOG.warn("  tier {} scaled down to {} webhooks: creating them at {}/s would exceed the {} s budget",
                    wanted, tier, lastRate, p.creationBudgetMs() / 1000);
            }
            List<GatewayApi.WebhookSpec> more = new ArrayList<>();
            for (int i = all.size(); i < tier; i++) {
                more.add(new GatewayApi.WebhookSpec("x" + i, h.receiverUrl("/m/matchingFill/" + i), fillerEvents(i)));
            }
            long c0 = System.nanoTime();
            double createRate = create(name, key, more);
            creationMs += (System.nanoTime() - c0) / 1_000_000;
            if (more.size() >= 500) {
                lastRate = createRate;
            }
            all.addAll(more);
            LOG.info("  tier {}: {} webhooks in the project ({} created, {}/s)", tier, all.size(), more.size(), createRate);
            h.stats().reset(group, "all").await();
            probesExpected += awaitIndex(name, key, all, probesExpected);
            long rewriteWaitMs = h.awaitNoRewrite(p.drainTimeoutMs());
            int[] fanout = fanouts(all);
            LoadGenerator.Events events = (json, n, t) -> {
                int k = (int) (n % MATCHING_COLLECTIONS);
                json.append("{\"event\":\"databases.main.collections.o").append(k).append(".documents.d").append(n)
                    .append(".create\",\"payload\":{\"t\":").append(t).append(",\"n\":").append(n).append("}}");
                return fanout[k];
            };
            LoadGenerator gen = track(maxRate(name, key, events, group));
            gen.start();
            // Every tier in the same steady state: the hot webhooks keep their records from tier to tier.
            long filled = tiers.isEmpty()
                ? h.awaitRetention(name, hot.stream().map(GatewayApi.WebhookSpec::id).toList(), RETENTION_WAIT_MS) : 0;
            JsonObject m = h.measure(List.of(group), gen, p.shortWarmupMs(), p.intervals(), p.matchingIntervalMs());
            gen.stop().await();
            putDrain(m, h.drain(Map.of(group, gen.expectedDeliveries())));
            m.put("webhooks", all.size()).put("tierRequested", wanted).put("retentionWaitMs", filled)
                .put("setupRewriteWaitMs", rewriteWaitMs)
                .put("fanoutPerEvent", Arrays.stream(fanout).average().orElse(0)).put("webhooksCreatedPerSecond", createRate)
                .put("ingest", ingest(gen));
            // The ratio needs the smallest and the largest tier only.
            boolean probe = tiers.isEmpty() || wanted == p.matchingTiers().get(p.matchingTiers().size() - 1);
            JsonObject only = probe ? ingestOnly(name, key) : null;
            m.put("ingestOnly", only);
            tiers.add(m);
            LOG.info("  tier {}: {} events/s, {} deliveries/s, lost {}; events matching nothing: {} events/s", tier,
                m.getDouble("eventsPerSecond"), m.getDouble("deliveriesPerSecond"), m.getLong("lost"),
                only == null ? "-" : only.getDouble("eventsPerSecond"));
        }
        JsonObject first = tiers.getJsonObject(0);
        JsonObject last = tiers.getJsonObject(tiers.size() - 1);
        long stray = h.stats().group("/m/matchingFill", false).await().requests() - probesExpected;
        long lost = 0;
        for (int i = 0; i < tiers.size(); i++) {
            lost += tiers.getJsonObject(i).getLong("lost");
        }
        return new JsonObject()
            .put("deliveriesPerSecond", last.getDouble("deliveriesPerSecond"))
            .put("eventsPerSecond", last.getDouble("eventsPerSecond"))
            .put("largestTier", last.getInteger("webhooks"))
            .put("ingestRatioLargestToSmallest", first.getDouble("eventsPerSecond") > 0
                ? Harness.round3(last.getDouble("eventsPerSecond") / first.getDouble("eventsPerSecond")) : null)
            .put("ingestOnlyRatioLargestToSmallest", ratio(last.getJsonObject("ingestOnly"), first.getJsonObject("ingestOnly")))
            .put("p50Ms", last.getDouble("p50Ms")).put("p99Ms", last.getDouble("p99Ms"))
            .put("p999Ms", last.getDouble("p999Ms"))
            .put("lost", lost)
            .put("strayDeliveries", stray)
            .put("cpu", last.getJsonObject("cpu"))
            .put("tiers", tiers);
    }

    private static Double ratio(JsonObject a, JsonObject b) {
        double x = a.getDouble("eventsPerSecond");
        double y = b.getDouble("eventsPerSecond");
        return y > 0 ? Harness.round3(x / y) : null;
    }

    /**
     * Ingestion and matching alone: events that match no webhook, as fast as accepted, held back
     * while more than 1 s of them wait to be fanned out (read from the events stream in Redis).
     * The rate counts events fanned out, so it covers API, ingest script, fan-out read, matching
     * against the whole index and the fan-out script, without any delivery.
     */
    private JsonObject ingestOnly(String project, String key) {
        long rewriteWaitMs = h.awaitNoRewrite(p.drainTimeoutMs());
        long base = h.fannedOutEvents();
        LoadGenerator.Events none = (json, n, t) -> {
            json.append("{\"event\":\"databases.main.collections.none.documents.d").append(n)
                .append(".create\",\"payload\":{\"t\":").append(t).append(",\"n\":").append(n).append("}}");
            return 1;
        };
        LoadGenerator gen = track(new LoadGenerator(h.vertx, h.apiPorts(), project, key, none,
            new LoadGenerator.Settings(BATCH, IN_FLIGHT, 0, MAX_BACKLOG, p.backlogSeconds()),
            () -> h.vertx.executeBlocking(() -> h.fannedOutEvents() - base)));
        gen.start();
        BenchClock.sleep(p.shortWarmupMs() / 2);
        Harness.Cpu c0 = h.cpu();
        long f0 = h.fannedOutEvents();
        long t0 = System.nanoTime();
        long start = t0;
        long fPrev = f0;
        List<Double> rates = new ArrayList<>();
        for (int i = 0; i < p.intervals(); i++) {
            BenchClock.sleep(p.phaseIntervalMs() / 2);
            long f = h.fannedOutEvents();
            long t = System.nanoTime();
            rates.add((f - fPrev) / ((t - t0) / 1e9));
            fPrev = f;
            t0 = t;
        }
        Harness.Cpu c1 = h.cpu();
        double seconds = (t0 - start) / 1e9;
        gen.stop().await();
        long deadline = System.nanoTime() + p.drainTimeoutMs() * 1_000_000;
        while (h.fannedOutEvents() - base < gen.acceptedEvents() && System.nanoTime() < deadline) {
            BenchClock.sleep(50);
        }
        return new JsonObject()
            .put("eventsPerSecond", Harness.round(Harness.median(rates)))
            .put("intervals", new JsonArray(rates.stream().map(Harness::round).toList()))
            .put("acceptedEvents", gen.acceptedEvents())
            .put("setupRewriteWaitMs", rewriteWaitMs)
            .put("notFannedOut", Math.max(0, gen.acceptedEvents() - (h.fannedOutEvents() - base)))
            .put("cpuPer1000Events", h.cpuJson(c0, c1, fPrev - f0, seconds));
    }

    // ---- 5. one slow receiver ------------------------------------------------------------------

    JsonObject slowReceiver(Double sustainedPerSecond, Double fixedP99) {
        String group = STEADY_GROUP;
        String slowGroup = "/slow/slowReceiver";
        // The fast webhooks are the sustained scenario's, in the same steady state.
        String key = steadyProject();
        create(STEADY, key, List.of(new GatewayApi.WebhookSpec("slow", "http://127.0.0.1:" + h.slowPort() + slowGroup + "/0",
            List.of("users.slow.create"))));
        LoadGenerator slow = track(fixedRate(STEADY, key, (json, n, t) -> {
            json.append("{\"event\":\"users.slow.create\",\"payload\":{\"t\":").append(t).append(",\"n\":").append(n)
                .append("}}");
            return 1;
        }, SLOW_EVENTS_PER_SECOND));
        LoadGenerator fast = track(maxRate(STEADY, key, usersCreate(FAN1_WEBHOOKS), group));
        fast.start();
        long filled = awaitSteadyRetention();
        // What the fast webhooks keep is measured against their own throughput just before, under the same
        // load and at the same point of the run, not against scenario 1's a minute or two earlier; a single
        // window still moves by about a tenth on 2 shared cores (docs/performance.md, issue 21's item 21).
        long settleMs = Math.max(p.shortWarmupMs(), p.gatewayWarmupMs() / 4);
        LOG.info("  phase 1a: fast webhooks alone, as fast as accepted");
        JsonObject alone = h.measure(List.of(group), fast, settleMs, p.intervals(), p.phaseIntervalMs());
        slow.start();
        LOG.info("  phase 1b: the same, with the slow receiver's webhook at {} events/s", SLOW_EVENTS_PER_SECOND);
        // The slow webhook's deferred work takes a few seconds to settle (its tries take 5 s, work deferred
        // comes back after about as long): with 2 s the first window still ramped up.
        JsonObject throughput = h.measure(List.of(group), fast, settleMs, p.intervals(), p.phaseIntervalMs());
        fast.stop().await();
        // Phase 1's backlog must not count as phase 2's deliveries or latency.
        Harness.Drained between = h.drain(Map.of(group, fast.expectedDeliveries()));
        LOG.info("  phase 2: fast webhooks at {} events/s", p.fixedRate());
        LoadGenerator paced = track(fixedRate(STEADY, key, usersCreate(FAN1_WEBHOOKS), p.fixedRate()));
        paced.start();
        JsonObject latency = h.measure(List.of(group), paced, p.shortWarmupMs(), p.intervals(), p.phaseIntervalMs());
        paced.stop().await();
        slow.stop().await();
        Harness.Drained d = h.drain(Map.of(group, fast.expectedDeliveries() + paced.expectedDeliveries()));
        ReceiverStats.Group s = h.stats().group(slowGroup, false).await();
        // Deleting the slow webhook drops what it still has queued or deferred, so it cannot weigh on later scenarios.
        h.api.deleteWebhook(h.first().apiPort(), STEADY, key, "slow").await();
        double dps = throughput.getDouble("deliveriesPerSecond");
        double aloneDps = alone.getDouble("deliveriesPerSecond");
        JsonObject out = new JsonObject()
            .put("deliveriesPerSecond", dps)
            .put("aloneDeliveriesPerSecond", aloneDps)
            .put("keptThroughput", aloneDps > 0 ? Harness.round3(dps / aloneDps) : null)
            .put("keptOfSustained", sustainedPerSecond == null || sustainedPerSecond == 0 ? null
                : Harness.round3(dps / sustainedPerSecond))
            .put("p50Ms", latency.getDouble("p50Ms")).put("p99Ms", latency.getDouble("p99Ms"))
            .put("p999Ms", latency.getDouble("p999Ms"))
            .put("p99VsFixedRate", fixedP99 == null || fixedP99 == 0 ? null
                : Harness.round3(latency.getDouble("p99Ms") / fixedP99))
            .put("cpu", throughput.getJsonObject("cpu"))
            .put("slowAcceptedEvents", slow.acceptedEvents())
            .put("slowDelivered", s.unique())
            .put("phase1DrainMs", between.drainMs())
            .put("retentionWaitMs", filled)
            .put("alonePhase", alone)
            .put("throughputPhase", throughput)
            .put("latencyPhase", latency);
        putDrain(out, d);
        return out;
    }

    // ---- 6. replicas ---------------------------------------------------------------------------

    /**
     * Most replicas first: all extra replicas join at once while the load runs and warm up together,
     * then one stops (gracefully) before each smaller count, so every count is measured on JVMs
     * that have had the same load, and the last (1) on the long-warm first replica.
     */
    JsonObject replicas() {
        String name = STEADY;
        String group = STEADY_GROUP;
        String key = steadyProject();
        LoadGenerator gen = track(maxRate(name, key, usersCreate(FAN1_WEBHOOKS), group));
        gen.start();
        awaitSteadyRetention();
        List<Integer> counts = new ArrayList<>(p.replicaCounts());
        counts.sort(Comparator.reverseOrder());
        h.startReplicas(counts.get(0) - h.replicas().size());
        long firstWarmup = p.shortWarmupMs();
        long warmup = firstWarmup;
        JsonObject byCount = new JsonObject();
        Map<String, Double> perSecond = new LinkedHashMap<>();
        for (int count : counts) {
            while (h.replicas().size() > count) {
                // Load goes to the others first, then the replica stops gracefully, handing back its queued work.
                gen.apiPorts(h.apiPorts().subList(0, h.replicas().size() - 1));
                BenchClock.sleep(500);
                h.stopLastReplica();
            }
            gen.apiPorts(h.apiPorts());
            if (count == counts.get(0) && count > 1) {
                // The replicas that just joined are fresh JVMs: measured only once their JIT has settled under
                // the load, at least replicaWarmupMs and at most three times that (the smaller counts then
                // measure replicas that stayed under load all along).
                firstWarmup = h.warmUntilJitSettles(p.replicaWarmupMs(), 3 * p.replicaWarmupMs());
                warmup = 0;
            }
            JsonObject m = h.measure(List.of(group), gen, warmup, p.intervals(), p.phaseIntervalMs());
            m.put("peakRssMb", new JsonArray(h.replicas().stream()
                .map(r -> Harness.round(ProcStat.peakRssMb(r.jvm().pid()))).toList()));
            m.put("warmupMs", warmup == 0 ? firstWarmup : warmup);
            byCount.put(Integer.toString(count), m);
            perSecond.put(Integer.toString(count), m.getDouble("deliveriesPerSecond"));
            LOG.info("  {} replica(s): {} deliveries/s, gateway CPU s/1000 {} by interval", count,
                m.getDouble("deliveriesPerSecond"), m.getJsonArray("intervalGatewayCpuPer1000"));
            warmup = p.shortWarmupMs();
        }
        gen.stop().await();
        Harness.Drained d = h.drain(Map.of(group, gen.expectedDeliveries()));
        while (h.replicas().size() > 1) {
            h.stopLastReplica();
        }
        JsonObject last = byCount.getJsonObject(Integer.toString(counts.get(0)));
        JsonObject ordered = new JsonObject();
        Map<String, Double> orderedRates = new LinkedHashMap<>();
        for (int c : p.replicaCounts()) {
            ordered.put(Integer.toString(c), byCount.getJsonObject(Integer.toString(c)));
            orderedRates.put(Integer.toString(c), perSecond.get(Integer.toString(c)));
        }
        JsonObject out = new JsonObject()
            .put("deliveriesPerSecond", last.getDouble("deliveriesPerSecond"))
            .put("replicas", counts.get(0))
            .put("replicaWarmupMs", firstWarmup)
            .put("p50Ms", last.getDouble("p50Ms")).put("p99Ms", last.getDouble("p99Ms"))
            .put("p999Ms", last.getDouble("p999Ms"))
            .put("cpu", last.getJsonObject("cpu"))
            .put("perReplicaCount", new JsonObject(new LinkedHashMap<>(orderedRates)))
            .put("byReplicaCount", ordered)
            .put("ingest", ingest(gen));
        putDrain(out, d);
        return out;
    }

    // ---- 7. Redis Cluster ------------------------------------------------------------------------

    /**
     * Scenario 1's load on one gateway replica over a Redis Cluster of three masters: the run switches
     * to the cluster for good (see {@link Harness#useCluster(int)}), so this scenario comes last. Its
     * gateway is a fresh JVM: it is measured after {@code clusterWarmupMs} of load and once its
     * webhooks hold their retention count, whichever is later. Besides scenario 1's figures, each
     * master's share of the work and its CPU per delivery ({@link ClusterShards}).
     */
    JsonObject cluster() {
        // A rewrite that the scenarios before set off on the single Redis must not run beside the cluster's window.
        long rewriteWaitMs = h.awaitNoRewrite(p.drainTimeoutMs());
        JsonObject layout = h.useCluster(p.clusterPartitions());
        String name = "cluster";
        String group = "/b/" + name;
        String key = project(name);
        create(name, key, fan1Webhooks(name, FAN1_WEBHOOKS));
        h.stats().reset(group, "all").await();
        LoadGenerator gen = track(maxRate(name, key, usersCreate(FAN1_WEBHOOKS), group));
        long started = System.nanoTime();
        gen.start();
        long filled = h.awaitRetention(name, webhookIds(name, FAN1_WEBHOOKS), RETENTION_WAIT_MS);
        long loadedMs = (System.nanoTime() - started) / 1_000_000;
        BenchClock.sleep(Math.max(0, p.clusterWarmupMs() - loadedMs));
        long warmedMs = (System.nanoTime() - started) / 1_000_000;
        // The fresh webhooks may not all be full when the machine is slow (the wait is bounded): the state measured.
        double recordsAtStart = h.recordsPerWebhook(name, webhookIds(name, FAN1_WEBHOOKS));
        List<Harness.Shard> s0 = h.shards();
        long d0 = h.delivered(List.of(group));
        long t0 = System.nanoTime();
        JsonObject m = h.measure(List.of(group), gen, 0, p.intervals(), p.intervalMs());
        List<Harness.Shard> s1 = h.shards();
        long d1 = h.delivered(List.of(group));
        double seconds = (System.nanoTime() - t0) / 1e9;
        JsonObject shards = ClusterShards.report(s0, s1, d1 - d0, seconds);
        gen.stop().await();
        putDrain(m, h.drain(Map.of(group, gen.expectedDeliveries())));
        m.put("ingest", ingest(gen));
        m.put("webhooks", FAN1_WEBHOOKS);
        m.put("partitions", p.clusterPartitions());
        m.put("warmupMs", warmedMs);
        m.put("retentionWaitMs", filled);
        m.put("recordsPerWebhookAtStart", recordsAtStart);
        m.put("setupRewriteWaitMs", rewriteWaitMs);
        m.put("layout", layout);
        m.put("shards", shards.getJsonArray("shards"));
        m.put("spread", shards.getJsonObject("spread"));
        m.put("peakRssMb", Harness.round(ProcStat.peakRssMb(h.first().jvm().pid())));
        JsonObject spread = shards.getJsonObject("spread");
        LOG.info("  cluster: {} deliveries/s; partitions per shard {}, shares of deliveries {}, of Redis CPU {}",
            m.getDouble("deliveriesPerSecond"), spread.getJsonArray("partitionsPerShard"),
            spread.getJsonArray("deliveryShares"), spread.getJsonArray("redisCpuShares"));
        return m;
    }

    // ---- soak ----------------------------------------------------------------------------------

    JsonObject soak(int minutes, int perSecond) {
        String name = "soak";
        String group = "/b/" + name;
        String key = project(name);
        create(name, key, fan1Webhooks(name, FAN1_WEBHOOKS));
        LoadGenerator gen = track(fixedRate(name, key, usersCreate(FAN1_WEBHOOKS), perSecond));
        gen.start();
        BenchClock.sleep(10_000);
        long pid = h.first().jvm().pid();
        JsonArray samples = new JsonArray();
        LatencyHistogram whole = new LatencyHistogram();
        List<double[]> points = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + minutes * 60_000_000_000L;
        Harness.Cpu c0 = h.cpu();
        long d0 = h.delivered(List.of(group));
        long dPrev = d0;
        long tPrev = start;
        while (System.nanoTime() < end) {
            h.stats().reset(group, "latency").await();
            BenchClock.sleep(Math.min(30_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            long now = System.nanoTime();
            long d = h.delivered(List.of(group));
            double liveMb = liveHeapMb(pid);
            double minute = (now - start) / 60e9;
            ReceiverStats.Group g = h.stats().group(group, true).await();
            whole.add(g.latency());
            JsonObject sample = new JsonObject().put("minute", Harness.round3(minute))
                .put("heapLiveMb", Harness.round(liveMb)).put("rssMb", Harness.round(ProcStat.rssMb(pid)))
                .put("deliveriesPerSecond", Harness.round((d - dPrev) / ((now - tPrev) / 1e9)))
                .put("p99Ms", g.histogram().summary().getDouble("p99Ms"));
            samples.add(sample);
            LOG.info("  soak {} min: live heap {} MB, RSS {} MB, {} deliveries/s, p99 {} ms", sample.getDouble("minute"),
                sample.getDouble("heapLiveMb"), sample.getDouble("rssMb"), sample.getDouble("deliveriesPerSecond"),
                sample.getDouble("p99Ms"));
            if (liveMb > 0) {
                points.add(new double[] {minute, liveMb});
            }
            dPrev = d;
            tPrev = now;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Harness.Cpu c1 = h.cpu();
        gen.stop().await();
        Harness.Drained d = h.drain(Map.of(group, gen.expectedDeliveries()));
        JsonObject lat = whole.summary();
        JsonObject out = new JsonObject()
            .put("minutes", minutes).put("offeredEventsPerSecond", perSecond)
            .put("deliveriesPerSecond", Harness.round((dPrev - d0) / seconds))
            .put("p50Ms", lat.getDouble("p50Ms")).put("p99Ms", lat.getDouble("p99Ms"))
            .put("p999Ms", lat.getDouble("p999Ms")).put("maxMs", lat.getDouble("maxMs"))
            .put("heapSlopeMbPerMinute", Harness.round3(slope(points)))
            // The event cache (64 MB of payloads) fills during the first minutes: the second half shows steady state.
            .put("heapSlopeSecondHalfMbPerMinute", Harness.round3(slope(points.subList(points.size() / 2, points.size()))))
            .put("samples", samples)
            .put("cpu", h.cpuJson(c0, c1, dPrev - d0, seconds));
        putDrain(out, d);
        return out;
    }

    /** Live heap after a full GC: {@code jcmd GC.class_histogram} collects first, then totals live objects. */
    private static double liveHeapMb(long pid) {
        try {
            Process proc = new ProcessBuilder("jcmd", Long.toString(pid), "GC.class_histogram")
                .redirectErrorStream(true).start();
            String out = new String(proc.getInputStream().readAllBytes());
            if (!proc.waitFor(60, TimeUnit.SECONDS)) {
                proc.destroyForcibly();
                return 0;
            }
            for (String line : out.split("\n")) {
                String t = line.trim();
                if (t.startsWith("Total")) {
                    String[] f = t.split("\\s+");
                    return Long.parseLong(f[2]) / (1024.0 * 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("jcmd failed: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Least-squares slope of y over x. */
    static double slope(List<double[]> points) {
        int n = points.size();
        if (n < 2) {
            return 0;
        }
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (double[] pt : points) {
            sx += pt[0];
            sy += pt[1];
            sxx += pt[0] * pt[0];
            sxy += pt[0] * pt[1];
        }
        double den = n * sxx - sx * sx;
        return den == 0 ? 0 : (n * sxy - sx * sy) / den;
    }
}
