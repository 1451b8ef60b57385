package io.hookgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.testsupport.ChildGatewayEnv;
import io.hookgate.testsupport.Prometheus;
import io.hookgate.testsupport.Promtool;
import io.hookgate.testsupport.ServedMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code k8s/grafana-dashboard.json} is a Grafana dashboard whose every query is PromQL that
 * Prometheus parses ({@code promtool check rules}) and names only metrics that a gateway process
 * serves at {@code /metrics} once it has delivered, retried and held deliveries: a renamed metric
 * breaks this test, not a panel that nobody looks at until an incident.
 */
class GrafanaDashboardIT {
    private static final Path DASHBOARD = Path.of("k8s/grafana-dashboard.json");
    /** A datasource reference the dashboard's own variable resolves. */
    private static final String DATASOURCE = "${datasource}";
    /** What the issue asked the dashboard to show, by the metric each needs. */
    private static final List<String> SHOWN = List.of("hookgate_deliveries_total",
        "hookgate_delivery_duration_seconds_bucket", "hookgate_event_to_delivery_seconds_bucket", "hookgate_queue_depth",
        "hookgate_queue_oldest_seconds", "hookgate_circuits_open", "hookgate_deliveries_held",
        "hookgate_redis_command_duration_seconds_bucket");
    /** PromQL words that are not metric names (functions are told apart by their parenthesis). */
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
        "bool", "and", "or", "unless", "offset", "inf", "nan");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern GROUPING =
        Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,");

    @RegisterExtension
    static final ChildGatewayEnv env = ChildGatewayEnv.create(ServedMetrics.ENV);

    @Test
    void isADashboardWhoseQueriesPrometheusParses() throws IOException {
        JsonNode d = dashboard();
        assertThat(d.path("title").asText()).isNotBlank();
        assertThat(d.path("uid").asText()).isNotBlank();
        assertThat(d.path("schemaVersion").asInt()).isPositive();
        JsonNode variables = d.path("templating").path("list");
        assertThat(variables.findValuesAsText("name")).contains("datasource");

        Set<Integer> ids = new HashSet<>();
        List<int[]> cells = new ArrayList<>();
        for (JsonNode panel : d.path("panels")) {
            String title = panel.path("title").asText();
            assertThat(title).as("a panel's title").isNotBlank();
            assertThat(ids.add(panel.path("id").asInt())).as("panel id of %s unique", title).isTrue();
            JsonNode g = panel.path("gridPos");
            int[] cell = {g.path("x").asInt(), g.path("y").asInt(), g.path("w").asInt(), g.path("h").asInt()};
            assertThat(cell[0] + cell[2]).as("%s within Grafana's 24 columns", title).isLessThanOrEqualTo(24);
            assertThat(cells).as("%s overlaps no other panel", title).noneMatch(c -> overlap(c, cell));
            cells.add(cell);
            if (!panel.path("type").asText().equals("row")) {
                assertThat(panel.path("datasource").path("uid").asText()).as("%s's data source", title)
                    .isEqualTo(DATASOURCE);
                assertThat(panel.path("targets")).as("%s's queries", title).isNotEmpty();
                for (JsonNode t : panel.path("targets")) {
                    assertThat(t.path("expr").asText()).as("a query of %s", title).isNotBlank();
                }
            }
        }
        assertThat(metricsNamed(d)).containsAll(SHOWN);

        // promtool parses PromQL in rule files: one recording rule per query, Grafana's variables filled in.
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        List<String> exprs = exprs(d);
        for (int i = 0; i < exprs.size(); i++) {
            String promql = exprs.get(i).replaceAll("\\$__\\w+", "5m").replaceAll("\\$\\w+", "x");
            rules.append("      - record: dashboard:query").append(i).append("\n        expr: '")
                .append(promql.replace("'", "''")).append("'\n");
        }
        Path file = Files.createTempFile("dashboard-rules", ".yml");
        try {
            Files.writeString(file, rules);
            Promtool.Result check = Promtool.run("", "check", "rules", file.toString());
            assertThat(check.exit()).as("promtool check rules on the dashboard's queries: %s", check.output()).isZero();
        } finally {
            Files.delete(file);
        }
    }

    @Test
    @Timeout(120)
    void everyMetricItsQueriesNameIsServed() throws IOException {
        Set<String> named = metricsNamed(dashboard());
        Set<String> served = new TreeSet<>();
        Prometheus.parse(ServedMetrics.afterDeliveries(env)).samples().forEach(s -> served.add(s.name()));
        assertThat(served).as("metrics in /metrics").containsAll(named);
    }

    private static JsonNode dashboard() throws IOException {
        return new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(DASHBOARD.toFile());
    }

    /** Every query: the panels' and the variables'. */
    private static List<String> exprs(JsonNode d) {
        List<String> out = new ArrayList<>(d.path("panels").findValuesAsText("expr"));
        assertThat(out).as("queries of the panels").isNotEmpty();
        return out;
    }

    /** The metric names in the queries and in the variables' label_values(). */
    static Set<String> metricsNamed(JsonNode d) {
        Set<String> out = new TreeSet<>();
        for (String expr : exprs(d)) {
            String rest = STRING.matcher(expr).replaceAll("\"\"");
            rest = rest.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ");
            rest = GROUPING.matcher(rest).replaceAll(" ");
            Matcher m = IDENTIFIER.matcher(rest);
            while (m.find()) {
                String word = m.group();
                boolean function = rest.substring(m.end()).stripLeading().startsWith("(");
                if (!function && !KEYWORDS.contains(word.toLowerCase(Locale.ROOT))) {
                    out.add(word);
                }
            }
        }
        Matcher lv = LABEL_VALUES.matcher(d.path("templating").toString());
        while (lv.find()) {
            out.add(lv.group(1));
        }
        return out;
    }

    private static boolean overlap(int[] a, int[] b) {
        return a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
    }
}
