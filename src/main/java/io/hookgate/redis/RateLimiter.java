package io.hookgate.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import java.util.List;

/**
 * The per-project ingestion limit: a token bucket in Redis ({@code hg:{p:PID}:rate}, fields t =
 * tokens, ts = last refill in ms), shared by every replica and refilled at {@code rate} tokens a
 * second up to {@code burst}. An event costs one token; a request takes all its tokens or none. The
 * script reads Redis's own clock, so replicas with skewed clocks agree.
 */
public final class RateLimiter {
    private static final LuaScript TAKE = LuaScript.load("rate_limit");

    private final Redis redis;
    private final int rate;
    private final int burst;

    /** {@code rate} 0: no limit. */
    public RateLimiter(Redis redis, int rate, int burst) {
        this.redis = redis;
        this.rate = rate;
        this.burst = burst;
    }

    /** Takes {@code cost} tokens; answers 0 when taken, else the ms to wait before they would be there. */
    public Future<Long> take(String projectId, int cost) {
        if (rate <= 0) {
            return Future.succeededFuture(0L);
        }
        return TAKE.run(redis, List.of(RedisKeys.rate(projectId)), List.of(rate, burst, cost)).map(r -> r.toLong());
    }
}
