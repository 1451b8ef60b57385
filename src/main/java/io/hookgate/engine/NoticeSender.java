package io.hookgate.engine;

import io.hookgate.events.Notices;
import io.hookgate.model.EventRecord;
import io.hookgate.model.Ids;
import io.hookgate.model.Timestamps;
import io.hookgate.model.Webhook;
import io.hookgate.redis.EventQueue;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hookgate's notices about a webhook ({@link Notices}): accepted into the project's events stream like
 * any event, so the project's operational webhooks get them through the same durable path (signed,
 * retried, recorded). The payload is Standard Webhooks' shape: {@code {"type", "timestamp", "data"}}.
 * No notice is made about an operational webhook: a failing notice receiver must not notify itself.
 */
final class NoticeSender {
    private static final Logger LOG = LoggerFactory.getLogger(NoticeSender.class);

    private final EventQueue queue;

    NoticeSender(EventQueue queue) {
        this.queue = queue;
    }

    /**
     * Sends the notice {@code type} about {@code about}, with its state after the try that caused it.
     *
     * @param failingSince the start of its failure streak (0: none)
     * @param lastFailure its {@code logs}: the last failure, Appwrite's text
     */
    void send(Webhook about, String type, String status, int attempts, long failingSince, String lastFailure) {
        if (about.operational()) {
            return;
        }
        long now = System.currentTimeMillis();
        JsonObject data = new JsonObject()
            .put("webhookId", about.id())
            .put("projectId", about.projectId())
            .put("name", about.name())
            .put("status", status)
            .put("attempts", attempts)
            .put("failingSince", failingSince == 0 ? "" : Timestamps.format(failingSince))
            .put("lastFailure", lastFailure);
        byte[] payload = new JsonObject().put("type", type).put("timestamp", Timestamps.format(now)).put("data", data)
            .encode().getBytes(StandardCharsets.UTF_8);
        EventRecord event = new EventRecord(Ids.unique(), about.projectId(), type, "", payload, now, "");
        queue.ingest(about.projectId(), List.of(new EventQueue.NewEvent(event, ""))).onFailure(err ->
            LOG.warn("notice {} about webhook {} of project {} not sent: {}", type, about.id(), about.projectId(),
                err.getMessage()));
    }
}
