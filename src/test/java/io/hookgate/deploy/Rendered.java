package io.hookgate.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The objects of one rendered overlay, with the look-ups the checks need. */
record Rendered(String overlay, List<JsonNode> objects) {
    /** Kinds whose {@code spec.template} is a pod template. */
    private static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job");

    List<JsonNode> all(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    Optional<JsonNode> find(String kind, String name) {
        return all(kind).stream().filter(o -> name.equals(name(o))).findFirst();
    }

    JsonNode one(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError(overlay + " renders no " + kind + " " + name
            + "; it renders " + objects.stream().map(o -> o.path("kind").asText() + " " + name(o)).toList()));
    }

    /** Every workload with a pod template (CronJobs included), for the checks that hold for every pod. */
    List<JsonNode> workloads() {
        return objects.stream().filter(o -> WORKLOADS.contains(o.path("kind").asText())
            || "CronJob".equals(o.path("kind").asText())).toList();
    }

    static JsonNode podTemplate(JsonNode workload) {
        if ("CronJob".equals(workload.path("kind").asText())) {
            return workload.path("spec").path("jobTemplate").path("spec").path("template");
        }
        return workload.path("spec").path("template");
    }

    /** Containers and init containers of a pod spec. */
    static List<JsonNode> containers(JsonNode podSpec) {
        List<JsonNode> all = new ArrayList<>();
        podSpec.path("initContainers").forEach(all::add);
        podSpec.path("containers").forEach(all::add);
        return all;
    }

    static JsonNode container(JsonNode podSpec, String name) {
        for (JsonNode c : podSpec.path("containers")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no container " + name + " in " + podSpec);
    }

    static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), e.getValue().asText());
        }
        return m;
    }

    /** A Secret's values, decoded ({@code data} is Base64, {@code stringData} plain). */
    static Map<String, String> secretValues(JsonNode secret) {
        Map<String, String> m = new LinkedHashMap<>();
        stringMap(secret.path("data")).forEach((k, v) ->
            m.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        m.putAll(stringMap(secret.path("stringData")));
        return m;
    }

    /** True when {@code selector} (a label map) selects an object carrying {@code labels}. */
    static boolean selects(JsonNode selector, JsonNode labels) {
        Map<String, String> want = stringMap(selector);
        Map<String, String> have = stringMap(labels);
        return !want.isEmpty() && want.entrySet().stream().allMatch(e -> e.getValue().equals(have.get(e.getKey())));
    }

    /**
     * A Kubernetes quantity in base units: {@code 500m} CPU is 0.5, {@code 1Gi} is 1073741824. Enough
     * of the format for requests and limits (decimal and binary suffixes, milli).
     */
    static BigDecimal quantity(String q) {
        String[][] suffixes = {
            {"Ki", "1024"}, {"Mi", "1048576"}, {"Gi", "1073741824"}, {"Ti", "1099511627776"},
            {"k", "1000"}, {"M", "1000000"}, {"G", "1000000000"}, {"T", "1000000000000"}, {"m", "0.001"},
        };
        for (String[] s : suffixes) {
            if (q.endsWith(s[0])) {
                return new BigDecimal(q.substring(0, q.length() - s[0].length())).multiply(new BigDecimal(s[1]));
            }
        }
        return new BigDecimal(q);
    }
}
