package io.hookgate.model;

import java.util.Arrays;
import java.util.Optional;

/** What a project API key may do. */
public enum Scope {
    WEBHOOKS_READ("webhooks.read"),
    WEBHOOKS_WRITE("webhooks.write"),
    EVENTS_WRITE("events.write");

    private final String value;

    Scope(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public static Optional<Scope> of(String value) {
        return Arrays.stream(values()).filter(s -> s.value.equals(value)).findFirst();
    }
}
