package io.hookgate.events;

import java.util.List;

/**
 * Hookgate's own events about a project's webhooks, delivered to its operational webhooks (never to
 * the platform's webhooks: they are not in the catalogue, so no webhook can subscribe to them and no
 * platform can send them). Each expands to itself.
 */
public final class Notices {
    /** A webhook's circuit opened: its tries keep failing, its new deliveries are held. */
    public static final String FAILING = "webhook.failing";
    /** A webhook's circuit closed: a probe succeeded, what was held is being sent. */
    public static final String RECOVERED = "webhook.recovered";
    /** A webhook was disabled by its failures (or a 410 Gone). */
    public static final String DISABLED = "webhook.disabled";
    /** Every notice, in the order an operational webhook lists them by default. */
    public static final List<String> ALL = List.of(FAILING, RECOVERED, DISABLED);

    private Notices() {
    }

    public static boolean isNotice(String name) {
        return ALL.contains(name);
    }
}
