package io.hookgate.engine;

import io.hookgate.model.Webhook;
import io.hookgate.redis.EntryFields;
import io.hookgate.redis.EventQueue;
import io.hookgate.redis.StreamEntry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The first tries that the {@link DeliveryPump} started straight from the fan-out, per events-stream
 * entry: the outcomes of one event's tries are handed to the {@link Recorder} together, once the last
 * has ended, because the script that records them deletes the event's entry (and a replica that dies
 * before leaves the event to be swept up whole). Owned by the store verticle's event loop.
 */
final class FirstTryGroups {
    private final Recorder recorder;
    /** Per partition, the groups by events-stream entry ID. */
    private final List<Map<String, Group>> partitions = new ArrayList<>();

    private static final class Group {
        final int expected;
        final List<EventQueue.Completion> done;
        final Promise<Void> written = Promise.promise();

        Group(int expected) {
            this.expected = expected;
            this.done = new ArrayList<>(expected);
        }
    }

    /** A first try to start: the delivery's ID and its webhook. */
    record FirstTry(String deliveryId, Webhook webhook) {
    }

    FirstTryGroups(Recorder recorder, int partitions) {
        this.recorder = recorder;
        for (int p = 0; p < partitions; p++) {
            this.partitions.add(new HashMap<>());
        }
    }

    /** Whether the tries of this events-stream entry are under way here. */
    boolean holds(StreamEntry event) {
        return event.partition() < partitions.size() && partitions.get(event.partition()).containsKey(event.id());
    }

    /** Starts the group of an event's {@code tries} first tries. */
    void begin(StreamEntry event, int tries) {
        partitions.get(event.partition()).put(event.id(), new Group(tries));
    }

    /**
     * The stream entry of one first try: the delivery's fields, as a deliveries-stream entry would have
     * them, under the event's entry ID.
     */
    static StreamEntry entry(StreamEntry event, String deliveryId, Webhook webhook, EventCache.Entry ev, long createdAt) {
        EntryFields fields = new EntryFields();
        fields.put("dl", deliveryId);
        fields.put("wh", webhook.id());
        fields.put("ev", event.field("id"));
        fields.put("pr", webhook.projectId());
        fields.put("nm", event.field("nm"));
        fields.put("s", "0");
        fields.put("at", Long.toString(createdAt));
        return new StreamEntry(event.partition(), event.id(), fields, ev.event(), true);
    }

    /** A first try's outcome; completes once its event's outcomes are all recorded. */
    Future<Void> ended(EventQueue.Completion completion) {
        StreamEntry entry = completion.entry();
        Map<String, Group> groups = partitions.get(entry.partition());
        Group group = groups.get(entry.id());
        group.done.add(completion);
        if (group.done.size() == group.expected) {
            recorder.recordAll(group.done).onComplete(x -> {
                groups.remove(entry.id());
                group.written.complete();
            });
        }
        return group.written.future();
    }
}
