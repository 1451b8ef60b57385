package io.hookgate.bus;

import io.hookgate.model.EventRecord;
import io.hookgate.model.Webhook;

/**
 * One try of one delivery, handed by the store's delivery pump to a dispatcher.
 *
 * @param deliveryId    the Standard Webhooks {@code webhook-id}: one per (event, webhook), stable across tries
 * @param eventsHeader  the event's whole expansion joined with {@code ,} ({@code X-Appwrite-Webhook-Events})
 */
public record DeliveryJob(String deliveryId, Webhook webhook, EventRecord event, String eventsHeader) {
}
