package io.hookgate.bus;

import io.hookgate.model.EventRecord;
import io.hookgate.model.Webhook;

/**
 * One try of one delivery, handed by the store's delivery pump to a dispatcher (in a {@link DispatchBatch}).
 *
 * @param tryId         the pump's number for this try: its {@link TryOutcome} names it
 * @param deliveryId    the Standard Webhooks {@code webhook-id}: one per (event, webhook), stable across tries
 * @param eventsHeader  the event's whole expansion joined with {@code ,} ({@code X-Appwrite-Webhook-Events})
 */
public record DeliveryJob(long tryId, String deliveryId, Webhook webhook, EventRecord event, String eventsHeader) {
}
