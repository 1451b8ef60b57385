package io.hookgate.store;

import io.hookgate.health.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;

/**
 * A Redis client that times every round trip by command name ({@code hookgate_redis_command_duration}).
 * Blocking reads (XREADGROUP ... BLOCK) are timed too, and show the blocking time: read them as such.
 */
final class TimedRedis implements Redis {
    private final Redis delegate;
    private final GatewayMetrics metrics;

    TimedRedis(Redis delegate, GatewayMetrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    @Override
    public Future<RedisConnection> connect() {
        return delegate.connect();
    }

    @Override
    public Future<Void> close() {
        return delegate.close();
    }

    @Override
    public Future<Response> send(Request request) {
        long start = System.nanoTime();
        return delegate.send(request).andThen(ar -> metrics.redisCommand(request.command().toString())
            .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS));
    }

    @Override
    public Future<List<Response>> batch(List<Request> requests) {
        long start = System.nanoTime();
        return delegate.batch(requests).andThen(ar -> metrics.redisCommand("BATCH")
            .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS));
    }
}
