package io.hookgate.redis;

import io.hookgate.model.DeliveryRecord;
import io.hookgate.model.DeliveryStatus;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The recorded deliveries of webhooks, as users and webhook changes reach them: reading one delivery
 * with its tries, listing a webhook's deliveries newest first, replaying (retry, recover), parking and
 * unparking a webhook's deliveries, and removing a deleted webhook's. The records are written by the
 * queue's scripts ({@link EventQueue}); the key layout is {@link QueueKeys}'.
 */
public final class DeliveryLog {
    private static final LuaScript PARK_RETRYING = LuaScript.load("park_retrying");
    private static final LuaScript PURGE_WEBHOOK = LuaScript.load("purge_webhook");
    private static final LuaScript REQUEUE = LuaScript.load("requeue");
    private static final LuaScript STATUSES = LuaScript.load("statuses");
    private static final LuaScript UNPARK = LuaScript.load("unpark");
    private static final LuaScript UNHOLD = LuaScript.load("unhold");
    private static final LuaScript HELD_WEBHOOKS = LuaScript.load("held_webhooks");
    private static final LuaScript ARCHIVE_PAGE = LuaScript.load("archive_page");
    private static final LuaScript ARCHIVE_GET = LuaScript.load("archive_get");
    /** Records examined per round trip when listing by a status without an index (pending). */
    private static final int STATUS_SCAN_CHUNK = 500;
    /** Records a replaying or purging script handles per call. */
    private static final int CHUNK = 500;

    private final Redis redis;
    private final int partitions;

    public DeliveryLog(Redis redis, int partitions) {
        this.redis = redis;
        this.partitions = partitions;
    }

    /** Parks the retrying deliveries of a webhook that was just disabled, in every partition. */
    public Future<Integer> parkRetrying(String projectId, String webhookId) {
        List<Future<Response>> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            all.add(PARK_RETRYING.run(redis, List.of(QueueKeys.retries(p)),
                List.of(projectId, webhookId, System.currentTimeMillis())));
        }
        return Future.all(all).map(x -> all.stream().mapToInt(f -> f.result().toInteger()).sum());
    }

    /** Requeues every parked delivery of a re-enabled webhook, oldest first, in chunks; answers how many. */
    public Future<Integer> unpark(String projectId, String webhookId) {
        List<Future<Integer>> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            all.add(unparkPartition(p, projectId, webhookId, 0));
        }
        return Future.all(all).map(x -> all.stream().mapToInt(Future::result).sum());
    }

    private Future<Integer> unparkPartition(int p, String projectId, String webhookId, int sofar) {
        return UNPARK.run(redis, List.of(QueueKeys.deliveries(p)),
                List.of(projectId, webhookId, System.currentTimeMillis(), CHUNK))
            .compose(r -> r.toInteger() < CHUNK ? Future.succeededFuture(sofar + r.toInteger())
                : unparkPartition(p, projectId, webhookId, sofar + r.toInteger()));
    }

    /**
     * Sends every held delivery of a webhook whose circuit closed out again, oldest first, in chunks, each
     * partition's in turn; answers how many.
     */
    public Future<Integer> unhold(String projectId, String webhookId) {
        Future<Integer> all = Future.succeededFuture(0);
        for (int p = 0; p < partitions; p++) {
            int partition = p;
            all = all.compose(sofar -> unholdPartition(partition, projectId, webhookId, sofar));
        }
        return all;
    }

    private Future<Integer> unholdPartition(int p, String projectId, String webhookId, int sofar) {
        return UNHOLD.run(redis, List.of(QueueKeys.deliveries(p)),
                List.of(projectId, webhookId, System.currentTimeMillis(), CHUNK, ""))
            .compose(r -> r.toInteger() < CHUNK ? Future.succeededFuture(sofar + r.toInteger())
                : unholdPartition(p, projectId, webhookId, sofar + r.toInteger()));
    }

    /**
     * Sends the oldest held delivery of a webhook out as its circuit's probe, carrying the probe's lease
     * token; answers false when none is held.
     */
    public Future<Boolean> sendProbe(String projectId, String webhookId, String token) {
        List<Future<Response>> heads = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            heads.add(redis.send(Request.cmd(Command.ZRANGE).arg(QueueKeys.webhookDeliveries(p, projectId, webhookId,
                DeliveryStatus.HELD)).arg(0).arg(0).arg("WITHSCORES")));
        }
        return Future.all(heads).compose(x -> {
            int oldest = -1;
            long at = Long.MAX_VALUE;
            for (int p = 0; p < partitions; p++) {
                List<Map.Entry<String, Long>> head = scored(heads.get(p).result());
                if (!head.isEmpty() && head.get(0).getValue() < at) {
                    at = head.get(0).getValue();
                    oldest = p;
                }
            }
            if (oldest < 0) {
                return Future.succeededFuture(false);
            }
            return UNHOLD.run(redis, List.of(QueueKeys.deliveries(oldest)),
                List.of(projectId, webhookId, System.currentTimeMillis(), 1, token)).map(r -> r.toInteger() > 0);
        });
    }

    /** A page of a partition's webhooks with held deliveries, and the cursor of the next ("0": no more). */
    public record HeldPage(String cursor, List<String[]> webhooks) {
    }

    /**
     * The next page of the webhooks with held deliveries in a partition, {@code count} of those that may have
     * any examined, from {@code cursor} ("0" to start); each as {project, webhook}.
     */
    public Future<HeldPage> heldWebhooks(int partition, String cursor, int count) {
        return HELD_WEBHOOKS.run(redis, List.of(QueueKeys.open(partition)), List.of(cursor, count)).map(r -> {
            List<String[]> found = new ArrayList<>(r.size() - 1);
            for (int i = 1; i < r.size(); i++) {
                String w = r.get(i).toString();
                int colon = w.indexOf(':');
                found.add(new String[] {w.substring(0, colon), w.substring(colon + 1)});
            }
            return new HeldPage(r.get(0).toString(), found);
        });
    }

    public int partitions() {
        return partitions;
    }

    /** How many deliveries of a webhook are held now, in every partition. */
    public Future<Long> held(String projectId, String webhookId) {
        List<Future<Response>> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            all.add(redis.send(Request.cmd(Command.ZCARD).arg(QueueKeys.webhookDeliveries(p, projectId, webhookId,
                DeliveryStatus.HELD))));
        }
        return Future.all(all).map(x -> all.stream().mapToLong(f -> f.result().toLong()).sum());
    }

    /**
     * Removes every delivery record (and index entry) of a deleted webhook created up to {@code deletedAt},
     * in every partition, in chunks one after the other; answers how many records went.
     */
    public Future<Integer> purgeWebhook(String projectId, String webhookId, long deletedAt) {
        Future<Integer> all = Future.succeededFuture(0);
        for (int p = 0; p < partitions; p++) {
            int partition = p;
            all = all.compose(sofar -> purgePartition(partition, projectId, webhookId, deletedAt, sofar));
        }
        return all;
    }

    private Future<Integer> purgePartition(int p, String projectId, String webhookId, long deletedAt, int sofar) {
        return PURGE_WEBHOOK.run(redis, List.of(QueueKeys.deliveries(p)),
                List.of(projectId, webhookId, CHUNK, deletedAt))
            .compose(r -> r.toInteger() == 0 ? Future.succeededFuture(sofar)
                : purgePartition(p, projectId, webhookId, deletedAt, sofar + r.toInteger()));
    }

    /** Sends deliveries of a webhook again now (they must be in {@code partition}); answers how many. */
    public Future<Integer> requeue(int partition, String projectId, String webhookId, List<String> deliveryIds) {
        if (deliveryIds.isEmpty()) {
            return Future.succeededFuture(0);
        }
        List<Object> args = new ArrayList<>(List.of(projectId, webhookId, System.currentTimeMillis()));
        args.addAll(deliveryIds);
        return REQUEUE.run(redis, List.of(QueueKeys.deliveries(partition)), args).map(Response::toInteger);
    }

    /**
     * Requeues every failed or skipped delivery of a webhook created at or after {@code sinceMs}; answers
     * how many.
     */
    public Future<Integer> recover(String projectId, String webhookId, long sinceMs) {
        List<Future<Integer>> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            for (DeliveryStatus status : List.of(DeliveryStatus.FAILED, DeliveryStatus.SKIPPED)) {
                all.add(recover(p, status, projectId, webhookId, sinceMs));
            }
        }
        return Future.all(all).map(x -> all.stream().mapToInt(Future::result).sum());
    }

    private Future<Integer> recover(int partition, DeliveryStatus status, String projectId, String webhookId,
                                    long sinceMs) {
        return redis.send(Request.cmd(Command.ZRANGEBYSCORE)
                .arg(QueueKeys.webhookDeliveries(partition, projectId, webhookId, status))
                .arg(sinceMs).arg("+inf"))
            .compose(ids -> {
                List<String> list = new ArrayList<>();
                if (ids != null) {
                    ids.forEach(id -> list.add(id.toString()));
                }
                List<Future<Integer>> chunks = new ArrayList<>();
                for (int i = 0; i < list.size(); i += CHUNK) {
                    chunks.add(requeue(partition, projectId, webhookId, list.subList(i, Math.min(list.size(), i + CHUNK))));
                }
                return Future.all(chunks).map(y -> chunks.stream().mapToInt(Future::result).sum());
            });
    }

    /**
     * A webhook's delivery: its record with its tries (newest first), from whichever partition holds it, as
     * a key of its own or in the webhook's archive; null if none does.
     */
    public Future<DeliveryRecord> delivery(String projectId, String webhookId, String deliveryId) {
        List<Future<DeliveryRecord>> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            all.add(delivery(p, projectId, webhookId, deliveryId, false));
        }
        return Future.all(all).map(x -> all.stream().map(Future::result).filter(Objects::nonNull)
            .findFirst().orElse(null));
    }

    private Future<DeliveryRecord> delivery(int partition, String projectId, String webhookId, String deliveryId,
                                            boolean archived) {
        // Where the listing found it first, then the other place: a manual retry moves an archived record.
        Supplier<Future<Response>> inArchive = () -> ARCHIVE_GET.run(redis,
            List.of(QueueKeys.archiveOrder(partition, projectId, webhookId), QueueKeys.archive(partition, projectId,
                webhookId)), List.of(deliveryId, projectId, webhookId));
        Supplier<Future<Response>> ownKey = () -> redis.send(Request.cmd(Command.GET)
            .arg(QueueKeys.delivery(partition, deliveryId)));
        Future<Response> value = (archived ? inArchive : ownKey).get()
            .compose(r -> r != null ? Future.succeededFuture(r) : (archived ? ownKey : inArchive).get());
        return withTries(partition, deliveryId, value.map(found -> found == null ? null : found.toBytes()), true);
    }

    /**
     * A record's value (null: none) with its tries, as the API shows it; readTries false for a record that has
     * no list of earlier tries (an archived one: it had one try).
     */
    private Future<DeliveryRecord> withTries(int partition, String deliveryId, Future<byte[]> value, boolean readTries) {
        Future<Map<String, String>> record = value.map(found -> {
            if (found == null) {
                return null;
            }
            RecordFormat.Decoded d = RecordFormat.decode(found);
            Map<String, String> h = new HashMap<>(d.fields());
            h.put("id", deliveryId);
            if (d.tryJson() != null) {
                h.put("t", d.tryJson());
            }
            return h;
        });
        Future<Response> tries = readTries ? redis.send(Request.cmd(Command.LRANGE)
            .arg(QueueKeys.tries(partition, deliveryId)).arg(0).arg(-1)) : Future.succeededFuture();
        return Future.all(record, tries).map(x -> {
            Map<String, String> h = record.result();
            if (h == null || h.get("id") == null) {
                return null;
            }
            List<String> list = new ArrayList<>();
            String newest = h.get("t");
            if (newest != null) {
                list.add(TryRecord.toApi(newest));
            }
            if (tries.result() != null) {
                tries.result().forEach(t -> list.add(TryRecord.toApi(t.toString())));
            }
            return DeliveryRecord.of(partition, h, list);
        });
    }

    /** A page of a webhook's deliveries, newest first, optionally of one status. */
    public record Page(List<DeliveryRecord> deliveries, String nextCursor) {
    }

    /**
     * An item of a listing: a delivery, its creation time, where its record is, and the record itself when
     * the listing read it (an archive's item holds it).
     */
    private record Item(String id, long at, int partition, boolean archived, byte[] value) {
    }

    /**
     * Lists a webhook's deliveries newest first across partitions, from its indexes and its archives
     * (delivered ones only). The cursor is the last item of the previous page ({@code
     * "<createdAt>:<deliveryId>"}); the page holds items strictly after it.
     */
    public Future<Page> list(String projectId, String webhookId, DeliveryStatus status, int limit, String cursor) {
        long maxScore = Long.MAX_VALUE;
        String cursorId = null;
        if (cursor != null) {
            int colon = cursor.indexOf(':');
            maxScore = Long.parseLong(cursor.substring(0, colon));
            cursorId = cursor.substring(colon + 1);
        }
        long max = maxScore;
        String afterId = cursorId;
        List<Future<List<Item>>> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            int partition = p;
            // Pending and delivered deliveries have no complete index of their own (see lua/lib/indexes.lua): they
            // are read from the general index and filtered by status. Pending ones are mostly the newest, and
            // delivered ones mostly all, so the scan is short.
            boolean filtered = status == DeliveryStatus.PENDING || status == DeliveryStatus.DELIVERED;
            String key = status == null || filtered ? QueueKeys.webhookDeliveries(p, projectId, webhookId)
                : QueueKeys.webhookDeliveries(p, projectId, webhookId, status);
            all.add(listAfter(p, key, filtered ? status : null, max, afterId, limit, 0, new ArrayList<>())
                .map(found -> found.stream().map(e -> new Item(e.getKey(), e.getValue(), partition, false, null))
                    .toList()));
            if (status == null || status == DeliveryStatus.DELIVERED) {
                all.add(ARCHIVE_PAGE.run(redis, List.of(QueueKeys.archiveOrder(p, projectId, webhookId)),
                    List.of(max == Long.MAX_VALUE ? "" : Long.toString(max), afterId == null ? "" : afterId, limit,
                        projectId, webhookId))
                    .map(r -> {
                        List<Item> items = new ArrayList<>();
                        for (int i = 0; r != null && i + 1 < r.size(); i += 2) {
                            String item = r.get(i).toString();
                            int colon = item.indexOf(':');
                            Response value = r.get(i + 1);
                            items.add(new Item(item.substring(colon + 1), Long.parseLong(item.substring(0, colon)),
                                partition, true, value == null ? null : value.toBytes()));
                        }
                        return items;
                    }));
            }
        }
        return Future.all(all).compose(x -> {
            List<Item> merged = new ArrayList<>();
            all.forEach(f -> merged.addAll(f.result()));
            merged.sort((a, b) -> a.at() == b.at() ? b.id().compareTo(a.id()) : Long.compare(b.at(), a.at()));
            // A manual retry between the reads may show one in both places: listed once.
            Set<String> seen = new HashSet<>();
            merged.removeIf(i -> !seen.add(i.id()));
            List<Item> page = merged.size() > limit ? merged.subList(0, limit) : merged;
            List<Future<DeliveryRecord>> records = page.stream()
                .map(i -> i.value() != null ? withTries(i.partition(), i.id(), Future.succeededFuture(i.value()), false)
                    : delivery(i.partition(), projectId, webhookId, i.id(), i.archived())).toList();
            return Future.all(records).map(y -> {
                List<DeliveryRecord> out = records.stream().map(Future::result).filter(Objects::nonNull).toList();
                Item last = page.isEmpty() ? null : page.get(page.size() - 1);
                String next = page.size() == limit && last != null ? last.at() + ":" + last.id() : null;
                return new Page(out, next);
            });
        });
    }

    /**
     * Up to {@code limit} members of one index that come after the cursor, newest first, and with
     * {@code filter} only those of that status. ZREVRANGEBYSCORE starts at the cursor's score, and the
     * deliveries of one fan-out batch share their creation time, so the members of that score up to the
     * cursor are skipped, reading on in chunks as long as needed.
     */
    private Future<List<Map.Entry<String, Long>>> listAfter(int partition, String key, DeliveryStatus filter, long max,
                                                            String afterId, int limit, int offset,
                                                            List<Map.Entry<String, Long>> found) {
        int chunk = filter == null ? limit + 64 : STATUS_SCAN_CHUNK;
        return redis.send(Request.cmd(Command.ZREVRANGEBYSCORE).arg(key)
                .arg(max == Long.MAX_VALUE ? "+inf" : Long.toString(max)).arg("-inf")
                .arg("WITHSCORES").arg("LIMIT").arg(offset).arg(chunk))
            .map(DeliveryLog::scored)
            .compose(items -> withStatus(partition, items, filter).map(kept -> {
                for (Map.Entry<String, Long> e : kept) {
                    boolean after = afterId == null || e.getValue() < max
                        || (e.getValue() == max && e.getKey().compareTo(afterId) < 0);
                    if (after && found.size() < limit) {
                        found.add(e);
                    }
                }
                return items.size();
            }))
            .compose(read -> {
                if (found.size() >= limit || read < chunk) {
                    return Future.succeededFuture(found);
                }
                return listAfter(partition, key, filter, max, afterId, limit, offset + read, found);
            });
    }

    /** The items whose record has the status {@code filter} (all of them without a filter). */
    private Future<List<Map.Entry<String, Long>>> withStatus(int partition, List<Map.Entry<String, Long>> items,
                                                             DeliveryStatus filter) {
        if (filter == null || items.isEmpty()) {
            return Future.succeededFuture(items);
        }
        List<Object> ids = new ArrayList<>(items.size());
        items.forEach(e -> ids.add(e.getKey()));
        return STATUSES.run(redis, List.of(QueueKeys.deliveries(partition)), ids).map(r -> {
            List<Map.Entry<String, Long>> kept = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                Response st = r.get(i);
                if (st != null && filter.value().equals(st.toString())) {
                    kept.add(items.get(i));
                }
            }
            return kept;
        });
    }

    private static List<Map.Entry<String, Long>> scored(Response r) {
        List<Map.Entry<String, Long>> out = new ArrayList<>();
        if (r == null) {
            return out;
        }
        for (int i = 0; i < r.size(); i++) {
            Response item = r.get(i);
            if (item.type() == ResponseType.MULTI) {
                // RESP3: [member, score] pairs
                out.add(Map.entry(item.get(0).toString(), item.get(1).toLong()));
            } else {
                out.add(Map.entry(item.toString(), Double.valueOf(r.get(i + 1).toString()).longValue()));
                i++;
            }
        }
        return out;
    }
}
