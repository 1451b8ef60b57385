package io.hookgate.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.redis.RecordFormat;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Helpers shared by the durable-queue tests: fresh project IDs, events tagged with a marker, the
 * deliveries API, and waiting on a delivery's state.
 */
final class QueueFixture {
    /** Bound of every condition wait. */
    static final Duration WAIT = Duration.ofSeconds(10);
    /** How long "nothing more arrives" is watched when the pipeline is known to be idle. */
    static final Duration QUIET = Duration.ofMillis(500);

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private QueueFixture() {
    }

    /**
     * A delivery record's fields as Redis holds them (see {@link RecordFormat}), with the newest try as
     * {@code t} and the payload as {@code pl} when the record holds them; empty when there is no record. A
     * key of its own, or in its webhook's archive (read as the API reads it, with {@code lua/archive_get.lua}).
     */
    static java.util.Map<String, String> record(io.hookgate.testsupport.RedisServer redis, String deliveryId) {
        String v = redis.command("GET", "hg:{q0}:dl:" + deliveryId);
        if (v == null || v.isEmpty() || v.equals("(nil)")) {
            v = null;
            for (String list : redis.keys("hg:{q0}:whl:*")) {
                String[] owner = list.substring("hg:{q0}:whl:".length()).split(":", 2);
                Object a = redis.call("EVAL", io.hookgate.redis.LuaScript.load("archive_get").source(), "2", list,
                    "hg:{q0}:wha:" + owner[0] + ":" + owner[1], deliveryId, owner[0], owner[1]);
                if (a instanceof String found) {
                    v = found;
                }
            }
        }
        if (v == null) {
            return java.util.Map.of();
        }
        RecordFormat.Decoded d = RecordFormat.decode(v.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.util.Map<String, String> out = new java.util.HashMap<>(d.fields());
        if (d.tryJson() != null) {
            out.put("t", d.tryJson());
        }
        if (d.payload() != null) {
            out.put("pl", new String(d.payload(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * The record an archive item holds: after 'at:id:', or after 'key:id:~at:id:' for one recorded after a
     * newer one and shifted behind it (recordLayout 5, lua/lib/archive.lua).
     */
    static String itemRecord(String item) {
        String record = item.split(":", 3)[2];
        return shifted(item) ? record.split(":", 3)[2] : record;
    }

    /** Whether an archive item was shifted behind a newer one ('key:id:~at:id:record'). */
    static boolean shifted(String item) {
        return item.split(":", 3)[2].startsWith("~");
    }

    /** The items of an archive list, oldest key first. */
    static List<String> archiveItems(io.hookgate.testsupport.RedisServer redis, String list) {
        return ((List<?>) redis.call("LRANGE", list, "0", "-1")).stream().map(String.class::cast).toList();
    }

    /** How many delivery records partition 0 holds: keys of their own and archives' items. */
    static int recordCount(io.hookgate.testsupport.RedisServer redis) {
        int n = redis.keys("hg:{q0}:dl:*").stream().mapToInt(k -> k.endsWith(":tries") ? 0 : 1).sum();
        for (String archive : redis.keys("hg:{q0}:whl:*")) {
            n += ((Number) redis.call("LLEN", archive)).intValue();
        }
        return n;
    }

    /** A project ID no other test (or earlier run on the same Redis) uses. */
    static String projectId(String prefix) {
        return prefix + "-" + SEQUENCE.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
    }

    static Receiver receiver(Vertx vertx) {
        try {
            return Receiver.start(vertx).await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("receiver did not start", e);
        }
    }

    /** {@code {"event": name, "payload": {"n": marker}}}. */
    static JsonObject event(String name, String marker) {
        return new JsonObject().put("event", name).put("payload", new JsonObject().put("n", marker));
    }

    /** Sends one event; expects 202 and answers the event's ID. */
    static String send(Gateway.ProjectClient project, JsonObject event) {
        JsonObject answer = project.send(event.encode()).expect(202).json();
        assertThat(answer.getInteger("total")).isEqualTo(1);
        return answer.getJsonArray("events").getJsonObject(0).getString("$id");
    }

    /** The marker of a request's body. */
    static String marker(RecordedRequest request) {
        return request.bodyJson().getString("n");
    }

    /** The requests that arrived at {@code path}, in arrival order. */
    static List<RecordedRequest> at(Receiver receiver, String path) {
        return receiver.requests().stream().filter(r -> r.path().equals(path)).toList();
    }

    /** Waits until at least {@code n} requests arrived at {@code path}; answers those, in arrival order. */
    static List<RecordedRequest> awaitAt(Receiver receiver, String path, int n, Duration timeout) {
        return Await.until(n + " request(s) at " + path, timeout, () -> {
            List<RecordedRequest> got = at(receiver, path);
            return got.size() >= n ? got : null;
        });
    }

    /** Milliseconds between the arrivals of two requests. */
    static long gapMs(RecordedRequest earlier, RecordedRequest later) {
        return (later.receivedAtNanos() - earlier.receivedAtNanos()) / 1_000_000;
    }

    /** {@code GET /webhooks/{id}/deliveries?query}; expects 200. */
    static JsonObject page(Gateway.ProjectClient project, String webhookId, String query) {
        return project.call("GET", "/webhooks/" + webhookId + "/deliveries" + (query.isEmpty() ? "" : "?" + query), null)
            .expect(200).json();
    }

    /** Every delivery of a webhook (optionally of one status), newest first, following the cursor. */
    static List<JsonObject> deliveries(Gateway.ProjectClient project, String webhookId, String status) {
        List<JsonObject> out = new ArrayList<>();
        String cursor = "";
        for (int pages = 0; pages < 1_000; pages++) {
            String query = "limit=100" + (status == null ? "" : "&status=" + status)
                + (cursor.isEmpty() ? "" : "&cursor=" + cursor);
            JsonObject page = page(project, webhookId, query);
            page.getJsonArray("deliveries").forEach(d -> out.add((JsonObject) d));
            cursor = page.getString("nextCursor");
            if (cursor.isEmpty()) {
                return out;
            }
        }
        throw new AssertionError("more than 1000 pages of deliveries");
    }

    /** {@code GET /webhooks/{id}/deliveries/{deliveryId}}; expects 200. */
    static JsonObject delivery(Gateway.ProjectClient project, String webhookId, String deliveryId) {
        return project.call("GET", "/webhooks/" + webhookId + "/deliveries/" + deliveryId, null).expect(200).json();
    }

    /** Polls one delivery until {@code condition} holds; answers it. */
    static JsonObject awaitDelivery(Gateway.ProjectClient project, String webhookId, String deliveryId, String what,
                                    Predicate<JsonObject> condition) {
        return Await.until("delivery " + deliveryId + " of " + webhookId + ": " + what, WAIT, () -> {
            JsonObject d = delivery(project, webhookId, deliveryId);
            return condition.test(d) ? d : null;
        });
    }

    static JsonObject awaitStatus(Gateway.ProjectClient project, String webhookId, String deliveryId, String status) {
        return awaitDelivery(project, webhookId, deliveryId, "status " + status, d -> status.equals(d.getString("status")));
    }

    /** Polls the webhook's model until {@code condition} holds; answers it. */
    static JsonObject awaitWebhook(Gateway.ProjectClient project, String webhookId, String what,
                                   Predicate<JsonObject> condition) {
        return Await.until("webhook " + webhookId + ": " + what, WAIT, () -> {
            JsonObject w = project.get(webhookId);
            return condition.test(w) ? w : null;
        });
    }

    /** {@code PUT /webhooks/{id}} with the given URL, events and enabled flag; expects 200. */
    static JsonObject put(Gateway.ProjectClient project, String webhookId, String url, boolean enabled, String... events) {
        return project.call("PUT", "/webhooks/" + webhookId, new JsonObject().put("name", webhookId).put("url", url)
            .put("events", new JsonArray(List.of((Object[]) events))).put("enabled", enabled).encode()).expect(200).json();
    }

    /** A delivery's attempts (newest first). */
    static List<JsonObject> attempts(JsonObject delivery) {
        List<JsonObject> out = new ArrayList<>();
        delivery.getJsonArray("attempts").forEach(a -> out.add((JsonObject) a));
        return out;
    }

    /** A response header of a recorded attempt, whatever the case of its name. */
    static String responseHeader(JsonObject attempt, String name) {
        JsonObject headers = attempt.getJsonObject("responseHeaders");
        return headers.fieldNames().stream().filter(n -> n.equalsIgnoreCase(name)).map(headers::getString)
            .findFirst().orElse(null);
    }

    static long epochMillis(String iso) {
        return OffsetDateTime.parse(iso).toInstant().toEpochMilli();
    }

    static String iso(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }

    /** The value at the given quantile (0..1) of sorted values. */
    static long quantile(List<Long> sorted, double q) {
        int index = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
