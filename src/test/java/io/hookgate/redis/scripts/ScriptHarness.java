package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.model.DeliveryStatus;
import io.hookgate.redis.LuaScript;
import io.hookgate.redis.QueueKeys;
import io.hookgate.redis.RecordFormat;
import io.hookgate.testsupport.RedisServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The base of the script tests: a private {@code redis-server} per test class, emptied before each
 * test, and the scripts run as the gateway sends them ({@link LuaScript#source()}: libraries, then the
 * script) with EVAL. Keys are set up directly in their current formats; the queue's live in partition 0.
 */
abstract class ScriptHarness {
    static final String PR = "shop";
    static final String WH = "orders";
    static final String OTHER_WH = "billing";
    static final String OTHER_PR = "mall";
    /** "now" as the gateway passes it to the queue's scripts. */
    static final long NOW = 1_800_000_000_000L;
    /** The TTL in seconds of event hashes and tries lists (retention + a day; records have none). */
    static final long TTL = 8 * 86_400;

    static final String EVENTS = QueueKeys.events(0);
    static final String DELIVERIES = QueueKeys.deliveries(0);
    static final String RETRIES = QueueKeys.retries(0);
    static final String OPEN = QueueKeys.tag(0) + "open";
    static final String AGED = QueueKeys.aged(0);
    static final String TAILS = QueueKeys.tag(0) + "tails";

    private static final Map<String, LuaScript> SCRIPTS = new ConcurrentHashMap<>();

    static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void emptyRedis() {
        redis.command("FLUSHALL");
    }

    /** Runs script {@code lua/<name>.lua} with EVAL and answers its reply; an error reply fails the test. */
    static Object run(String name, List<String> keys, List<?> args) {
        List<String> all = new ArrayList<>();
        all.add("EVAL");
        all.add(SCRIPTS.computeIfAbsent(name, LuaScript::load).source());
        all.add(Integer.toString(keys.size()));
        all.addAll(keys);
        for (Object a : args) {
            all.add(String.valueOf(a));
        }
        Object reply = redis.call(all.toArray(String[]::new));
        if (reply instanceof RedisServer.ErrorReply error) {
            throw new AssertionError(name + " failed: " + error.message());
        }
        return reply;
    }

    static String record(String id) {
        return QueueKeys.delivery(0, id);
    }

    static String tries(String id) {
        return QueueKeys.tries(0, id);
    }

    static String index(String pr, String wh) {
        return QueueKeys.webhookDeliveries(0, pr, wh);
    }

    static String index(String pr, String wh, DeliveryStatus status) {
        return QueueKeys.webhookDeliveries(0, pr, wh, status);
    }

    /** A webhook's archive: its records by delivery ID (lua/lib/archive.lua). */
    static String archive(String pr, String wh) {
        return QueueKeys.archive(0, pr, wh);
    }

    /** The archive's "at:id" items in creation order. */
    static String archiveOrder(String pr, String wh) {
        return QueueKeys.archiveOrder(0, pr, wh);
    }

    /**
     * Stores a record in its webhook's archive, after the archive's newest, which it becomes in the
     * partition's tails (as complete_first does).
     */
    static void putArchived(String id, TestRecord r) {
        redis.command("RPUSH", archiveOrder(r.pr(), r.wh()), r.at() + ":" + id + ":" + r.text(4));
        redis.command("HSET", TAILS, r.pr() + ":" + r.wh(), r.at() + ":" + id);
    }

    /** A webhook's archive's items as "at:id" (without the records they hold), in its list's order. */
    static List<String> archiveItems(String pr, String wh) {
        List<String> out = new ArrayList<>();
        for (Object item : (List<?>) redis.call("LRANGE", archiveOrder(pr, wh), "0", "-1")) {
            String[] parts = ((String) item).split(":", 3);
            out.add(parts[0] + ":" + parts[1]);
        }
        return out;
    }

    /** The delivery IDs of a webhook's archive, in its list's order (items "at:id" or "at:id:record"). */
    static List<String> archivedIds(String pr, String wh) {
        List<String> out = new ArrayList<>();
        for (Object item : (List<?>) redis.call("LRANGE", archiveOrder(pr, wh), "0", "-1")) {
            out.add(((String) item).split(":", 3)[1]);
        }
        return out;
    }

    /**
     * A delivery ID as the gateway makes them (Ids.delivery): 13 hex digits of its event's acceptance in
     * microseconds, then 15 chars (here name, padded): an archive finds a record by ID around that time.
     */
    static String deliveryId(long acceptedAtMs, String name) {
        String time = String.format("%013x", acceptedAtMs * 1000);
        return time + (name + "000000000000000").substring(0, 15);
    }

    /** Archive keys "at:id" newest first by creation time, then ID: the order of the API's listing. */
    static final Comparator<String> NEWEST_FIRST = Comparator
        .comparing((String k) -> Long.parseLong(k.substring(0, k.indexOf(':'))))
        .thenComparing(k -> k.substring(k.indexOf(':') + 1)).reversed();

    /**
     * Every page of PR/WH's archive (archive_page.lua), {@code limit} items each, each after the last item of
     * the page before as the API's cursor: the items' "at:id" in the order the pages gave them, each with its
     * record (null for an item without); an item given twice fails.
     */
    static LinkedHashMap<String, Object> archivePages(int limit) {
        LinkedHashMap<String, Object> items = new LinkedHashMap<>();
        String maxAt = "";
        String afterId = "";
        for (int pages = 0; pages < 1000; pages++) {
            List<?> out = (List<?>) run("archive_page", List.of(archiveOrder(PR, WH)), List.of(maxAt, afterId, limit, PR, WH));
            if (out.isEmpty()) {
                return items;
            }
            for (int i = 0; i < out.size(); i += 2) {
                String key = (String) out.get(i);
                assertThat(items).as("listed once").doesNotContainKey(key);
                items.put(key, out.get(i + 1));
            }
            String last = (String) out.get(out.size() - 2);
            maxAt = last.substring(0, last.indexOf(':'));
            afterId = last.substring(last.indexOf(':') + 1);
        }
        throw new AssertionError("no last page after 1000");
    }

    /** {@link #putArchived} as recordLayout 3 did it: the record a field of the archive's hash, "at:id" the item. */
    static void putArchivedInHash(String id, TestRecord r) {
        redis.command("HSET", archive(r.pr(), r.wh()), id, archivedForm(r.text()));
        redis.command("RPUSH", archiveOrder(r.pr(), r.wh()), r.at() + ":" + id);
        redis.command("HSET", TAILS, r.pr() + ":" + r.wh(), r.at() + ":" + id);
    }

    /**
     * Archives n delivered records of PR/WH (each holding its event) named a-a, a-b, ... and created at
     * firstAt, firstAt + 1, ...
     */
    static void putArchivedRun(int n, long firstAt) {
        for (int i = 0; i < n; i++) {
            putArchived("a-" + (char) ('a' + i), TestRecord.of("delivered", PR, WH, "ev-a" + i, firstAt + i)
                .holdingEvent("u", 0, "r", "{}"));
        }
    }

    /** A record as its webhook's archive holds it: without its project and webhook (st|so|ev|||...). */
    static String archivedForm(String record) {
        int a = record.indexOf('|');
        int b = record.indexOf('|', a + 1);
        int c = record.indexOf('|', b + 1);
        int e = record.indexOf('|', c + 1);
        int f = record.indexOf('|', e + 1);
        return record.substring(0, c + 1) + "|" + record.substring(f);
    }

    static String parked(String pr, String wh) {
        return QueueKeys.parked(0, pr, wh);
    }

    static String eventHash(String pr, String ev) {
        return QueueKeys.event(0, pr, ev);
    }

    /** Stores a record (without a TTL, as the scripts write them). */
    static void put(String id, TestRecord r) {
        redis.command("SET", record(id), r.text());
    }

    /** Stores a record and adds it to its webhook's index (by its creation time), as the fan-out does. */
    static void putIndexed(String id, TestRecord r) {
        put(id, r);
        zadd(index(r.pr(), r.wh()), r.at(), id);
    }

    static String raw(String id) {
        return (String) redis.call("GET", record(id));
    }

    static RecordFormat.Decoded decoded(String id) {
        String v = raw(id);
        assertThat(v).as("record %s", id).isNotNull();
        return RecordFormat.decode(v.getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, String> fields(String id) {
        return decoded(id).fields();
    }

    static void zadd(String key, long score, String member) {
        redis.command("ZADD", key, Long.toString(score), member);
    }

    /** A sorted set's members with their scores, lowest first. */
    static Map<String, Long> zset(String key) {
        List<?> flat = (List<?>) redis.call("ZRANGE", key, "0", "-1", "WITHSCORES");
        Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < flat.size(); i += 2) {
            out.put((String) flat.get(i), Long.parseLong((String) flat.get(i + 1)));
        }
        return out;
    }

    static Map<String, String> hash(String key) {
        List<?> flat = (List<?>) redis.call("HGETALL", key);
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < flat.size(); i += 2) {
            out.put((String) flat.get(i), (String) flat.get(i + 1));
        }
        return out;
    }

    static List<String> list(String key) {
        return ((List<?>) redis.call("LRANGE", key, "0", "-1")).stream().map(String.class::cast).toList();
    }

    static boolean exists(String key) {
        return (Long) redis.call("EXISTS", key) == 1;
    }

    static long ttl(String key) {
        return (Long) redis.call("TTL", key);
    }

    static boolean isMember(String set, String member) {
        return (Long) redis.call("SISMEMBER", set, member) == 1;
    }

    /** A stream entry: its ID and its fields in order. */
    record Entry(String id, Map<String, String> fields) {
    }

    static List<Entry> entries(String stream) {
        List<Entry> out = new ArrayList<>();
        for (Object e : (List<?>) redis.call("XRANGE", stream, "-", "+")) {
            List<?> entry = (List<?>) e;
            List<?> flat = (List<?>) entry.get(1);
            Map<String, String> fields = new LinkedHashMap<>();
            for (int i = 0; i < flat.size(); i += 2) {
                fields.put((String) flat.get(i), (String) flat.get(i + 1));
            }
            out.add(new Entry((String) entry.get(0), fields));
        }
        return out;
    }

    /** The fields of each entry of a stream, in order. */
    static List<Map<String, String>> entryFields(String stream) {
        return entries(stream).stream().map(Entry::fields).toList();
    }

    /** Creates a stream with its consumer group, as the queue does at start. */
    static void createGroup(String stream, String group) {
        redis.command("XGROUP", "CREATE", stream, group, "0", "MKSTREAM");
    }

    /** Adds an entry and reads it with the group, so that it is pending (read, not acknowledged); answers its ID. */
    static String pendingEntry(String stream, String group, String... fieldsAndValues) {
        return readEntry(stream, group, false, fieldsAndValues);
    }

    /**
     * Adds an entry of the events stream and reads it with the group as the fan-out does, without a
     * pending entry (NOACK); answers its ID.
     */
    static String readEvent(String stream, String group, String... fieldsAndValues) {
        return readEntry(stream, group, true, fieldsAndValues);
    }

    /**
     * What sweep_events does to an events-stream entry it puts back for another replica: deletes it and
     * notes its old ID in the stream's moved set.
     */
    static void putBackBySweep(String entryId) {
        assertThat(redis.call("XDEL", EVENTS, entryId)).isEqualTo(1L);
        redis.call("ZADD", QueueKeys.eventsMoved(0), String.valueOf(NOW), entryId);
    }

    private static String readEntry(String stream, String group, boolean noAck, String... fieldsAndValues) {
        List<String> xadd = new ArrayList<>(List.of("XADD", stream, "*"));
        xadd.addAll(Arrays.asList(fieldsAndValues));
        String id = (String) redis.call(xadd.toArray(String[]::new));
        List<String> read = new ArrayList<>(List.of("XREADGROUP", "GROUP", group, "consumer-1", "COUNT", "1000"));
        if (noAck) {
            read.add("NOACK");
        }
        read.addAll(List.of("STREAMS", stream, ">"));
        assertThat(redis.call(read.toArray(String[]::new))).as("read by %s", group).isNotNull();
        return id;
    }

    /** How many entries of the group are delivered and not acknowledged. */
    static long pendingCount(String stream, String group) {
        return (Long) ((List<?>) redis.call("XPENDING", stream, group)).get(0);
    }

    static long xlen(String stream) {
        return (Long) redis.call("XLEN", stream);
    }
}
