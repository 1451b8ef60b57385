package io.hookgate.store;

import io.hookgate.bus.ErrorCode;
import io.hookgate.bus.Replies;
import io.hookgate.bus.RequestFailure;
import io.hookgate.bus.StoreRequest;
import io.hookgate.events.ExpansionCache;
import io.hookgate.events.InvalidEventException;
import io.hookgate.model.DeliveryRecord;
import io.hookgate.model.DeliveryStatus;
import io.hookgate.redis.DeliveryLog;
import io.hookgate.redis.EventQueue;
import io.vertx.core.Future;
import java.util.List;

/**
 * The deliveries API's side of the store: one delivery with its tries and its event's payload, a
 * webhook's deliveries newest first, and replays (retry one now, recover the failed ones since a time).
 * Each checks first that the webhook exists in the caller's project, and that a delivery is that
 * webhook's.
 */
final class DeliveryQueries {
    private final AdminService admin;
    private final DeliveryLog log;
    private final EventQueue queue;
    private final ExpansionCache expansions;

    DeliveryQueries(AdminService admin, DeliveryLog log, EventQueue queue, ExpansionCache expansions) {
        this.admin = admin;
        this.log = log;
        this.queue = queue;
        this.expansions = expansions;
    }

    Future<Replies.DeliveryPage> list(StoreRequest.ListDeliveries r) {
        DeliveryStatus status = r.status() == null ? null : DeliveryStatus.of(r.status()).orElseThrow(() ->
            new RequestFailure(ErrorCode.ARGUMENT_INVALID, "Invalid `status` param: one of pending, delivered, retrying,"
                + " parked, failed."));
        return admin.requireWebhook(r.projectId(), r.webhookId())
            .compose(w -> log.list(r.projectId(), r.webhookId(), status, r.limit(), r.cursor()))
            .compose(page -> {
                List<Future<Replies.DeliveryDetail>> details = page.deliveries().stream().map(d -> detail(d, false))
                    .toList();
                return Future.all(details).map(x -> new Replies.DeliveryPage(
                    details.stream().map(Future::result).toList(), page.nextCursor()));
            });
    }

    Future<Replies.DeliveryDetail> get(StoreRequest.GetDelivery r) {
        return admin.requireWebhook(r.projectId(), r.webhookId())
            .compose(w -> delivery(r.projectId(), r.webhookId(), r.deliveryId(), true));
    }

    /** Sends one delivery again now, with a fresh retry schedule; answers it as it stands then. */
    Future<Replies.DeliveryDetail> retry(StoreRequest.RetryDelivery r) {
        return admin.requireWebhook(r.projectId(), r.webhookId())
            .compose(w -> delivery(r.projectId(), r.webhookId(), r.deliveryId(), false))
            .compose(d -> log.requeue(d.delivery().partition(), r.projectId(), r.webhookId(), List.of(r.deliveryId())))
            .compose(n -> delivery(r.projectId(), r.webhookId(), r.deliveryId(), false));
    }

    Future<Replies.Count> recover(StoreRequest.RecoverDeliveries r) {
        return admin.requireWebhook(r.projectId(), r.webhookId())
            .compose(w -> log.recover(r.projectId(), r.webhookId(), r.sinceMs())).map(Replies.Count::new);
    }

    /** A delivery of this webhook with its event's expansion (and payload and user ID when {@code withPayload}). */
    private Future<Replies.DeliveryDetail> delivery(String projectId, String webhookId, String deliveryId,
                                                    boolean withPayload) {
        return log.delivery(projectId, webhookId, deliveryId).compose(d -> {
            if (d == null || !d.projectId().equals(projectId) || !d.webhookId().equals(webhookId)) {
                throw RequestFailure.deliveryNotFound();
            }
            return detail(d, withPayload);
        });
    }

    private Future<Replies.DeliveryDetail> detail(DeliveryRecord d, boolean withPayload) {
        List<String> expansion = expansionOf(d.eventName());
        if (!withPayload) {
            return Future.succeededFuture(new Replies.DeliveryDetail(d, expansion, null, null));
        }
        return queue.loadEvent(d.partition(), d.projectId(), d.eventId(), d.id(), d.webhookId())
            .map(ev -> new Replies.DeliveryDetail(d, expansion, ev == null ? null : ev.payload(),
                ev == null ? null : ev.userId()));
    }

    private List<String> expansionOf(String eventName) {
        try {
            return expansions.of(eventName).names();
        } catch (InvalidEventException e) {
            return List.of();
        }
    }
}
