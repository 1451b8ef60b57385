package io.hookgate.queue;

import static io.hookgate.queue.QueueFixture.awaitStatus;
import static io.hookgate.queue.QueueFixture.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.model.Ids;
import io.hookgate.redis.RecordFormat;
import io.hookgate.testsupport.Answer;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.hookgate.testsupport.RedisServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every Redis key that holds tenant data is scoped by its project; the others are global by design.
 * Two projects run the same workload (the same {@code $id}s and idempotency keys included) through
 * every kind of key: projects, keys, webhooks, rate limits, the queue's streams, events of one and of
 * several deliveries, idempotency keys, delivery records and their tries, status indexes, parked
 * deliveries. Every key seen in Redis along the way must match exactly one row of {@link #LAYOUT},
 * every row must be seen, and a project-scoped key must name one of the two projects.
 */
class TenantKeyLayoutTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create(Map.of(ConfigKey.RETRY_SCHEDULE, "4s"));

    /** How a key is scoped. */
    private enum Scope {
        /** Names its project (group {@code p}). */
        PROJECT,
        /** A delivery's ID (group {@code d}) is derived from its project, event and webhook (Ids.forDelivery). */
        DELIVERY,
        /** Shared by all projects by design (the reason is the row's). */
        GLOBAL
    }

    /** A key pattern; {@code always} false for a key that this workload's configuration does not write. */
    private record Row(Pattern pattern, Scope scope, String why, boolean always) {
        Row(String regex, Scope scope, String why) {
            this(Pattern.compile(regex), scope, why, true);
        }
    }

    private static final int SHARED = 9;

    private static final List<Row> LAYOUT = List.of(
        new Row(Pattern.compile("hg:admin"), Scope.GLOBAL,
            "the generated admin key's hash (the tests configure one, so none is generated)", false),
        new Row("hg:encryption-key", Scope.GLOBAL, "the operator's field encryption key when none is configured"),
        new Row("hg:encryption-check", Scope.GLOBAL, "a value sealed with the encryption key"),
        new Row("hg:projects", Scope.GLOBAL, "the set of project IDs, read by the admin routes"),
        new Row("hg:\\{r\\}:replica:[A-Za-z0-9._-]+", Scope.GLOBAL,
            "a replica's word on the record layouts it reads (30 s TTL, ReplicaRepository)"),
        new Row("hg:\\{p:(?<p>[^}]+)\\}:(project|keys|webhooks|ops|rate|version)", Scope.PROJECT, ""),
        new Row("hg:\\{p:(?<p>[^}]+)\\}:wh:[^:]+", Scope.PROJECT, ""),
        new Row(Pattern.compile("hg:\\{p:(?<p>[^}]+)\\}:probe:[^:]+"), Scope.PROJECT,
            "a circuit probe's lease: exists only while a probe is under way", false),
        new Row("hg:\\{q\\d+\\}:(events|deliveries)", Scope.GLOBAL,
            "a partition's work streams: every entry names its project (pr)"),
        new Row(Pattern.compile("hg:\\{q\\d+\\}:events:sweep"), Scope.GLOBAL,
            "snapshots of what the events' group handed out when (stream IDs and times)", false),
        new Row("hg:\\{q\\d+\\}:retries", Scope.GLOBAL, "due times of delivery IDs, which are project-derived"),
        new Row("hg:\\{q\\d+\\}:open", Scope.GLOBAL, "members are PROJECT:WEBHOOK"),
        new Row("hg:\\{q\\d+\\}:aged", Scope.GLOBAL, "members are PROJECT:WEBHOOK, scored by a record's time"),
        new Row("hg:\\{q\\d+\\}:tails", Scope.GLOBAL, "fields are PROJECT:WEBHOOK, values a time and delivery ID"),
        new Row("hg:\\{q\\d+\\}:ev:(?<p>[^:]+):[^:]+", Scope.PROJECT, ""),
        new Row("hg:\\{q\\d+\\}:idem:(?<p>[^:]+):.+", Scope.PROJECT, ""),
        new Row("hg:\\{q\\d+\\}:dl:(?<d>[0-9a-f]{28})", Scope.DELIVERY, ""),
        new Row("hg:\\{q\\d+\\}:dl:(?<d>[0-9a-f]{28}):tries", Scope.DELIVERY, ""),
        new Row("hg:\\{q\\d+\\}:whd:(?<p>[^:]+):[^:]+", Scope.PROJECT, ""),
        new Row("hg:\\{q\\d+\\}:(wha|whl):(?<p>[^:]+):[^:]+", Scope.PROJECT, ""),
        new Row("hg:\\{q\\d+\\}:whd:(?<p>[^:]+):[^:]+:(delivered|retrying|parked|failed|held|skipped)",
            Scope.PROJECT, ""),
        new Row("hg:\\{q\\d+\\}:parked:(?<p>[^:]+):[^:]+", Scope.PROJECT, ""));

    @Test
    void everyKeyIsProjectScopedOrGlobalByDesign() throws Exception {
        Gateway gateway = env.gateway();
        List<Gateway.ProjectClient> projects = List.of(gateway.project("layouta"), gateway.project("layoutb"));
        Set<String> seen = new LinkedHashSet<>();
        try (Receiver r = Receiver.start(env.vertx()).await(10, TimeUnit.SECONDS)) {
            // "flaky" fails its event f1 for good (one retry, 4 s later); "parkme" fails everything.
            r.respond(req -> req.path().endsWith("/parkme")
                || (req.path().endsWith("/flaky") && req.bodyString().contains("f1")) ? Answer.status(500)
                : Answer.status(200));
            for (Gateway.ProjectClient p : projects) {
                String base = "/" + p.projectId() + "/";
                // More than the fan-out tries at once (firstTryMaxDeliveries, 8): an event hash.
                for (int i = 1; i <= SHARED; i++) {
                    p.webhook("shared" + i, r.url(base + "shared" + i), "teams.*.create");
                }
                p.webhook("single", r.url(base + "single"), "users.*.create");
                p.webhook("flaky", r.url(base + "flaky"), "users.*.update");
                p.webhook("parkme", r.url(base + "parkme"), "users.*.delete");
            }
            Map<Gateway.ProjectClient, Map<String, String>> ids = new LinkedHashMap<>();
            for (Gateway.ProjectClient p : projects) {
                // The same $id and the same idempotency key in both projects.
                p.send(event("teams.t1.create", "same-id", "s")).expect(202);
                p.gateway().call("POST", "/events", event("users.u1.create", null, "i"), "X-Appwrite-Project",
                    p.projectId(), "X-Appwrite-Key", p.key(), "Idempotency-Key", "same-key").expect(202);
                p.send(event("users.u1.update", null, "f1")).expect(202);
                p.send(event("users.u1.delete", null, "p1")).expect(202);
            }
            List<RecordedRequest> first = r.awaitCount(2 * (SHARED + 3), WAIT);
            for (Gateway.ProjectClient p : projects) {
                Map<String, String> byWebhook = new LinkedHashMap<>();
                for (RecordedRequest req : first) {
                    if (req.path().startsWith("/" + p.projectId() + "/")) {
                        byWebhook.put(req.path().substring(req.path().lastIndexOf('/') + 1), req.header("webhook-id"));
                    }
                }
                ids.put(p, byWebhook);
                awaitStatus(p, "flaky", byWebhook.get("flaky"), "retrying");
                awaitStatus(p, "parkme", byWebhook.get("parkme"), "retrying");
            }
            seen.addAll(snapshot());

            // Disabled (well before its retry is due): its retrying delivery is parked.
            for (Gateway.ProjectClient p : projects) {
                put(p, "parkme", r.url("/" + p.projectId() + "/parkme"), false, "users.*.delete");
                awaitStatus(p, "parkme", ids.get(p).get("parkme"), "parked");
            }
            seen.addAll(snapshot());

            // Delivered while the webhook has a retrying one: its delivered index.
            for (Gateway.ProjectClient p : projects) {
                p.send(event("users.u2.update", null, "f2")).expect(202);
            }
            r.awaitCount(2 * (SHARED + 3) + 2, WAIT);
            seen.addAll(snapshot());

            // f1's retry fails too: failed for good, with two tries.
            for (Gateway.ProjectClient p : projects) {
                awaitStatus(p, "flaky", ids.get(p).get("flaky"), "failed");
            }
            seen.addAll(snapshot());
        }

        RedisServer redis = env.redis();
        Set<String> names = Set.of("layouta", "layoutb");
        Set<Row> used = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        for (String key : seen) {
            List<Row> rows = LAYOUT.stream().filter(row -> row.pattern().matcher(key).matches()).toList();
            if (rows.size() != 1) {
                problems.add(key + " matches " + rows.size() + " rows");
                continue;
            }
            Row row = rows.get(0);
            used.add(row);
            Matcher m = row.pattern().matcher(key);
            assertThat(m.matches()).isTrue();
            switch (row.scope()) {
                case PROJECT -> {
                    if (!names.contains(m.group("p"))) {
                        problems.add(key + " names no project of the test");
                    }
                }
                case DELIVERY -> {
                    String record = redis.command("GET", key.replace(":tries", ""));
                    if (record != null && !record.isEmpty() && !record.equals("(nil)")) {
                        Map<String, String> f = RecordFormat.decode(record.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                            .fields();
                        String derived = Ids.forDelivery(f.get("pr"), f.get("ev"), f.get("wh"), 0).substring(13);
                        if (!names.contains(f.get("pr")) || !m.group("d").endsWith(derived)) {
                            problems.add(key + " is not derived from its record's project " + f);
                        }
                    }
                }
                case GLOBAL -> {
                    if (key.endsWith(":open") || key.endsWith(":aged")) {
                        for (String member : redis.keys(key).isEmpty() ? List.<String>of() : members(redis, key)) {
                            if (!names.contains(member.substring(0, member.indexOf(':')))) {
                                problems.add(key + " member " + member);
                            }
                        }
                    }
                }
            }
        }
        assertThat(problems).as("keys outside the layout").isEmpty();
        assertThat(LAYOUT.stream().filter(row -> row.always() && !used.contains(row)).map(row -> row.pattern().pattern()))
            .as("rows of the layout that the workload never met").isEmpty();
        // The same $id in both projects: one event hash each.
        assertThat(seen).contains("hg:{q0}:ev:layouta:same-id", "hg:{q0}:ev:layoutb:same-id");
    }

    private static Set<String> snapshot() {
        return new LinkedHashSet<>(env.redis().keys("*"));
    }

    private static List<String> members(RedisServer redis, String key) {
        Object reply = key.endsWith(":aged") ? redis.call("ZRANGE", key, "0", "-1") : redis.call("SMEMBERS", key);
        return reply instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
    }

    private static String event(String name, String id, String marker) {
        JsonObject e = new JsonObject().put("event", name).put("payload", new JsonObject().put("m", marker));
        if (id != null) {
            e.put("$id", id);
        }
        return e.encode();
    }
}
