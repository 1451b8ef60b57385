package io.hookgate.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;
import java.util.List;

/**
 * Retention of delivery records by age. The fan-out's scripts trim a webhook's records by count as they
 * add new ones ({@code lua/lib/retention.lua}); records past {@code deliveryRetentionSeconds} go here,
 * from the webhooks the partition's {@link QueueKeys#aged} set says may hold one, whether or not they
 * still get deliveries. The maintenance loop of every replica calls {@link #trimAged} every few seconds,
 * and walks the webhooks it knows through {@link #register}, so that an index the set does not know
 * (started before it existed, or by a replica of the version before) joins it, and the webhooks with
 * archives through {@link #registerArchives}.
 */
public final class RecordRetention {
    private static final LuaScript TRIM_AGED = LuaScript.load("trim_aged");
    private static final LuaScript REGISTER_AGED = LuaScript.load("register_aged");
    private static final LuaScript REGISTER_ARCHIVES = LuaScript.load("register_archives");

    private final Redis redis;
    private final long retentionMs;

    RecordRetention(Redis redis, long retentionSeconds) {
        this.redis = redis;
        this.retentionMs = retentionSeconds * 1000;
    }

    /**
     * Removes at most {@code limit} records created before the retention, oldest webhooks first, and
     * answers whether some may be left (call again).
     */
    public Future<Boolean> trimAged(int partition, int limit) {
        return TRIM_AGED.run(redis, List.of(QueueKeys.aged(partition)),
            List.of(System.currentTimeMillis() - retentionMs, limit)).map(r -> r.toInteger() == 1);
    }

    /**
     * Registers those of the given webhooks ({@code projectId:webhookId}) that have records in the
     * partition for retention by age, at their oldest record's time (a score already lower is kept);
     * answers how many were not registered before.
     */
    public Future<Integer> register(int partition, List<String> webhooks) {
        if (webhooks.isEmpty()) {
            return Future.succeededFuture(0);
        }
        return REGISTER_AGED.run(redis, List.of(QueueKeys.aged(partition)), webhooks).map(Response::toInteger);
    }

    /** What one step of {@link #registerArchives} did: the walk's next cursor ("0": through), webhooks added. */
    public record ArchiveStep(String cursor, int added) {
    }

    /**
     * Registers the next {@code count} webhooks whose archive was ever given a record (the partition's
     * tails, see {@code lua/lib/archive.lua}) for retention by age, from {@code cursor} ("0" to start):
     * archives of webhooks this replica does not know (deleted while a replica of a version before
     * archives ran) go by age too.
     */
    public Future<ArchiveStep> registerArchives(int partition, String cursor, int count) {
        return REGISTER_ARCHIVES.run(redis, List.of(QueueKeys.aged(partition), QueueKeys.tails(partition)),
            List.of(cursor, count)).map(r -> new ArchiveStep(r.get(0).toString(), r.get(1).toInteger()));
    }
}
