package io.hookgate.redis;

import io.hookgate.model.DeliveryStatus;

/**
 * The Redis data model of the delivery queue, sharded over N partitions. Every key of partition n
 * shares the hash tag {@code {q<n>}}, so each script of the queue touches one Redis Cluster slot. An
 * event, all its deliveries and their records live in one partition.
 *
 * <pre>
 * hg:{qN}:events              stream  accepted events not yet fanned out: id, pr (project), nm (name),
 *                                     us (user ID), at (accepted, epoch ms), pl (payload bytes as ingested),
 *                                     rq (request ID); with recordLayout 4 all but pl packed in one field,
 *                                     e = "id|pr|nm|at|us|rq" (StreamEntry reads both); consumer group
 *                                     "fanout", read with NOACK (no pending
 *                                     entries). The entry is the event until its fan-out deletes it: the event
 *                                     then moves into its deliveries' records (first tries: a copy in each),
 *                                     or into an event hash (several deliveries through the deliveries stream)
 * hg:{qN}:events:sweep        list    "ID TIME": the group's last-delivered ID as seen at a time, oldest first;
 *                                     how the sweep finds events read and never finished (sweep_events)
 * hg:{qN}:events:moved        zset    old IDs of the entries the sweep put back at the stream's end, by the
 *                                     time (kept a day): a fan-out that meets one of them records nothing
 *                                     (lua/lib/indexes.lua, takeEntries)
 * hg:{qN}:ev:PID:EID          hash    an event with several deliveries: pr, nm, us, at, pl, rq, refs (the
 *                                     records that still point at it; the hash goes with the last one);
 *                                     TTL deliveryRetentionSeconds + 1 day as a safety net
 * hg:{qN}:idem:PID:KEY        string  the event ID first accepted under an idempotency key; TTL = window
 * hg:{qN}:deliveries          stream  tries to make now: dl (delivery ID), wh, ev, pr, s (retry step);
 *                                     consumer group "dispatch"
 * hg:{qN}:dl:DID              string  a delivery (no TTL: retention removes it), one value laid out by
 *                                     {@link RecordFormat}: id, wh, pr, ev, nm, st (status), at (created),
 *                                     up (updated), nx (next try, 0 when none), n (tries made), s (retry
 *                                     step), t (the newest try as JSON: a first try that succeeds needs no
 *                                     list), so (1 when it is its event's only delivery: the event lives in
 *                                     it, as us, ea (accepted), pl and rq, and goes with it)
 * hg:{qN}:dl:DID:tries        list    the older tries, newest first, as JSON (at most 49)
 * hg:{qN}:retries             zset    delivery IDs due again, scored by due time (epoch ms)
 * hg:{qN}:parked:PID:WID      zset    deliveries parked while their webhook is disabled, by creation time
 * hg:{qN}:open                set     PID:WID of the webhooks that may have retrying, parked or held records (added
 *                                     to when one becomes so, removed when the fan-out finds none): only those
 *                                     have a delivered index; the circuits' check walks it for held records
 * hg:{qN}:whd:PID:WID         zset    every retained delivery of a webhook, by creation time
 * hg:{qN}:aged                zset    PID:WID of every webhook with records in the partition, scored by its oldest
 *                                     record's creation time or earlier: retention by age visits only those
 *                                     past the retention (lua/trim_aged.lua; see lua/lib/retention.lua)
 * hg:{qN}:whl:PID:WID         list    the webhook's archive: the records of its first tries delivered while it
 *                                     was outside 'open', written once, each an item "AT:DID:RECORD" in creation
 *                                     order (AT: epoch ms), oldest first, the record without what the item and
 *                                     this key say (recordLayout 4, RecordFormat; see lua/lib/archive.lua); they
 *                                     have no key of their own and no entry in whd. Items "AT:DID" were written
 *                                     by recordLayout 3, their records in wha
 * hg:{qN}:wha:PID:WID         hash    recordLayout 3's records of whl's items "AT:DID", by delivery ID, without
 *                                     the project and webhook this key names
 * hg:{qN}:tails               hash    PID:WID of each webhook whose archive was ever given a record, for the
 *                                     maintenance walk; its value is an "AT:DID" of the archive (recordLayout 3
 *                                     writes the newest on every call, which replicas of the version before
 *                                     read to append in order; this version reads the list's last item)
 * hg:{qN}:whd:PID:WID:STATUS  zset    the same, per status (retrying, parked, failed). Pending ones have no index
 *                                     of their own, and delivered ones only those delivered while the webhook
 *                                     had retrying or parked records (retention needs them; see
 *                                     lua/lib/indexes.lua, move): both are listed from the index above, by status
 * </pre>
 *
 * Stream entries are acknowledged and deleted by the script that records their outcome, so the
 * streams hold only unfinished work. A delivery record (a key of its own or in an archive) leaves when
 * its webhook has more than {@code deliveryRetentionCount} finished ones (trimmed in batches, once a
 * sixteenth over: see trim in {@code lua/lib/retention.lua}) or it is older than
 * {@code deliveryRetentionSeconds} (the maintenance loop's {@code lua/trim_aged.lua}, within seconds).
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

    /** The sweep's snapshots of what the events' group handed out when (lua/sweep_events.lua). */
    public static String eventsSweep(int partition) {
        return events(partition) + ":sweep";
    }

    /** The entries the sweep put back, by their old IDs (lua/sweep_events.lua; takeEntries reads it). */
    public static String eventsMoved(int partition) {
        return events(partition) + ":moved";
    }

    public static String deliveries(int partition) {
        return tag(partition) + "deliveries";
    }

    public static String retries(int partition) {
        return tag(partition) + "retries";
    }

    /**
     * An event's hash. Event IDs are chosen by the platform (its {@code $id}) and are unique within a
     * project only: the key holds the project, so two projects' events never share one.
     */
    public static String event(int partition, String projectId, String eventId) {
        return tag(partition) + "ev:" + projectId + ":" + eventId;
    }

    public static String delivery(int partition, String deliveryId) {
        return tag(partition) + "dl:" + deliveryId;
    }

    public static String tries(int partition, String deliveryId) {
        return delivery(partition, deliveryId) + ":tries";
    }

    public static String webhookDeliveries(int partition, String projectId, String webhookId) {
        return tag(partition) + "whd:" + projectId + ":" + webhookId;
    }

    /** recordLayout 3's records of a webhook's archive, by delivery ID (see the class comment). */
    public static String archive(int partition, String projectId, String webhookId) {
        return tag(partition) + "wha:" + projectId + ":" + webhookId;
    }

    /** The webhooks (PID:WID) whose archive was ever given a record (see the class comment). */
    public static String tails(int partition) {
        return tag(partition) + "tails";
    }

    /** A webhook's archive: "AT:DID:RECORD" items in creation order (see the class comment). */
    public static String archiveOrder(int partition, String projectId, String webhookId) {
        return tag(partition) + "whl:" + projectId + ":" + webhookId;
    }

    public static String webhookDeliveries(int partition, String projectId, String webhookId, DeliveryStatus status) {
        return webhookDeliveries(partition, projectId, webhookId) + ":" + status.value();
    }

    public static String aged(int partition) {
        return tag(partition) + "aged";
    }

    public static String open(int partition) {
        return tag(partition) + "open";
    }

    public static String parked(int partition, String projectId, String webhookId) {
        return tag(partition) + "parked:" + projectId + ":" + webhookId;
    }
}
