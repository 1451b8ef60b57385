package io.hookgate.redis;

import io.hookgate.health.GatewayMetrics;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis client that times every round trip by command name ({@code hookgate_redis_command_duration}).
 * Blocking reads (XREADGROUP ... BLOCK) are timed too, and show the blocking time: read them as such.
 * Command names are upper case, as Redis spells them ({@code XREADGROUP}, and {@code BATCH} for a
 * pipelined batch), whatever case the client library prints them in; a {@link LuaScript}'s round
 * trips carry its name ({@code EVALSHA:fanout}).
 *
 * <p>It also takes pooled connections one request at a time. In cluster mode the Vert.x client's
 * {@code send} first takes one pooled connection from <em>every</em> master and only then sends;
 * with more requests under way than the pool holds (the blocking reads of the queue keep up to
 * two per partition), concurrent requests each held part of the masters' connections while waiting
 * for the rest, and the whole client stalled for good. Taking connections one request at a time
 * means at most one request waits, for connections that requests already under way give back. A
 * standalone or sentinel client takes one connection per request: there the requests go straight
 * through ({@code serializeConnects} false).
 */
final class TimedRedis implements Redis {
    private static final Logger LOG = LoggerFactory.getLogger(TimedRedis.class);
    /** Commands a pooled client refuses; passed on as they are so that the client refuses them as before. */
    private static final Set<String> NOT_POOLED = Set.of("SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE",
        "PUNSUBSCRIBE", "SUNSUBSCRIBE", "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH");

    private final Redis delegate;
    private final GatewayMetrics metrics;
    private final ArrayDeque<Promise<RedisConnection>> waiting = new ArrayDeque<>();
    private boolean connecting;
    private final boolean serializeConnects;

    TimedRedis(Redis delegate, GatewayMetrics metrics, boolean serializeConnects) {
        this.delegate = delegate;
        this.metrics = metrics;
        this.serializeConnects = serializeConnects;
    }

    /** A connection from the pool, taken after those asked for before it (see the class comment). */
    @Override
    public Future<RedisConnection> connect() {
        if (!serializeConnects) {
            return delegate.connect();
        }
        Promise<RedisConnection> promise = Promise.promise();
        synchronized (this) {
            waiting.add(promise);
        }
        takeNext();
        return promise.future();
    }

    /** Starts the next waiting connect unless one is under way; loops instead of recursing on immediate answers. */
    private void takeNext() {
        while (true) {
            Promise<RedisConnection> next;
            synchronized (this) {
                if (connecting || waiting.isEmpty()) {
                    return;
                }
                connecting = true;
                next = waiting.poll();
            }
            Future<RedisConnection> taken = delegate.connect();
            if (!taken.isComplete()) {
                taken.onComplete(ar -> {
                    handOver(next, ar);
                    takeNext();
                });
                return;
            }
            handOver(next, taken);
        }
    }

    private void handOver(Promise<RedisConnection> promise, AsyncResult<RedisConnection> taken) {
        synchronized (this) {
            connecting = false;
        }
        promise.handle(taken);
    }

    @Override
    public Future<Void> close() {
        return delegate.close();
    }

    @Override
    public Future<Response> send(Request request) {
        return send(request, request.command().toString().toUpperCase(Locale.ROOT));
    }

    /** As {@link #send(Request)}, timed under {@code label} (a script's round trips: EVALSHA:name). */
    Future<Response> send(Request request, String label) {
        long start = System.nanoTime();
        String name = request.command().toString().toUpperCase(Locale.ROOT);
        Future<Response> sent = !serializeConnects || NOT_POOLED.contains(name) ? delegate.send(request)
            : connect().compose(conn -> conn.send(request).eventually(() -> giveBack(conn)));
        return sent.andThen(ar -> metrics.redisCommand(label).record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
    }

    @Override
    public Future<List<Response>> batch(List<Request> requests) {
        return batch(requests, "BATCH");
    }

    /** As {@link #batch(List)}, timed under {@code label} (a script and the command after it: EVALSHA:name+WAIT). */
    Future<List<Response>> batch(List<Request> requests, String label) {
        if (requests.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        long start = System.nanoTime();
        Future<List<Response>> sent = !serializeConnects ? delegate.batch(requests)
            : connect().compose(conn -> conn.batch(requests).eventually(() -> giveBack(conn)));
        return sent
            .andThen(ar -> metrics.redisCommand(label).record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
    }

    /** Returns a connection to the pool, as the client's own {@code send} does. */
    private static Future<Void> giveBack(RedisConnection conn) {
        return conn.close().onFailure(err -> LOG.warn("returning a Redis connection to the pool: {}", err.toString()));
    }
}
