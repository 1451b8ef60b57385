package io.hookgate.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;

/**
 * Retention of delivery records by age, and the layout migration it came with. The fan-out's scripts
 * trim a webhook's records by count as they add new ones ({@code lua/lib/retention.lua}); records past
 * {@code deliveryRetentionSeconds} go here, from the webhooks the partition's {@link QueueKeys#aged}
 * set says may hold one, whether or not they still get deliveries. The maintenance loop of every
 * replica calls {@link #trimAged} every few seconds.
 */
public final class RecordRetention {
    private static final LuaScript TRIM_AGED = LuaScript.load("trim_aged");
    private static final LuaScript REGISTER_AGED = LuaScript.load("register_aged");
    /** Webhooks per migration call: one script call stays short. */
    private static final int REGISTER_BATCH = 500;

    private final Redis redis;
    private final long retentionMs;

    RecordRetention(Redis redis, long retentionSeconds) {
        this.redis = redis;
        this.retentionMs = retentionSeconds * 1000;
    }

    /**
     * Removes the records created before the retention from at most {@code webhooks} webhooks (at most
     * {@code limit} each) and answers how many webhooks it visited: call again while that is
     * {@code webhooks}.
     */
    public Future<Integer> trimAged(int partition, int webhooks, int limit) {
        return TRIM_AGED.run(redis, List.of(QueueKeys.aged(partition)),
            List.of(System.currentTimeMillis() - retentionMs, webhooks, limit)).map(Response::toInteger);
    }

    /**
     * Brings a partition written by a version before {@link QueueKeys#LAYOUT} 2 up to it: every given
     * webhook ({@code projectId:webhookId}, all those this replica knows) that has records there is
     * registered for retention by age. Does nothing when the partition is at the layout already; two
     * replicas migrating at once change nothing twice. Answers how many webhooks it registered.
     */
    public Future<Integer> migrate(int partition, List<String> webhooks) {
        return redis.send(Request.cmd(Command.GET).arg(QueueKeys.layout(partition))).compose(v -> {
            if (v != null && v.toInteger() >= QueueKeys.LAYOUT) {
                return Future.succeededFuture(0);
            }
            return register(partition, webhooks, 0, 0).compose(n -> redis.send(Request.cmd(Command.SET)
                .arg(QueueKeys.layout(partition)).arg(QueueKeys.LAYOUT)).map(n));
        });
    }

    private Future<Integer> register(int partition, List<String> webhooks, int from, int added) {
        if (from >= webhooks.size()) {
            return Future.succeededFuture(added);
        }
        int to = Math.min(webhooks.size(), from + REGISTER_BATCH);
        return REGISTER_AGED.run(redis, List.of(QueueKeys.aged(partition)), webhooks.subList(from, to))
            .compose(n -> register(partition, webhooks, to, added + n.toInteger()));
    }
}
