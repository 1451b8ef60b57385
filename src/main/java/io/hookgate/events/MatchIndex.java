package io.hookgate.events;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which webhooks receive an event: an inverted index from subscribed event string to webhook IDs.
 *
 * <p>Matching is exact string equality between a subscription and a string of the event's
 * expansion (contract section 1, "Matching"); {@code *} works because the expansion writes it
 * out. So {@link #match} does one hash look-up per expansion string and its cost grows with the
 * expansion and the webhooks that match, never with the number of webhooks held.
 *
 * <p>Not thread-safe: one verticle owns an instance and applies subscription changes on its own
 * thread.
 */
public final class MatchIndex {

    /** Subscribed event -> webhook IDs, in the order they were put. */
    private final Map<String, Set<String>> webhooksByEvent = new HashMap<>();
    /** Webhook ID -> its subscribed events, to undo a webhook's entries on remove or replace. */
    private final Map<String, Set<String>> eventsByWebhook = new HashMap<>();

    /**
     * Sets the subscriptions of {@code webhookId}, replacing any it had. An empty collection keeps
     * the webhook in the index (it counts in {@link #size()}) but it matches nothing.
     */
    public void put(String webhookId, Collection<String> subscribedEvents) {
        Objects.requireNonNull(webhookId, "webhookId");
        Set<String> events = new LinkedHashSet<>(subscribedEvents);
        if (events.contains(null)) {
            throw new NullPointerException("subscribed events of " + webhookId + " contain null");
        }
        remove(webhookId);
        eventsByWebhook.put(webhookId, events);
        for (String event : events) {
            webhooksByEvent.computeIfAbsent(event, e -> new LinkedHashSet<>()).add(webhookId);
        }
    }

    /** Forgets {@code webhookId}; nothing happens if it is not held. */
    public void remove(String webhookId) {
        Set<String> events = eventsByWebhook.remove(webhookId);
        if (events == null) {
            return;
        }
        for (String event : events) {
            Set<String> webhooks = webhooksByEvent.get(event);
            webhooks.remove(webhookId);
            if (webhooks.isEmpty()) {
                webhooksByEvent.remove(event);
            }
        }
    }

    /**
     * The webhooks subscribed to any string of {@code expansion}, each once, in the order of
     * first match: by expansion string, then by the order the webhooks were put.
     *
     * @return an unmodifiable set, empty when nothing matches
     */
    public Set<String> match(List<String> expansion) {
        Set<String> matched = null;
        for (String event : expansion) {
            Set<String> webhooks = webhooksByEvent.get(event);
            if (webhooks != null) {
                if (matched == null) {
                    matched = new LinkedHashSet<>();
                }
                matched.addAll(webhooks);
            }
        }
        return matched == null ? Set.of() : Collections.unmodifiableSet(matched);
    }

    /** Number of webhooks held. */
    public int size() {
        return eventsByWebhook.size();
    }
}
