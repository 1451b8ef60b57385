package io.hookgate.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which record layouts the replicas sharing this Redis read, so that a rolling update from an older
 * version never writes what a replica still running cannot read ({@link RecordLayout}). Every replica
 * of this version says, under {@code hg:{r}:replica:ID} (TTL {@code 30 s}, renewed every few seconds),
 * the newest layout it reads. Every replica, of any version, reads the events streams in the group
 * {@code fanout} under its replica ID, so XINFO CONSUMERS lists them all with their idle time: a consumer
 * that read within {@code activeMs} (10 minutes: long, so that an old replica busy with slow receivers,
 * whose fan-out pauses, is not missed) and has no such key is a replica of a version before this check,
 * taken to read only layout 1. From Redis 7.2 a consumer's idle time counts from its last read, even
 * one that found nothing (reads block 1 s at most); before 7.2 it counts from the last read that got
 * entries, and a consumer appears only with its first entry, so a running replica of a quiet system can
 * look idle: the docs say to set the layout by hand there.
 *
 * <p>What a replica said is remembered while its consumer stays in the group, so one that was killed (its
 * key gone with its TTL, its consumer not yet idle for long) is not taken for an older one; but a consumer
 * that read after its key went is one again (an older build started under the same ID). One that stops
 * gracefully leaves the group ({@link #leave}).
 */
public final class ReplicaRepository {
    /** How long a replica's word lasts: several renewals, so one slow tick does not drop it. */
    static final long SAID_FOR_SECONDS = 30;
    /** A consumer that read the events stream this recently is running. */
    public static final long ACTIVE_MS = 600_000;

    private final Redis redis;
    private final int partitions;
    private final long activeMs;
    /** What each replica said, by replica ID, as last read; and since when its key is missing (epoch ms). */
    private final Map<String, Integer> said = new ConcurrentHashMap<>();
    private final Map<String, Long> unsaidSince = new ConcurrentHashMap<>();

    public ReplicaRepository(Redis redis, int partitions, long activeMs) {
        this.redis = redis;
        this.partitions = partitions;
        this.activeMs = activeMs;
    }

    /** The key under which a replica says which layouts it reads (one hash tag: one MGET reads them all). */
    static String said(String replicaId) {
        return "hg:{r}:replica:" + replicaId;
    }

    /**
     * The newest layout that every other running replica reads ({@link RecordLayout#NEWEST} when none runs),
     * and the replicas that read only older ones.
     */
    public record Readers(int layout, List<String> older) {
    }

    /** Says that {@code self} reads layouts up to {@link RecordLayout#NEWEST}, and answers what the others read. */
    public Future<Readers> readable(String self) {
        Future<?> say = redis.send(Request.cmd(Command.SET).arg(said(self)).arg(RecordLayout.NEWEST)
            .arg("EX").arg(SAID_FOR_SECONDS));
        List<Future<Response>> groups = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            groups.add(toGroup(Request.cmd(Command.XINFO).arg("CONSUMERS").arg(QueueKeys.events(p))
                .arg(QueueKeys.FANOUT_GROUP)));
        }
        return Future.all(say, Future.all(groups)).compose(x -> {
            // Each running consumer (but this replica's) with its least idle time over the partitions.
            Map<String, Long> running = new LinkedHashMap<>();
            for (Future<Response> g : groups) {
                for (Response c : g.result() == null ? List.<Response>of() : g.result()) {
                    Map<String, String> consumer = Responses.toMap(c);
                    String name = consumer.get("name");
                    String idle = consumer.get("idle");
                    if (name != null && !name.equals(self) && idle != null && Long.parseLong(idle) < activeMs) {
                        running.merge(name, Long.parseLong(idle), Math::min);
                    }
                }
            }
            said.keySet().retainAll(running.keySet());
            unsaidSince.keySet().retainAll(running.keySet());
            if (running.isEmpty()) {
                return Future.succeededFuture(new Readers(RecordLayout.NEWEST, List.of()));
            }
            List<String> names = new ArrayList<>(running.keySet());
            Request mget = Request.cmd(Command.MGET);
            names.forEach(name -> mget.arg(said(name)));
            long now = System.currentTimeMillis();
            return redis.send(mget).map(values -> {
                int readable = RecordLayout.NEWEST;
                List<String> older = new ArrayList<>();
                for (int i = 0; i < names.size(); i++) {
                    String name = names.get(i);
                    if (values.get(i) != null) {
                        said.put(name, values.get(i).toInteger());
                        unsaidSince.remove(name);
                    } else if (said.containsKey(name)
                        && running.get(name) < now - unsaidSince.computeIfAbsent(name, n -> now)) {
                        said.remove(name);
                    }
                    int reads = said.getOrDefault(name, RecordLayout.OLDEST);
                    if (reads < RecordLayout.NEWEST) {
                        older.add(name);
                    }
                    readable = Math.min(readable, reads);
                }
                return new Readers(readable, older);
            });
        });
    }

    /**
     * What a replica stopping gracefully does once its fan-out has stopped: its word and its consumers go (the
     * events' group reads with NOACK: a consumer there holds no pending entry).
     */
    public Future<Void> leave(String self) {
        List<Future<?>> all = new ArrayList<>();
        all.add(redis.send(Request.cmd(Command.DEL).arg(said(self))));
        for (int p = 0; p < partitions; p++) {
            all.add(toGroup(Request.cmd(Command.XGROUP).arg("DELCONSUMER").arg(QueueKeys.events(p))
                .arg(QueueKeys.FANOUT_GROUP).arg(self)));
        }
        return Future.all(all).mapEmpty();
    }

    /**
     * Sends a command about the events' group; when the stream or its group is not there (a Redis wiped
     * empty, until ensureGroups) it has no consumers: a null answer.
     */
    private Future<Response> toGroup(Request command) {
        return redis.send(command).recover(err -> {
            String m = String.valueOf(err.getMessage());
            return m.startsWith("NOGROUP") || m.startsWith("ERR no such key") ? Future.succeededFuture()
                : Future.failedFuture(err);
        });
    }
}
