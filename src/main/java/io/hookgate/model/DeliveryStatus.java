package io.hookgate.model;

import java.util.Arrays;
import java.util.Optional;

/** Where a delivery stands. {@link #DELIVERED} and {@link #FAILED} are final until someone replays it. */
public enum DeliveryStatus {
    PENDING("pending"),
    DELIVERED("delivered"),
    RETRYING("retrying"),
    PARKED("parked"),
    FAILED("failed");

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
