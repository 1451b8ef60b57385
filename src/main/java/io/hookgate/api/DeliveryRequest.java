package io.hookgate.api;

import io.hookgate.bus.Replies;
import io.hookgate.model.Webhook;
import io.hookgate.signing.AppwriteSignature;
import io.hookgate.signing.StandardWebhooksSignature;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;

/**
 * The request a try of a delivery sends, rebuilt for people reading it (the console's delivery
 * view): the headers of {@code dispatch/DispatcherVerticle} but {@code User-Agent}, and the body.
 * Delivery records keep no request headers (they would double the hot path's writes), so this is
 * computed from the webhook as it is now (URL, name, credentials, secrets), the event, and the second
 * of the newest try: the signatures are what a try at that second signs. The Standard Webhooks
 * timestamp is that try's start, which the dispatcher reads again a moment later, so a try that
 * began right at the end of a second carried the next one.
 */
final class DeliveryRequest {
    private DeliveryRequest() {
    }

    /** {@code nowMs}: the time used when the delivery has had no try yet (what a try now would send). */
    static JsonObject of(Webhook w, Replies.DeliveryDetail detail, long nowMs) {
        long seconds = newestTryMs(detail).orElse(nowMs) / 1000;
        byte[] body = detail.payload();
        String deliveryId = detail.delivery().id();
        JsonObject headers = new JsonObject()
            .put("Content-Type", "application/json")
            .put("X-Appwrite-Webhook-Id", w.id())
            .put("X-Appwrite-Webhook-Events", String.join(",", detail.expansion()))
            .put("X-Appwrite-Webhook-Name", w.name())
            .put("X-Appwrite-Webhook-User-Id", detail.userId() == null ? "" : detail.userId())
            .put("X-Appwrite-Webhook-Project-Id", w.projectId());
        if (body != null) {
            headers.put("X-Appwrite-Webhook-Signature", AppwriteSignature.sign(w.url(), body, w.secret()));
        }
        if (!w.authUsername().isEmpty() && !w.authPassword().isEmpty()) {
            headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                (w.authUsername() + ":" + w.authPassword()).getBytes(StandardCharsets.UTF_8)));
        }
        headers.put("webhook-id", deliveryId).put("webhook-timestamp", Long.toString(seconds));
        if (body != null) {
            List<byte[]> keys = w.signingSecrets(seconds * 1000).stream()
                .map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
            headers.put("webhook-signature", StandardWebhooksSignature.header(deliveryId, seconds, body, keys));
        }
        return new JsonObject()
            .put("method", "POST")
            .put("url", w.url())
            .put("timestamp", seconds)
            .put("headers", headers)
            // null when the event's payload is gone (expired): nothing was, or can be, signed then.
            .put("body", body == null ? null : new String(body, StandardCharsets.UTF_8));
    }

    /** The start of the newest try (tries are kept newest first), if any. */
    private static OptionalLong newestTryMs(Replies.DeliveryDetail detail) {
        List<String> tries = detail.delivery().triesJson();
        if (tries.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            String at = new JsonObject(tries.get(0)).getString("$createdAt", "");
            return OptionalLong.of(OffsetDateTime.parse(at).toInstant().toEpochMilli());
        } catch (DateTimeParseException | DecodeException e) {
            return OptionalLong.empty();
        }
    }
}
