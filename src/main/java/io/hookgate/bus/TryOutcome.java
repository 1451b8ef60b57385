package io.hookgate.bus;

/** What the try numbered {@code tryId} (a {@link DeliveryJob}'s) came to. */
public record TryOutcome(long tryId, DeliveryOutcome outcome) {
}
