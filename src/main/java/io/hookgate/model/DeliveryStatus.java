package io.hookgate.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * Where a delivery stands. {@link #DELIVERED}, {@link #FAILED} and {@link #SKIPPED} are final until
 * someone replays it; {@link #HELD} waits for its webhook's circuit to close, {@link #PARKED} for its
 * webhook to be enabled again.
 */
public enum DeliveryStatus {
    PENDING("pending"),
    DELIVERED("delivered"),
    RETRYING("retrying"),
    PARKED("parked"),
    FAILED("failed"),
    HELD("held"),
    SKIPPED("skipped");

    private final String value;

    DeliveryStatus(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public static Optional<DeliveryStatus> of(String value) {
        return Arrays.stream(values()).filter(s -> s.value.equals(value)).findFirst();
    }
}
