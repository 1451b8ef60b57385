package io.hookgate.queue;

import io.hookgate.model.EventRecord;
import io.hookgate.store.LuaScript;
import io.hookgate.store.Responses;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * All Redis work of the delivery queue (see {@link QueueKeys}): ingest, fan-out, reading and
 * finishing deliveries. Each write is one script, so a crash never leaves half of it done.
 */
public final class EventQueue {
    /** Stores each event's hash and appends it to the events stream, for a whole batch at once. */
    private static final LuaScript INGEST = new LuaScript("""
        local tag = string.sub(KEYS[1], 1, -7)
        local ttl = ARGV[1]
        for i = 2, #ARGV, 6 do
          local k = tag .. 'ev:' .. ARGV[i]
          redis.call('HSET', k, 'pr', ARGV[i+1], 'nm', ARGV[i+2], 'us', ARGV[i+3], 'at', ARGV[i+4], 'pl', ARGV[i+5])
          redis.call('EXPIRE', k, ttl)
          redis.call('XADD', KEYS[1], '*', 'id', ARGV[i], 'pr', ARGV[i+1], 'nm', ARGV[i+2], 'us', ARGV[i+3], 'at', ARGV[i+4])
        end
        return 'OK'
        """);
    /**
     * Records the matched deliveries of each event and acknowledges the event, atomically. An event
     * that is no longer pending (another consumer finished it) is skipped, so a fan-out never runs twice.
     * ARGV: group, then per event: entryId, eventId, projectId, n, n x (deliveryId, webhookId).
     */
    private static final LuaScript FANOUT = new LuaScript("""
        local tag = string.sub(KEYS[1], 1, -7)
        local i = 2
        while i <= #ARGV do
          local entry, ev, pr, n = ARGV[i], ARGV[i+1], ARGV[i+2], tonumber(ARGV[i+3])
          i = i + 4
          if redis.call('XACK', KEYS[1], ARGV[1], entry) == 1 then
            local k = tag .. 'ev:' .. ev
            if n == 0 then
              redis.call('DEL', k)
            else
              redis.call('HSET', k, 'left', n)
              for j = 0, n - 1 do
                redis.call('XADD', KEYS[2], '*', 'dl', ARGV[i + 2*j], 'wh', ARGV[i + 2*j + 1], 'ev', ev, 'pr', pr)
              end
            end
            redis.call('XDEL', KEYS[1], entry)
          end
          i = i + 2 * n
        end
        return 'OK'
        """);
    /** Finishes deliveries: ack, delete, and drop the event's hash after its last delivery. ARGV: group, (entryId, eventId)... */
    private static final LuaScript COMPLETE = new LuaScript("""
        local tag = string.sub(KEYS[1], 1, -11)
        for i = 2, #ARGV, 2 do
          if redis.call('XACK', KEYS[1], ARGV[1], ARGV[i]) == 1 then
            redis.call('XDEL', KEYS[1], ARGV[i])
            local k = tag .. 'ev:' .. ARGV[i+1]
            if redis.call('HINCRBY', k, 'left', -1) <= 0 then redis.call('DEL', k) end
          end
        end
        return 'OK'
        """);

    private final Redis redis;
    private final int partitions;
    private final String consumer;
    private final long retentionSeconds;

    public EventQueue(Redis redis, int partitions, String consumer, long retentionSeconds) {
        this.redis = redis;
        this.partitions = partitions;
        this.consumer = consumer;
        this.retentionSeconds = retentionSeconds;
    }

    public int partitions() {
        return partitions;
    }

    /** Creates the streams and consumer groups that are missing (after a first start or a Redis restart without data). */
    public Future<Void> ensureGroups() {
        List<Future<?>> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            all.add(createGroup(QueueKeys.events(p), QueueKeys.FANOUT_GROUP));
            all.add(createGroup(QueueKeys.deliveries(p), QueueKeys.DISPATCH_GROUP));
        }
        return Future.all(all).mapEmpty();
    }

    private Future<Void> createGroup(String stream, String group) {
        return redis.send(Request.cmd(Command.XGROUP).arg("CREATE").arg(stream).arg(group).arg("0").arg("MKSTREAM"))
            .<Void>mapEmpty()
            .recover(err -> err.getMessage() != null && err.getMessage().startsWith("BUSYGROUP")
                ? Future.succeededFuture() : Future.failedFuture(err));
    }

    /** Persists a batch of events in one partition with one round trip; completes once Redis has them. */
    public Future<Void> ingest(List<EventRecord> events) {
        int partition = partitions == 1 ? 0 : ThreadLocalRandom.current().nextInt(partitions);
        List<Object> args = new ArrayList<>(1 + events.size() * 6);
        args.add(retentionSeconds);
        for (EventRecord e : events) {
            args.add(e.id());
            args.add(e.projectId());
            args.add(e.name());
            args.add(e.userId());
            args.add(e.acceptedAt());
            args.add(e.payload());
        }
        return INGEST.run(redis, List.of(QueueKeys.events(partition)), args).mapEmpty();
    }

    /**
     * Reads events to fan out: new ones, or with {@code ownPending} the ones this consumer read
     * before but did not finish (after a failure or a restart under the same name).
     */
    public Future<List<StreamEntry>> readEvents(int partition, int count, long blockMs, boolean ownPending) {
        return read(partition, QueueKeys.events(partition), QueueKeys.FANOUT_GROUP, count, blockMs, ownPending);
    }

    /** Reads deliveries to make, as {@link #readEvents}. */
    public Future<List<StreamEntry>> readDeliveries(int partition, int count, long blockMs, boolean ownPending) {
        return read(partition, QueueKeys.deliveries(partition), QueueKeys.DISPATCH_GROUP, count, blockMs, ownPending);
    }

    private Future<List<StreamEntry>> read(int partition, String stream, String group, int count, long blockMs,
                                           boolean ownPending) {
        return redis.send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(group).arg(consumer)
                .arg("COUNT").arg(count).arg("BLOCK").arg(blockMs).arg("STREAMS").arg(stream)
                .arg(ownPending ? "0" : ">"))
            .map(r -> StreamEntry.parse(partition, r));
    }

    /** One event's fan-out: the event's stream entry and the deliveries it makes. */
    public record Fanout(StreamEntry event, List<NewDelivery> deliveries) {
    }

    /** A delivery to record. */
    public record NewDelivery(String deliveryId, String webhookId) {
    }

    /** Records the deliveries of a batch of events of one partition and acknowledges the events, atomically. */
    public Future<Void> recordFanout(int partition, List<Fanout> fanouts) {
        List<Object> args = new ArrayList<>();
        args.add(QueueKeys.FANOUT_GROUP);
        for (Fanout f : fanouts) {
            args.add(f.event().id());
            args.add(f.event().field("id"));
            args.add(f.event().field("pr"));
            args.add(f.deliveries().size());
            for (NewDelivery d : f.deliveries()) {
                args.add(d.deliveryId());
                args.add(d.webhookId());
            }
        }
        return FANOUT.run(redis, List.of(QueueKeys.events(partition), QueueKeys.deliveries(partition)), args)
            .mapEmpty();
    }

    /** Acknowledges and deletes finished deliveries of one partition. */
    public Future<Void> complete(int partition, List<StreamEntry> deliveries) {
        List<Object> args = new ArrayList<>(1 + deliveries.size() * 2);
        args.add(QueueKeys.DISPATCH_GROUP);
        for (StreamEntry d : deliveries) {
            args.add(d.id());
            args.add(d.field("ev"));
        }
        return COMPLETE.run(redis, List.of(QueueKeys.deliveries(partition)), args).mapEmpty();
    }

    /** Loads an event from Redis (when it is not in this replica's cache); null when it expired. */
    public Future<EventRecord> loadEvent(int partition, String eventId) {
        return redis.send(Request.cmd(Command.HGETALL).arg(QueueKeys.event(partition, eventId))).map(r -> {
            Map<String, byte[]> h = Responses.toByteMap(r);
            if (h.get("pl") == null || h.get("nm") == null) {
                return null;
            }
            return new EventRecord(eventId, str(h.get("pr")), str(h.get("nm")), str(h.get("us")), h.get("pl"),
                Long.parseLong(str(h.get("at"))));
        });
    }

    private static String str(byte[] b) {
        return b == null ? "" : new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
}
