package io.hookgate.queue;

/**
 * The Redis data model of the delivery queue, sharded over N partitions. Every key of partition n
 * shares the hash tag {@code {q<n>}}, so each script of the queue touches one Redis Cluster slot; an
 * event and all its deliveries live in one partition.
 *
 * <pre>
 * hg:{qN}:events        stream  accepted events, not yet fanned out: id, pr (project), nm (name),
 *                               us (user ID), at (accepted, epoch ms); consumer group "fanout"
 * hg:{qN}:ev:EID        hash    the event: pr, nm, us, at, pl (payload bytes as ingested), left (its
 *                               deliveries not yet finished; the hash goes when it reaches 0);
 *                               expires after eventRetentionSeconds in any case
 * hg:{qN}:deliveries    stream  deliveries to make: dl (delivery ID), wh (webhook ID), ev, pr;
 *                               consumer group "dispatch"
 * </pre>
 *
 * Stream entries are acknowledged and deleted in the same script that finishes them, so the streams
 * hold only unfinished work.
 */
public final class QueueKeys {
    public static final String FANOUT_GROUP = "fanout";
    public static final String DISPATCH_GROUP = "dispatch";

    private QueueKeys() {
    }

    public static String tag(int partition) {
        return "hg:{q" + partition + "}:";
    }

    public static String events(int partition) {
        return tag(partition) + "events";
    }

    public static String deliveries(int partition) {
        return tag(partition) + "deliveries";
    }

    public static String event(int partition, String eventId) {
        return tag(partition) + "ev:" + eventId;
    }
}
