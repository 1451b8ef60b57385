package io.hookgate.engine;

import io.hookgate.index.Subscriptions;
import io.hookgate.model.Webhook;
import io.hookgate.redis.StreamEntry;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the webhook and the event of the deliveries-stream entries of one read, answering them in the
 * order read: some are at hand and others loaded from Redis, whose replies on several pooled
 * connections come back in any order, and a webhook's tries start in the order of its entries (the
 * deliveries of a re-enabled webhook, oldest first).
 */
final class EntryResolver {
    private final Subscriptions subscriptions;
    private final Events events;

    /**
     * An entry with its webhook and event as found (null when gone); {@code deleted}: the entry was
     * deleted while pending (only its acknowledgement is left to do); {@code failed}: Redis did not answer.
     */
    record Resolved(StreamEntry entry, Webhook webhook, EventCache.Entry event, boolean deleted, boolean failed) {
    }

    EntryResolver(Subscriptions subscriptions, Events events) {
        this.subscriptions = subscriptions;
        this.events = events;
    }

    /** Resolves every entry; the answer, in the entries' order, never fails. */
    Future<List<Resolved>> inOrder(int partition, List<StreamEntry> entries) {
        List<Future<Resolved>> all = new ArrayList<>(entries.size());
        for (StreamEntry e : entries) {
            all.add(resolve(partition, e));
        }
        return Future.join(all).transform(x -> Future.succeededFuture(all.stream().map(Future::result).toList()));
    }

    private Future<Resolved> resolve(int partition, StreamEntry entry) {
        if (entry.fields().isEmpty()) {
            return Future.succeededFuture(new Resolved(entry, null, null, true, false));
        }
        Future<Webhook> webhook = subscriptions.webhookOrLoad(entry.field("pr"), entry.field("wh"));
        Future<EventCache.Entry> event = events.of(partition, entry.field("pr"), entry.field("ev"), entry.field("dl"));
        return Future.join(webhook, event).transform(ar -> Future.succeededFuture(ar.failed()
            ? new Resolved(entry, null, null, false, true)
            : new Resolved(entry, webhook.result(), event.result(), false, false)));
    }
}
