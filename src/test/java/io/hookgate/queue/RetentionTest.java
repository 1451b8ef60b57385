package io.hookgate.queue;

import static io.hookgate.queue.QueueFixture.WAIT;
import static io.hookgate.queue.QueueFixture.deliveries;
import static io.hookgate.queue.QueueFixture.event;
import static io.hookgate.queue.QueueFixture.projectId;
import static io.hookgate.queue.QueueFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Answer;
import io.hookgate.testsupport.AofFile;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.ClassVertx;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.Prometheus;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RedisServer;
import io.hookgate.testsupport.Teardown;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With {@code deliveryRetentionCount} 20, a webhook keeps about its last 20 finished deliveries:
 * the listing, the delivery records and the stored events stay bounded however many events pass.
 * Each test has its own Redis, so key counts are this test's alone.
 */
class RetentionTest {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionTest.class);
    private static final int RETAINED = 20;
    /** Deliveries not finished when a later one was recorded (the only moment records are trimmed). */
    private static final int IN_FLIGHT_MARGIN = 10;

    private RedisServer redis;
    private Gateway gateway;
    @RegisterExtension
    static final ClassVertx VERTX = new ClassVertx();

    private Gateway start() {
        return start("3");
    }

    /** With {@code recordLayout} given: 2 keeps every record a key of its own in its webhook's index. */
    private Gateway start(String recordLayout) {
        redis = RedisServer.start();
        // Events of several deliveries go through the deliveries stream and share an event hash, whose
        // reference count retention must follow (with the default, a few deliveries are tried at once,
        // each record holding a copy of the event).
        gateway = Gateway.start(redis.url(), Map.of(ConfigKey.DELIVERY_RETENTION_COUNT, String.valueOf(RETAINED),
            ConfigKey.MAX_FAILED_ATTEMPTS, "1000", ConfigKey.CIRCUIT_OPEN_AFTER, "1000",
            ConfigKey.FIRST_TRY_MAX_DELIVERIES, "1", ConfigKey.RECORD_LAYOUT, recordLayout));
        return gateway;
    }

    @AfterEach
    void stop() throws Exception {
        Teardown.close(gateway, null, redis);
    }

    private static void awaitAllDelivered(Gateway.ProjectClient p, String webhookId) {
        Await.until("every listed delivery of " + webhookId + " delivered", WAIT, () -> deliveries(p, webhookId, null)
            .stream().allMatch(d -> "delivered".equals(d.getString("status"))));
    }

    private int keys(String pattern) {
        return redis.keys(pattern).size();
    }

    @Test
    void recordsAndEventsStayBoundedAtTheRetentionCount() {
        Gateway.ProjectClient p = start().project(projectId("ret"));
        try (Receiver r = QueueFixture.receiver(VERTX.get())) {
            p.webhook("kept", r.url("/kept"), "users.*.create");
            List<String> samples = new ArrayList<>();
            int maxListed = 0;
            int maxRecords = 0;
            int maxEvents = 0;
            String lastEvent = null;
            for (int i = 0; i < 200; i++) {
                lastEvent = send(p, event("users.u" + i + ".create", "k" + i));
                if (i % 10 == 9) {
                    // Paced in tens, so that at most about ten deliveries are unfinished at a time
                    // whatever the machine's load: only finished ones can be trimmed.
                    r.awaitCount(i + 1, WAIT);
                }
                if (i % 20 == 19) {
                    int listed = deliveries(p, "kept", null).size();
                    int records = QueueFixture.recordCount(redis);
                    int events = keys("hg:{q0}:ev:*");
                    samples.add(String.format("after %d events: %d listed, %d records, %d ev keys, dbsize %s", i + 1,
                        listed, records, events, redis.command("DBSIZE")));
                    maxListed = Math.max(maxListed, listed);
                    maxRecords = Math.max(maxRecords, records);
                    maxEvents = Math.max(maxEvents, events);
                }
            }
            r.awaitCount(200, WAIT);
            awaitAllDelivered(p, "kept");
            LOG.warn("measured retention: {}", samples);

            int bound = RETAINED + IN_FLIGHT_MARGIN;
            assertThat(maxListed).as("listed deliveries, %s", samples).isLessThanOrEqualTo(bound);
            // Records delivered at their first try are in the webhook's archive: retention by count takes the
            // oldest of the archive and the index.
            assertThat(maxRecords).as("records, %s", samples).isLessThanOrEqualTo(bound);
            // An event of one delivery lives in its record: no event hash at all.
            assertThat(maxEvents).as("hg:{q0}:ev:* keys, %s", samples).isZero();
            List<JsonObject> kept = deliveries(p, "kept", null);
            assertThat(kept.size()).isBetween(RETAINED, bound);
            assertThat(QueueFixture.recordCount(redis)).isEqualTo(kept.size());
            for (JsonObject d : kept) {
                assertThat(QueueFixture.record(redis, d.getString("$id"))).as("the payload of %s in its record",
                    d.getString("eventId")).containsKey("pl");
            }
            assertThat(kept).extracting(d -> d.getString("eventId")).as("the newest is kept").contains(lastEvent);
            // Delivered records of a webhook with nothing unfinished need no index of their own: trimming
            // takes them from the head of the webhook's index, and listing them filters that index.
            String index = "hg:{q0}:whd:" + p.projectId() + ":kept";
            assertThat(redis.command("EXISTS", index + ":delivered")).as("no delivered index").isEqualTo("0");
            assertThat(deliveries(p, "kept", "delivered")).hasSize(kept.size());
        }
    }

    @Test
    void finishedRecordsAreTrimmedEvenBehindUnfinishedOldOnes() {
        Gateway.ProjectClient p = start().project(projectId("old"));
        int failing = 5;
        try (Receiver r = QueueFixture.receiver(VERTX.get())) {
            // The first 5 fail and wait an hour for their retry; the next 100 are delivered, behind them.
            r.respond(req -> QueueFixture.marker(req).startsWith("f") ? Answer.status(500) : Answer.status(200));
            p.webhook("old", r.url("/old"), "users.*.create");
            for (int i = 0; i < failing; i++) {
                send(p, event("users.u1.create", "f" + i));
            }
            r.awaitCount(failing, WAIT);
            Await.until("5 retrying", WAIT, () -> deliveries(p, "old", "retrying").size() == failing);
            String last = null;
            for (int i = 0; i < 100; i++) {
                last = send(p, event("users.u1.create", "d" + i));
                if (i % 10 == 9) {
                    r.awaitCount(failing + i + 1, WAIT);
                }
            }
            r.awaitCount(failing + 100, WAIT);
            String lastEvent = last;
            Await.until("the last delivery recorded", WAIT, () -> deliveries(p, "old", "delivered").stream()
                .anyMatch(d -> d.getString("eventId").equals(lastEvent)));

            int listed = deliveries(p, "old", null).size();
            int delivered = deliveries(p, "old", "delivered").size();
            assertThat(deliveries(p, "old", "retrying")).as("unfinished deliveries are never trimmed").hasSize(failing);
            assertThat(delivered).as("finished deliveries kept (%d listed in all)", listed)
                .isBetween(RETAINED - failing, RETAINED - failing + IN_FLIGHT_MARGIN);
            // Delivered while retrying ones existed, so behind them: each kept one is indexed, for trimming
            // to find it, and each trimmed one left the index.
            long indexed = Long.parseLong(redis.command("ZCARD", "hg:{q0}:whd:" + p.projectId() + ":old:delivered"));
            assertThat(indexed).as("delivered index").isEqualTo(delivered);
        }
    }

    @Test
    void trimmingGoesOnAfterRecordsOfAnIdleWebhookExpired() {
        // Records written with a TTL by versions before, each a key of its own.
        Gateway.ProjectClient p = start("2").project(projectId("idle"));
        try (Receiver r = QueueFixture.receiver(VERTX.get())) {
            p.webhook("idle", r.url("/idle"), "users.*.create");
            for (int i = 0; i < 30; i++) {
                send(p, event("users.u1.create", "a" + i));
            }
            r.awaitCount(30, WAIT);
            // Every try recorded (a first try's record is written after the receiver answered, by the script
            // that deletes its stream entry), so that no record is written after the expiry below with a
            // fresh TTL.
            Await.until("every try recorded", WAIT, () -> redis.command("XLEN", "hg:{q0}:events").equals("0")
                && redis.command("XLEN", "hg:{q0}:deliveries").equals("0"));
            awaitAllDelivered(p, "idle");
            // An idle webhook outlives its records' TTL (retention + 1 day): Redis drops the records,
            // the webhook's indexes keep their members. Expire the records now instead of in a week.
            for (String key : redis.keys("hg:{q0}:dl:*")) {
                redis.command("PEXPIRE", key, "1");
            }
            Await.until("expired records gone", WAIT, () -> keys("hg:{q0}:dl:*") == 0);

            for (int i = 0; i < 40; i++) {
                send(p, event("users.u1.create", "b" + i));
                if (i % 10 == 9) {
                    r.awaitCount(30 + i + 1, WAIT);
                }
            }
            r.awaitCount(70, WAIT);
            awaitAllDelivered(p, "idle");
            String index = "hg:{q0}:whd:" + p.projectId() + ":idle";
            long indexed = Long.parseLong(redis.command("ZCARD", index));
            int listed = deliveries(p, "idle", null).size();
            assertThat(indexed).as("members of %s (%d listed)", index, listed)
                .isLessThanOrEqualTo(RETAINED + IN_FLIGHT_MARGIN);
            assertThat(listed).isLessThanOrEqualTo(RETAINED + IN_FLIGHT_MARGIN);
            assertThat(Long.parseLong(redis.command("ZCARD", index + ":delivered"))).isLessThanOrEqualTo(indexed);
        }
    }

    @Test
    void anEventOfSeveralDeliveriesIsKeptUntilItsLastRecordGoes() {
        Gateway.ProjectClient p = start().project(projectId("shared"));
        try (Receiver r = QueueFixture.receiver(VERTX.get())) {
            p.webhook("all", r.url("/all"), "users.*.create");
            p.webhook("few", r.url("/few"), "users.u1.create");
            // Five events for both webhooks, then 60 for "all" only, which trims its records of the five.
            // Only events of both have an event hash: one of a single delivery lives in its record.
            List<String> shared = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                shared.add(send(p, event("users.u1.create", "s" + i)));
            }
            Set<String> both = new HashSet<>(shared);
            r.awaitCount(10, WAIT);
            sendPaced(p, r, "users.u2.create", "o", 60, 1, 10);
            awaitAllDelivered(p, "all");
            assertThat(eventIds(p, "all")).as("'all' trimmed its records of the shared events")
                .doesNotContainAnyElementsOf(shared);
            assertThat(eventIds(p, "few")).containsExactlyInAnyOrderElementsOf(shared);
            for (String e : shared) {
                assertThat(redis.command("EXISTS", "hg:{q0}:ev:" + p.projectId() + ":" + e)).as("event %s, still delivered to 'few'", e)
                    .isEqualTo("1");
            }
            assertThat(keys("hg:{q0}:ev:*")).as("the events of both of the retained deliveries")
                .isEqualTo(storedEvents(p, both));

            // 25 more for both: "few" trims its records of the five too, and then nothing points at them.
            both.addAll(sendPaced(p, r, "users.u1.create", "t", 25, 2, 70));
            awaitAllDelivered(p, "all");
            awaitAllDelivered(p, "few");
            assertThat(eventIds(p, "few")).doesNotContainAnyElementsOf(shared);
            for (String e : shared) {
                assertThat(redis.command("EXISTS", "hg:{q0}:ev:" + p.projectId() + ":" + e)).as("event %s", e).isEqualTo("0");
            }
            assertThat(keys("hg:{q0}:ev:*")).as("the events of both of the retained deliveries")
                .isEqualTo(storedEvents(p, both));
        }
    }

    @Test
    void trimmingByCountWaitsForASixteenthOverTheCountThenGoesBackToIt() {
        // Count 64: records are trimmed in batches, once the webhook has 64 / 16 = 4 more than that.
        redis = RedisServer.start();
        gateway = Gateway.start(redis.url(), Map.of(ConfigKey.DELIVERY_RETENTION_COUNT, "64",
            ConfigKey.RECORD_LAYOUT, "2"));
        Gateway.ProjectClient p = gateway.project(projectId("slack"));
        try (Receiver r = QueueFixture.receiver(VERTX.get())) {
            p.webhook("slack", r.url("/slack"), "users.*.create");
            String base = "hg:{q0}:whd:" + p.projectId() + ":slack";
            List<String> events = new ArrayList<>(sendPaced(p, r, "users.u1.create", "a", 67, 1, 0));
            // Trimming one by one would never let the index reach 67.
            Await.until("67 records", WAIT, () -> redis.command("ZCARD", base).equals("67") ? true : null);
            assertThat(keys("hg:{q0}:dl:*")).as("3 over the count: nothing trimmed yet").isEqualTo(67);
            // Oldest first by creation time; records created in the same millisecond sort by ID.
            List<String> byAge = indexedEvents(base);
            assertThat(byAge).containsExactlyInAnyOrderElementsOf(events);

            String last = sendPaced(p, r, "users.u1.create", "b", 1, 1, 67).get(0);
            Await.until("back to 64 records", WAIT, () -> redis.command("ZCARD", base).equals("64") ? true : null);
            assertThat(keys("hg:{q0}:dl:*")).isEqualTo(64);
            List<String> expected = new ArrayList<>(byAge.subList(4, 67));
            expected.add(last);
            assertThat(indexedEvents(base)).as("the four oldest went").containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void anArchiveAndAnIndexAreTrimmedByCountTogetherOldestFirst() {
        // recordLayout 4 and 5 (the default): first tries delivered go to the webhook's archive, the others (a
        // try queued because the pump was busy) to its index; retention counts both, in batches.
        redis = RedisServer.start();
        gateway = Gateway.start(redis.url(), Map.of(ConfigKey.DELIVERY_RETENTION_COUNT, "64"));
        Gateway.ProjectClient p = gateway.project(projectId("archive"));
        try (Receiver r = QueueFixture.receiver(VERTX.get())) {
            p.webhook("arc", r.url("/arc"), "users.*.create");
            String order = "hg:{q0}:whl:" + p.projectId() + ":arc";
            List<String> events = new ArrayList<>(sendPaced(p, r, "users.u1.create", "a", 64, 1, 0));
            Await.until("64 recorded", WAIT, () -> QueueFixture.recordCount(redis) == 64 ? true : null);
            assertThat(Long.parseLong(redis.command("LLEN", order))).as("archived").isPositive();
            List<String> items = QueueFixture.archiveItems(redis, order);
            // By key: the creation time, or the key a record recorded after a newer one was shifted to.
            assertThat(items).as("the archive in key order, then ID").isSortedAccordingTo((x, y) -> {
                long ax = Long.parseLong(x.substring(0, x.indexOf(':')));
                long ay = Long.parseLong(y.substring(0, y.indexOf(':')));
                return ax != ay ? Long.compare(ax, ay) : x.compareTo(y);
            });
            assertThat(archivedEvents(order)).hasSize(items.size()).isSubsetOf(events);

            events.addAll(sendPaced(p, r, "users.u1.create", "b", 16, 1, 64));
            Await.until("all recorded", WAIT, () -> QueueFixture.recordCount(redis) <= 64 + 8
                && deliveries(p, "arc", null).stream().anyMatch(d -> d.getString("eventId").equals(
                    events.get(events.size() - 1))) ? true : null);
            List<String> kept = new ArrayList<>(deliveries(p, "arc", null).stream().map(d -> d.getString("eventId"))
                .toList());
            Collections.reverse(kept);
            assertThat(kept.size()).as("trimmed in batches of a sixteenth (4)").isBetween(64, 64 + 7);
            // Events sent together may share their creation time (then ordered by delivery ID): 10 of slack.
            assertThat(events).containsAll(kept);
            assertThat(kept).as("the newest kept").containsAll(events.subList(events.size() - kept.size() + 10,
                events.size()));
            assertThat(kept).as("the oldest went").doesNotContainAnyElementsOf(events.subList(0,
                events.size() - kept.size() - 10));
            assertThat(QueueFixture.recordCount(redis)).isEqualTo(kept.size());
        }
    }

    /**
     * The events of a webhook's archived records, in the archive's order (see {@link QueueFixture#itemRecord}).
     */
    private List<String> archivedEvents(String order) {
        List<String> out = new ArrayList<>();
        for (String item : QueueFixture.archiveItems(redis, order)) {
            String record = QueueFixture.itemRecord(item);
            out.add(record.substring(0, record.indexOf('|')));
        }
        return out;
    }

    @Test
    void aTrimNamesInItsDelOnlyTheKeysTheTrimmedRecordsHave() throws Exception {
        // Every DEL goes to the AOF with all the names it was given, those of keys that do not exist too. A
        // record delivered at its first try that holds its event has no tries list and no event hash.
        redis = RedisServer.start(RedisServer.Options.defaults().withAppendOnly(true));
        gateway = Gateway.start(redis.url(), Map.of(ConfigKey.DELIVERY_RETENTION_COUNT, "64",
            ConfigKey.RETRY_SCHEDULE, "200ms", ConfigKey.RECORD_LAYOUT, "2"));
        Gateway.ProjectClient p = gateway.project(projectId("aofdel"));
        try (Receiver r = QueueFixture.receiver(VERTX.get())) {
            // The first event's first try fails: its record gets a second try and, with it, a tries list.
            AtomicBoolean failed = new AtomicBoolean();
            r.respond(req -> QueueFixture.marker(req).equals("a0") && failed.compareAndSet(false, true)
                ? Answer.status(500) : Answer.status(200));
            p.webhook("w", r.url("/w"), "users.*.create");
            String base = "hg:{q0}:whd:" + p.projectId() + ":w";
            send(p, event("users.u1.create", "a0"));
            r.awaitCount(2, WAIT);
            String retried = (String) ((List<?>) redis.call("ZRANGE", base, "0", "0")).get(0);
            String retriedKey = "hg:{q0}:dl:" + retried;
            Await.until("the retried record delivered with its tries list", WAIT,
                () -> "delivered".equals(QueueFixture.record(redis, retried).get("st"))
                    && redis.command("EXISTS", retriedKey + ":tries").equals("1") ? true : null);
            sendPaced(p, r, "users.u1.create", "b", 66, 1, 2);
            Await.until("67 records", WAIT, () -> redis.command("ZCARD", base).equals("67") ? true : null);
            List<String> oldest = ((List<?>) redis.call("ZRANGE", base, "0", "3")).stream().map(String.class::cast).toList();
            assertThat(oldest).contains(retried);

            sendPaced(p, r, "users.u1.create", "c", 1, 1, 68);
            Await.until("back to 64 records", WAIT, () -> redis.command("ZCARD", base).equals("64") ? true : null);
            assertThat(redis.command("EXISTS", retriedKey + ":tries")).as("the tries list went with its record")
                .isEqualTo("0");
            Set<String> deleted = new HashSet<>();
            Await.until("the trim's DEL in the AOF", WAIT, () -> {
                deleted.clear();
                AofFile.deletedKeys(redis.dataDir()).stream()
                    .filter(k -> k.startsWith("hg:{q0}:dl:") || k.startsWith("hg:{q0}:ev:")).forEach(deleted::add);
                return deleted.containsAll(oldest.stream().map(id -> "hg:{q0}:dl:" + id).toList()) ? true : null;
            });
            Set<String> expected = new HashSet<>();
            for (String id : oldest) {
                expected.add("hg:{q0}:dl:" + id);
            }
            expected.add(retriedKey + ":tries");
            assertThat(deleted).as("names in the AOF's DELs").isEqualTo(expected);
        }
    }

    /** The events of a webhook's indexed records, in index order. */
    private List<String> indexedEvents(String index) {
        List<String> out = new ArrayList<>();
        for (Object id : (List<?>) redis.call("ZRANGE", index, "0", "-1")) {
            out.add(QueueFixture.record(redis, (String) id).get("ev"));
        }
        return out;
    }

    @Test
    void aDeletedWebhookOrProjectTakesItsDeliveryRecordsAndIndexesWithIt() {
        redis = RedisServer.start();
        // A 1 s delivery timeout: the second purge pass comes 6 s after the deletion.
        gateway = Gateway.start(redis.url(), Map.of(ConfigKey.RETRY_SCHEDULE, "1h", ConfigKey.DELIVERY_TIMEOUT_MS, "1000",
            ConfigKey.FIRST_TRY_MAX_DELIVERIES, "1"));
        Gateway.ProjectClient p = gateway.project(projectId("purge"));
        try (Receiver r = QueueFixture.receiver(VERTX.get())) {
            r.respond(req -> req.path().equals("/gone") && QueueFixture.marker(req).startsWith("r")
                ? Answer.status(500) : Answer.status(200));
            p.webhook("gone", r.url("/gone"), "users.*.create");
            p.webhook("stays", r.url("/stays"), "users.*.create");
            // Events of both webhooks (one event hash each, shared); "gone" fails the last one, which is left
            // retrying for an hour.
            List<String> shared = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                shared.add(send(p, event("users.u1.create", "d" + i)));
            }
            send(p, event("users.u1.create", "r0"));
            r.awaitCount(12, WAIT);
            Await.until("one retrying", WAIT, () -> deliveries(p, "gone", "retrying").size() == 1 ? true : null);
            List<String> goneIds = deliveries(p, "gone", null).stream().map(d -> d.getString("$id")).toList();
            assertThat(goneIds).hasSize(6);

            double purgesBefore = purges();
            p.call("DELETE", "/webhooks/gone", null).expect(204);
            // Made again at once under the same ID: what it gets now is its own, and no purge pass takes it.
            p.webhook("gone", r.url("/gone"), "users.u7.update");
            send(p, event("users.u7.update", "new"));
            r.awaitCount(13, WAIT);
            String index = "hg:{q0}:whd:" + p.projectId() + ":gone";
            Await.until("the records of 'gone' removed", WAIT, () -> goneIds.stream()
                .allMatch(id -> redis.command("EXISTS", "hg:{q0}:dl:" + id).equals("0")) ? true : null);
            // What the indexes of 'gone' hold is the new delivery only.
            Await.until("the old indexes of 'gone' emptied", WAIT, () -> redis.command("ZCARD", index).equals("1")
                && redis.command("EXISTS", index + ":delivered").equals("0")
                && redis.command("EXISTS", index + ":retrying").equals("0") ? true : null);
            for (String id : goneIds) {
                assertThat(redis.call("ZSCORE", "hg:{q0}:retries", id)).as("retry of %s", id).isNull();
            }
            for (String e : shared) {
                assertThat(redis.command("HGET", "hg:{q0}:ev:" + p.projectId() + ":" + e, "refs")).as("event %s, still 'stays''s", e)
                    .isEqualTo("1");
            }
            assertThat(deliveries(p, "stays", null)).hasSize(6);

            // Two calls of the first pass (6 records, then none), at least one of the second.
            Await.until("the second purge pass", WAIT, () -> purges() - purgesBefore >= 3 ? true : null);
            assertThat(deliveries(p, "gone", null)).extracting(d -> d.getString("status")).containsExactly("delivered");

            // A deleted project takes the deliveries of all its webhooks, and the events they shared.
            gateway.admin("DELETE", "/projects/" + p.projectId(), null).expect(204);
            Await.until("every record and index of the project removed", WAIT, () -> redis.keys("hg:{q0}:dl:*").isEmpty()
                && redis.keys("hg:{q0}:whd:*").isEmpty() && redis.keys("hg:{q0}:wh[al]:*").isEmpty() && redis.keys("hg:{q0}:ev:*").isEmpty() ? true : null);
        }
    }

    /** Calls of the purge script so far. */
    private double purges() {
        return Prometheus.scrape(gateway.managementPort()).all("hookgate_redis_command_duration_seconds_count",
            "command", "EVALSHA:purge_webhook").stream().mapToDouble(Prometheus.Sample::value).sum();
    }

    /** Sends n events, waiting for their deliveries ten events at a time (see the first test). */
    private static List<String> sendPaced(Gateway.ProjectClient p, Receiver r, String name, String marker, int n,
                                          int fanout, int before) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(send(p, event(name, marker + i)));
            if (i % 10 == 9 || i == n - 1) {
                r.awaitCount(before + (i + 1) * fanout, WAIT);
            }
        }
        return ids;
    }

    private static List<String> eventIds(Gateway.ProjectClient p, String webhookId) {
        return deliveries(p, webhookId, null).stream().map(d -> d.getString("eventId")).toList();
    }

    /** Distinct events of the deliveries that the webhooks retain, of those among {@code ofBoth}. */
    private static int storedEvents(Gateway.ProjectClient p, Set<String> ofBoth) {
        Set<String> ids = new HashSet<>(eventIds(p, "all"));
        ids.addAll(eventIds(p, "few"));
        ids.retainAll(ofBoth);
        return ids.size();
    }
}
