package io.hookgate.engine;

import io.hookgate.bus.DeliveryOutcome;
import io.hookgate.index.Subscriptions;
import io.hookgate.model.Webhook;
import io.hookgate.policy.OutcomePolicy;
import io.hookgate.redis.DeliveryLog;
import io.hookgate.redis.WebhookRepository;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A try's mark on its webhook, Appwrite's fields: a success sets {@code attempts} back to 0; a failure
 * adds one and replaces {@code logs}, and disables the webhook at the policy's limit, parking its
 * retrying deliveries. This replica's index follows at once; the others through the change feed.
 */
final class Bookkeeping {
    private static final Logger LOG = LoggerFactory.getLogger(Bookkeeping.class);

    private final Subscriptions subscriptions;
    private final WebhookRepository webhooks;
    private final DeliveryLog log;
    private final OutcomePolicy policy;

    Bookkeeping(Subscriptions subscriptions, WebhookRepository webhooks, DeliveryLog log, OutcomePolicy policy) {
        this.subscriptions = subscriptions;
        this.webhooks = webhooks;
        this.log = log;
        this.policy = policy;
    }

    /** Records the try on its webhook; answers whether the webhook is enabled afterwards. */
    Future<Boolean> record(Webhook w, DeliveryOutcome outcome) {
        if (outcome instanceof DeliveryOutcome.Delivered) {
            Webhook current = subscriptions.webhook(w.projectId(), w.id());
            if (current == null || current.attempts() == 0) {
                return Future.succeededFuture(true);
            }
            subscriptions.bookkeeping(w.projectId(), w.id(), current.enabled(), current.logs(), 0);
            return webhooks.recordSuccess(w.projectId(), w.id()).map(true);
        }
        DeliveryOutcome.Failed failed = (DeliveryOutcome.Failed) outcome;
        return webhooks.recordFailure(w.projectId(), w.id(), failed.logs(), policy.disableAfter(failed)).compose(book -> {
            if (book.isEmpty()) {
                // The webhook is gone.
                return Future.succeededFuture(false);
            }
            subscriptions.bookkeeping(w.projectId(), w.id(), book.get().enabled(), failed.logs(), book.get().attempts());
            if (book.get().disabledNow()) {
                LOG.warn("webhook {} of project {} disabled after {} consecutive failures (last: {})", w.id(),
                    w.projectId(), book.get().attempts(), failed.error());
                return log.parkRetrying(w.projectId(), w.id()).map(false);
            }
            return Future.succeededFuture(book.get().enabled());
        });
    }
}
