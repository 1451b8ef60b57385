package io.hookgate.events;

/**
 * An event name or subscription that does not fit the grammar or the catalogue.
 *
 * <p>The message is meant for people (it ends up in a 400 answer): it names the offending entry,
 * the offending part and what was expected there.
 */
public final class InvalidEventException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String event;

    InvalidEventException(String event, String message) {
        super(message);
        this.event = event;
    }

    /** The event name or subscription string that was refused (may be {@code null}). */
    public String event() {
        return event;
    }
}
