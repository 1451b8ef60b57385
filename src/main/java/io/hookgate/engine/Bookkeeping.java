package io.hookgate.engine;

import io.hookgate.bus.DeliveryOutcome;
import io.hookgate.events.Notices;
import io.hookgate.index.Subscriptions;
import io.hookgate.model.Webhook;
import io.hookgate.policy.OutcomePolicy;
import io.hookgate.redis.DeliveryLog;
import io.hookgate.redis.WebhookRepository;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A try's mark on its webhook. Appwrite's fields: a success sets {@code attempts} back to 0; a failure
 * adds one and replaces {@code logs}; a refused target leaves both alone. Hookgate's failure state, as the {@link OutcomePolicy} says: the
 * streak's start ({@code failingSince}), the circuit (opened after {@code circuitOpenAfter} failures in
 * a row, closed by the first success, whose held deliveries then go out), its one probe at a time (a
 * lease in Redis, shared by every replica), and disabling (which parks the webhook's retrying
 * deliveries). This replica's index follows at once; the others through the change feed.
 */
final class Bookkeeping {
    private static final Logger LOG = LoggerFactory.getLogger(Bookkeeping.class);
    /**
     * While a probe is under way, a retry that comes due asks again this much later: soon after the probe
     * closes the circuit, without asking Redis for every waiting retry many times a second.
     */
    private static final long PROBE_RECHECK_MS = 1_000;
    /** The line a 410 adds to the webhook's {@code logs}. */
    static final String GONE_NOTE = "Disabled: the receiver answered 410 Gone, which says the endpoint is gone for good.\n";

    private final Subscriptions subscriptions;
    private final WebhookRepository webhooks;
    private final DeliveryLog log;
    private final OutcomePolicy policy;
    private final NoticeSender notices;
    private final long probeLeaseMs;

    Bookkeeping(Subscriptions subscriptions, WebhookRepository webhooks, DeliveryLog log, OutcomePolicy policy,
                NoticeSender notices, long probeLeaseMs) {
        this.subscriptions = subscriptions;
        this.webhooks = webhooks;
        this.log = log;
        this.policy = policy;
        this.notices = notices;
        this.probeLeaseMs = probeLeaseMs;
    }

    /**
     * Whether a try of this webhook may go now (see {@code lua/probe_acquire.lua}): its circuit is closed,
     * or this try takes (or already holds, {@code token}) the one probe's lease; else when to ask again.
     */
    Future<WebhookRepository.Probe> mayTry(Webhook w, String token) {
        return webhooks.acquireProbe(w.projectId(), w.id(), token, System.currentTimeMillis(), probeLeaseMs,
            PROBE_RECHECK_MS);
    }

    /** Gives back a probe's lease that was taken for nothing (no held delivery to send). */
    Future<Void> releaseProbe(Webhook w, String token) {
        return webhooks.releaseProbe(w.projectId(), w.id(), token);
    }

    /**
     * Records the try on its webhook; answers whether the webhook is enabled afterwards.
     *
     * @param probeToken the probe's lease token when this try was the circuit's probe, else ""
     */
    Future<Boolean> record(Webhook w, DeliveryOutcome outcome, String probeToken) {
        if (outcome instanceof DeliveryOutcome.Delivered) {
            return succeeded(w, probeToken);
        }
        if (outcome instanceof DeliveryOutcome.Refused) {
            return refused(w, probeToken);
        }
        DeliveryOutcome.Failed failed = (DeliveryOutcome.Failed) outcome;
        // A 410 disables the webhook at once (under hold); its logs say why, below Appwrite's usual text.
        boolean gone = policy.gone(failed);
        String logs = gone ? failed.logs() + GONE_NOTE : failed.logs();
        WebhookRepository.Failure f = new WebhookRepository.Failure(logs, System.currentTimeMillis(),
            policy.maxFailedAttempts(), policy.disableAfterMs(), policy.circuitOpenAfter(), policy.probeStepsMs(),
            probeToken, gone);
        return webhooks.recordFailure(w.projectId(), w.id(), f).compose(book -> {
            if (book.isEmpty()) {
                // The webhook is gone.
                return Future.succeededFuture(false);
            }
            WebhookRepository.Bookkeeping b = book.get();
            Webhook known = subscriptions.webhook(w.projectId(), w.id());
            boolean open = b.enabled() && (b.openedNow() || (known != null && known.health().circuitOpen()));
            subscriptions.bookkeeping(w.projectId(), w.id(), b.enabled(), logs, b.attempts(),
                new Webhook.Health(b.failingSince(), open));
            if (b.openedNow()) {
                LOG.warn("webhook {} of project {} failing: circuit open after {} failed tries in a row (last: {});"
                    + " new deliveries are held", w.id(), w.projectId(), b.attempts(), failed.describe());
                notices.send(w, Notices.FAILING, "failing", b.attempts(), b.failingSince(), logs);
            }
            if (b.disabledNow()) {
                LOG.warn("webhook {} of project {} disabled after {} failed tries in a row{} (last: {})", w.id(),
                    w.projectId(), b.attempts(), gone ? " (410 Gone)" : "", failed.describe());
                notices.send(w, Notices.DISABLED, "disabled", b.attempts(), b.failingSince(), logs);
                return log.parkRetrying(w.projectId(), w.id()).map(false);
            }
            return Future.succeededFuture(b.enabled());
        });
    }

    /**
     * A refused target: no request went out, so, as in Appwrite (whose worker returns before the request),
     * the webhook's {@code attempts}, {@code logs} and failure state stay as they are; the delivery's try
     * record keeps the refusal. A probe that was refused gives its lease back for the next one.
     */
    private Future<Boolean> refused(Webhook w, String probeToken) {
        Webhook known = subscriptions.webhook(w.projectId(), w.id());
        boolean enabled = known == null ? w.enabled() : known.enabled();
        if (probeToken.isEmpty()) {
            return Future.succeededFuture(enabled);
        }
        return releaseProbe(w, probeToken).map(enabled);
    }

    private Future<Boolean> succeeded(Webhook w, String probeToken) {
        Webhook known = subscriptions.webhook(w.projectId(), w.id());
        if (probeToken.isEmpty() && known != null && known.attempts() == 0 && !known.health().circuitOpen()) {
            return Future.succeededFuture(true);
        }
        return webhooks.recordSuccess(w.projectId(), w.id(), probeToken).compose(closed -> {
            if (known != null) {
                subscriptions.bookkeeping(w.projectId(), w.id(), known.enabled(), known.logs(), 0,
                    Webhook.Health.HEALTHY);
            }
            if (!closed) {
                return Future.succeededFuture(true);
            }
            notices.send(w, Notices.RECOVERED, "healthy", 0, 0, known == null ? "" : known.logs());
            return log.unhold(w.projectId(), w.id()).map(n -> {
                LOG.info("webhook {} of project {} recovered: circuit closed, {} held deliveries sent out", w.id(),
                    w.projectId(), n);
                return true;
            });
        });
    }
}
