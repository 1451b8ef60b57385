package io.hookgate.redis;

import io.hookgate.model.EventRecord;
import io.hookgate.redis.EventQueue.Ingested;
import io.hookgate.redis.EventQueue.NewEvent;
import io.hookgate.redis.EventQueue.ReplicasBehind;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link EventQueue#ingest}: accepted events become entries of their partition's events stream
 * ({@code lua/ingest.lua} for the entry's fields), each partition's in one atomic step.
 *
 * <p>Events with an idempotency key go through the ingest script, which stores a repeat's first ID
 * instead. Events without one are plain {@code XADD}s in one {@code MULTI}/{@code EXEC}: just as atomic,
 * and cheaper for Redis, whose Lua hashes every byte of every string a script is given (the event's
 * fields and its payload), besides the script's own work: 6% of Redis's instructions per delivery in
 * {@code bin/redis-micro --instructions} with the benchmark's 40-byte payloads, more as payloads grow.
 */
final class Ingest {
    private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);
    private static final LuaScript INGEST = LuaScript.load("ingest");

    private final Redis redis;
    private final int partitions;
    private final RecordLayout layout;
    private final long idempotencyWindowSeconds;
    private final int waitReplicas;
    private final long waitTimeoutMs;
    /** The last ingest's WAIT found too few replicas: until one finds enough, one ingest at a time waits. */
    private volatile boolean replicasMissing;
    private final AtomicBoolean probing = new AtomicBoolean();

    Ingest(Redis redis, int partitions, RecordLayout layout, long idempotencyWindowSeconds, int waitReplicas,
           long waitTimeoutMs) {
        this.redis = redis;
        this.partitions = partitions;
        this.layout = layout;
        this.idempotencyWindowSeconds = idempotencyWindowSeconds;
        this.waitReplicas = waitReplicas;
        this.waitTimeoutMs = waitTimeoutMs;
    }

    /** See {@link EventQueue#ingest}. */
    Future<List<Ingested>> ingest(String projectId, List<NewEvent> events) {
        boolean probe = waitReplicas > 0 && replicasMissing;
        if (probe && !probing.compareAndSet(false, true)) {
            return Future.failedFuture(new ReplicasBehind("Redis replicas are missing; another ingest is waiting for"
                + " them, this one was not tried (redisWaitReplicas)"));
        }
        int anyPartition = partitions == 1 ? 0 : ThreadLocalRandom.current().nextInt(partitions);
        Map<Integer, List<Integer>> byPartition = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            String key = events.get(i).idempotencyKey();
            int p = key.isEmpty() ? anyPartition : Math.floorMod((projectId + ":" + key).hashCode(), partitions);
            byPartition.computeIfAbsent(p, x -> new ArrayList<>()).add(i);
        }
        Ingested[] ids = new Ingested[events.size()];
        boolean packed = RecordLayout.packed(layout.current());
        List<Future<?>> all = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> group : byPartition.entrySet()) {
            List<Integer> members = group.getValue();
            String stream = QueueKeys.events(group.getKey());
            boolean keyed = false;
            for (int i : members) {
                keyed |= !events.get(i).idempotencyKey().isEmpty();
            }
            Future<Void> step = keyed ? script(stream, projectId, events, members, packed, ids)
                : appended(stream, projectId, events, members, packed);
            all.add(step.map(x -> {
                for (int i : members) {
                    if (ids[i] == null) {
                        ids[i] = new Ingested(events.get(i).event().id(), true);
                    }
                }
                return null;
            }));
        }
        Future<List<Ingested>> stored = Future.all(all).map(x -> List.of(ids));
        return probe ? stored.andThen(x -> probing.set(false)) : stored;
    }

    /** The ingest script for one partition's events; the repeats' results go into ids. */
    private Future<Void> script(String stream, String projectId, List<NewEvent> events, List<Integer> members,
                                boolean packed, Ingested[] ids) {
        List<Object> args = new ArrayList<>(3 + members.size() * 3);
        args.add(idempotencyWindowSeconds);
        args.add(projectId);
        args.add(packed ? 1 : 0);
        for (int i : members) {
            EventRecord e = events.get(i).event();
            args.add(StreamEntry.pack(e.id(), projectId, e.name(), e.acceptedAt(), e.userId(), e.requestId()));
            args.add(e.payload());
            args.add(events.get(i).idempotencyKey());
        }
        List<String> keys = List.of(stream);
        Future<Response> ran = waitReplicas == 0 ? INGEST.run(redis, keys, args)
            : INGEST.runThen(redis, keys, args, waitRequest()).map(replies -> {
                checkReplicas(replies.get(1).toLong());
                return replies.get(0);
            });
        return ran.map(r -> {
            // Only repeats come back: their position among these events (from 1), then the first event's ID.
            for (int k = 0; k + 1 < r.size(); k += 2) {
                ids[members.get(r.get(k).toInteger() - 1)] = new Ingested(r.get(k + 1).toString(), false);
            }
            return null;
        });
    }

    /** One partition's events without idempotency keys: their XADDs in one MULTI/EXEC. */
    private Future<Void> appended(String stream, String projectId, List<NewEvent> events, List<Integer> members,
                                  boolean packed) {
        List<Request> requests = new ArrayList<>(members.size() + 3);
        requests.add(Request.cmd(Command.MULTI));
        for (int i : members) {
            EventRecord e = events.get(i).event();
            Request add = Request.cmd(Command.XADD).arg(stream).arg("*");
            if (packed) {
                add.arg("e").arg(StreamEntry.pack(e.id(), projectId, e.name(), e.acceptedAt(), e.userId(),
                    e.requestId())).arg("pl").arg(e.payload());
            } else {
                add.arg("id").arg(e.id()).arg("pr").arg(projectId).arg("nm").arg(e.name()).arg("us").arg(e.userId())
                    .arg("at").arg(e.acceptedAt()).arg("pl").arg(e.payload()).arg("rq").arg(e.requestId());
            }
            requests.add(add);
        }
        requests.add(Request.cmd(Command.EXEC));
        if (waitReplicas > 0) {
            requests.add(waitRequest());
        }
        Future<List<Response>> sent = redis instanceof TimedRedis timed ? timed.batch(requests, "MULTI:ingest")
            : redis.batch(requests);
        return sent.map(replies -> {
            Response exec = replies.get(members.size() + 1);
            if (exec == null || exec.size() != members.size()) {
                throw new IllegalStateException("EXEC of an ingest answered " + exec);
            }
            for (Response added : exec) {
                if (added == null || added.type() == ResponseType.ERROR) {
                    throw new IllegalStateException("an ingest's XADD failed: " + added);
                }
            }
            if (waitReplicas > 0) {
                checkReplicas(replies.get(members.size() + 2).toLong());
            }
            return null;
        });
    }

    private Request waitRequest() {
        return Request.cmd(Command.WAIT).arg(waitReplicas).arg(waitTimeoutMs);
    }

    /** After a WAIT: fails the ingest ({@link ReplicasBehind}) when fewer replicas than asked acknowledged. */
    private void checkReplicas(long acknowledged) {
        boolean missing = acknowledged < waitReplicas;
        if (missing != replicasMissing) {
            replicasMissing = missing;
            if (missing) {
                LOG.warn("{} of {} Redis replicas acknowledged an ingest within {} ms: events are answered 503"
                    + " until enough do (redisWaitReplicas)", acknowledged, waitReplicas, waitTimeoutMs);
            } else {
                LOG.info("{} Redis replicas acknowledge ingests again", acknowledged);
            }
        }
        if (missing) {
            throw new ReplicasBehind(acknowledged + " of " + waitReplicas + " Redis replicas acknowledged"
                + " the events within " + waitTimeoutMs + " ms (redisWaitReplicas)");
        }
    }
}
