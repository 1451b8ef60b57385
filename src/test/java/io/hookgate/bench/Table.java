package io.hookgate.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/** The human-readable summary of a run: one row per scenario (and tier), the targets in the notes. */
final class Table {
    private static final String[] HEADER = {"scenario", "deliveries/s", "ratio", "p50 ms", "p99 ms", "p999 ms", "lost",
        "CPU s/1000", "notes"};

    private Table() {
    }

    static void print(Logger out, JsonObject result) {
        List<String[]> rows = new ArrayList<>();
        JsonObject c = result.getJsonObject("ceiling");
        if (c != null) {
            rows.add(row("ceiling", c, "1.000", cpu(c, "allSecondsPer1000"),
                "signed POSTs straight to the receiver (CPU: all processes)" + error(c)));
        }
        JsonObject s = result.getJsonObject("scenarios", new JsonObject());
        JsonObject r = s.getJsonObject("sustained");
        if (r != null) {
            rows.add(row("1 sustained", r, ratio(r), cpu(r, "gatewaySecondsPer1000"),
                "events/s " + r.getValue("eventsPerSecond") + "; target ratio >= 0.30 " + met(r.getValue("ratio"), 0.30, true)
                    + error(r)));
            JsonObject mem = r.getJsonObject("recordMemory");
            if (mem != null) {
                rows.add(new String[] {"1 Redis per record", "", "", "", "", "", "", "",
                    str(mem.getValue("memoryPerRecordBytes")) + " bytes per retained record (used_memory growth over "
                        + mem.getValue("records") + " records; dataset " + mem.getValue("datasetPerRecordBytes")
                        + "): record key " + mem.getValue("recordKeyBytes") + " (MEMORY USAGE of "
                        + mem.getValue("recordKeysSampled") + "), index " + mem.getValue("indexPerRecordBytes")
                        + "; archived " + mem.getValue("archivedRecords") + ": hash " + mem.getValue("archiveHashPerRecordBytes")
                        + ", list " + mem.getValue("archiveListPerRecordBytes") + "; rest "
                        + mem.getValue("restPerRecordBytes") + "; target <= 250 "
                        + atMost(mem.getValue("memoryPerRecordBytes"), 250)});
            }
        }
        r = s.getJsonObject("fixedRate");
        if (r != null) {
            rows.add(row("2 fixedRate", r, ratio(r), cpu(r, "gatewaySecondsPer1000"),
                "offered " + r.getValue("offeredEventsPerSecond") + " events/s; target p99 < 25 ms "
                    + met(r.getValue("p99Ms"), 25, false) + error(r)));
        }
        r = s.getJsonObject("fanout");
        if (r != null) {
            rows.add(row("3 fanout", r, ratio(r), cpu(r, "gatewaySecondsPer1000"),
                "all " + r.getValue("webhooks") + " delivered " + r.getValue("allDeliveredMs")
                    + " ms after acceptance (median); target < 2000 ms " + met(r.getValue("allDeliveredMs"), 2000, false)
                    + error(r)));
        }
        r = s.getJsonObject("matching");
        if (r != null) {
            JsonArray tiers = r.getJsonArray("tiers", new JsonArray());
            for (int i = 0; i < tiers.size(); i++) {
                JsonObject t = tiers.getJsonObject(i);
                rows.add(row("4 matching " + t.getValue("webhooks"), t, ratio(t), cpu(t, "gatewaySecondsPer1000"),
                    "ingest " + t.getValue("eventsPerSecond") + " events/s at fan-out " + t.getValue("fanoutPerEvent")
                        + (t.getJsonObject("ingestOnly") == null ? "" : "; events matching nothing: "
                        + t.getJsonObject("ingestOnly").getValue("eventsPerSecond") + "/s")));
            }
            rows.add(new String[] {"4 matching", "", "", "", "", "", str(r.getValue("lost")), "",
                "ingest at " + r.getValue("largestTier") + " / at " + (tiers.isEmpty() ? "?"
                    : tiers.getJsonObject(0).getValue("webhooks")) + " = " + r.getValue("ingestRatioLargestToSmallest")
                    + " (matching nothing: " + r.getValue("ingestOnlyRatioLargestToSmallest") + "); target >= 0.90 "
                    + met(r.getValue("ingestRatioLargestToSmallest"), 0.90, true) + error(r)});
        }
        r = s.getJsonObject("slowReceiver");
        if (r != null) {
            JsonObject tp = r.getJsonObject("throughputPhase", new JsonObject());
            rows.add(new String[] {"5 slowReceiver max", str(r.getValue("deliveriesPerSecond")), ratio(r),
                str(tp.getValue("p50Ms")), str(tp.getValue("p99Ms")), str(tp.getValue("p999Ms")), "",
                cpu(r, "gatewaySecondsPer1000"), "fast webhooks keep " + r.getValue("keptThroughput") + " of their "
                    + r.getValue("aloneDeliveriesPerSecond") + "/s alone just before"
                    + (r.getValue("keptOfSustained") == null ? "" : " (" + r.getValue("keptOfSustained") + " of sustained)")
                    + "; target >= 0.90 " + met(r.getValue("keptThroughput"), 0.90, true) + error(r)});
            JsonObject lp = r.getJsonObject("latencyPhase", new JsonObject());
            rows.add(new String[] {"5 slowReceiver paced", str(lp.getValue("deliveriesPerSecond")), "",
                str(r.getValue("p50Ms")), str(r.getValue("p99Ms")), str(r.getValue("p999Ms")), str(r.getValue("lost")),
                cpu(lp, "gatewaySecondsPer1000"), "fast p99 target < 50 ms " + met(r.getValue("p99Ms"), 50, false)
                    + "; slow receiver got " + r.getValue("slowDelivered") + " of " + r.getValue("slowAcceptedEvents")});
        }
        r = s.getJsonObject("replicas");
        if (r != null) {
            JsonObject by = r.getJsonObject("byReplicaCount", new JsonObject());
            for (String k : by.fieldNames()) {
                JsonObject m = by.getJsonObject(k);
                rows.add(row("6 replicas x" + k, m, ratio(m), cpu(m, "gatewaySecondsPer1000"),
                    "warm-up " + seconds(m.getValue("warmupMs")) + " s; gateway CPU by interval "
                        + m.getValue("intervalGatewayCpuPer1000") + " (summed over replicas); JIT s in window "
                        + m.getValue("jitSecondsInWindow") + "; Redis CPU s/1000 " + cpu(m, "redisSecondsPer1000")));
            }
            rows.add(new String[] {"6 replicas", "", "", "", "", "", str(r.getValue("lost")), "",
                "all replicas on one Redis; replicas 2.." + r.getValue("replicas") + " joined under load and warmed "
                    + seconds(r.getValue("replicaWarmupMs")) + " s before the first count" + error(r)});
        }
        r = s.getJsonObject("cluster");
        if (r != null) {
            JsonObject spread = r.getJsonObject("spread", new JsonObject());
            rows.add(row("7 cluster", r, ratio(r), cpu(r, "gatewaySecondsPer1000"),
                "3 masters, 1 gateway, " + r.getValue("partitions") + " partitions (per shard "
                    + spread.getValue("partitionsPerShard") + "), warm-up " + seconds(r.getValue("warmupMs"))
                    + " s, " + r.getValue("recordsPerWebhookAtStart") + " records per webhook; gateway CPU by interval "
                    + r.getValue("intervalGatewayCpuPer1000") + ", JIT s in window " + r.getValue("jitSecondsInWindow")
                    + "; Redis CPU s/1000 " + cpu(r, "redisSecondsPer1000") + " in all" + error(r)));
            JsonArray shards = r.getJsonArray("shards", new JsonArray());
            for (int i = 0; i < shards.size(); i++) {
                JsonObject sh = shards.getJsonObject(i);
                JsonObject cmds = sh.getJsonObject("commands", new JsonObject());
                rows.add(new String[] {"7 cluster shard " + i, "", "", "", "", "", "", "",
                    "partitions " + sh.getValue("partitions") + "; Redis CPU s/1000 " + sh.getValue("redisSecondsPer1000")
                        + " of all deliveries, " + sh.getValue("redisSecondsPer1000OwnDeliveries") + " of its own ("
                        + sh.getValue("deliveryShare") + " of them); share of XADD calls "
                        + cmds.getJsonObject("xadd", new JsonObject()).getValue("share") + ", of script time "
                        + cmds.getJsonObject("evalsha", new JsonObject()).getValue("usecShare")});
            }
        }
        r = s.getJsonObject("soak");
        if (r != null) {
            rows.add(row("soak", r, ratio(r), cpu(r, "gatewaySecondsPer1000"),
                "live heap slope " + r.getValue("heapSlopeMbPerMinute") + " MB/min over " + r.getValue("minutes")
                    + " min, " + r.getValue("heapSlopeSecondHalfMbPerMinute") + " MB/min over the second half"
                    + error(r)));
        }
        int[] width = new int[HEADER.length];
        List<String[]> all = new ArrayList<>();
        all.add(HEADER);
        all.addAll(rows);
        for (String[] row : all) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        out.info("");
        for (String[] row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                String cell = row[i];
                boolean left = i == 0 || i == row.length - 1;
                String pad = " ".repeat(width[i] - cell.length());
                line.append(left ? cell + pad : pad + cell).append(i == row.length - 1 ? "" : "  ");
            }
            out.info(line.toString().stripTrailing());
        }
        JsonObject gw = result.getJsonObject("gateway");
        if (gw != null) {
            out.info("");
            out.info("gateway peak RSS {} MB (replica 1, {} {}); CPU s/1000 = gateway CPU seconds per 1 000 deliveries",
                gw.getValue("peakRssMb"), Harness.GATEWAY_HEAP, Harness.GATEWAY_GC);
        }
        JsonObject m = result.getJsonObject("machine");
        out.info("machine: {} cores, {}, {} MB, {}, redis {}, load average {} at start", m.getValue("cores"),
            m.getValue("cpuModel"), m.getValue("memoryMb"), m.getValue("java"), m.getValue("redis"),
            m.getValue("loadAverageAtStart"));
    }

    private static String[] row(String name, JsonObject r, String ratio, String cpu, String notes) {
        return new String[] {name, str(r.getValue("deliveriesPerSecond")), ratio, str(r.getValue("p50Ms")),
            str(r.getValue("p99Ms")), str(r.getValue("p999Ms")), str(r.getValue("lost")), cpu, notes};
    }

    private static String seconds(Object ms) {
        return ms instanceof Number n ? str(Harness.round(n.doubleValue() / 1000)) : "-";
    }

    private static String ratio(JsonObject r) {
        return str(r.getValue("ratio"));
    }

    private static String cpu(JsonObject r, String key) {
        JsonObject c = r.getJsonObject("cpu");
        return c == null ? "" : str(c.getValue(key));
    }

    private static String met(Object value, double target, boolean atLeast) {
        if (!(value instanceof Number n)) {
            return "(n/a)";
        }
        boolean ok = atLeast ? n.doubleValue() >= target : n.doubleValue() < target;
        return ok ? "(met)" : "(missed)";
    }

    private static String atMost(Object value, double target) {
        return !(value instanceof Number n) ? "(n/a)" : n.doubleValue() <= target ? "(met)" : "(missed)";
    }

    private static String error(JsonObject r) {
        return r.containsKey("error") ? " ERROR: " + r.getString("error") : "";
    }

    private static String str(Object v) {
        if (v == null) {
            return "-";
        }
        if (v instanceof Double d) {
            return d == Math.rint(d) && Math.abs(d) >= 100 ? Long.toString(d.longValue()) : d.toString();
        }
        return v.toString();
    }
}
