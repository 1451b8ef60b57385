package io.hookgate.events;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 * <p>Held compactly, since a replica holds every webhook of every project: a subscription string that
 * one webhook has maps to that webhook's ID itself, only a shared one to a set; a webhook's own
 * subscriptions are an array; and one instance of each subscription string serves every webhook that has
 * it ({@link #put} answers those instances, for the caller to keep instead of its copies). With 100 000
 * webhooks of mixed subscriptions (the benchmark's matching scenario), the gateway's live heap after a full
 * collection went from 281-290 MB (217-231 MB with the event cache's fix alone) to 146-170 MB with this
 * and the shared strings of SubscriptionIndex.
 *
 * <p>Not thread-safe: one verticle owns an instance and applies subscription changes on its own
 * thread.
 */
public final class MatchIndex {
    private static final String[] NONE = new String[0];

    /** Subscribed event -> the webhook ID (a String) when one webhook has it, else a LinkedHashSet of IDs in put order. */
    private final Map<String, Object> webhooksByEvent = new HashMap<>();
    /** Webhook ID -> its distinct subscribed events, to undo its entries on remove or replace. */
    private final Map<String, String[]> eventsByWebhook = new HashMap<>();

    /**
     * Sets the subscriptions of {@code webhookId}, replacing any it had. An empty collection keeps
     * the webhook in the index (it counts in {@link #size()}) but it matches nothing.
     *
     * @return the subscribed events in the order given, each as the index's own instance of that string
     */
    public List<String> put(String webhookId, Collection<String> subscribedEvents) {
        Objects.requireNonNull(webhookId, "webhookId");
        for (String event : subscribedEvents) {
            if (event == null) {
                throw new NullPointerException("subscribed events of " + webhookId + " contain null");
            }
        }
        remove(webhookId);
        Map<String, String> own = new LinkedHashMap<>();
        for (String event : subscribedEvents) {
            own.computeIfAbsent(event, e -> add(e, webhookId));
        }
        eventsByWebhook.put(webhookId, own.isEmpty() ? NONE : own.values().toArray(NONE));
        List<String> canonical = new ArrayList<>(subscribedEvents.size());
        for (String event : subscribedEvents) {
            canonical.add(own.get(event));
        }
        return Collections.unmodifiableList(canonical);
    }

    /** Adds webhookId under event (once); answers the index's instance of the event string. */
    @SuppressWarnings("unchecked")
    private String add(String event, String webhookId) {
        Object held = webhooksByEvent.get(event);
        if (held == null) {
            webhooksByEvent.put(event, webhookId);
            return event;
        }
        String own = keyOf(event, held);
        if (held instanceof String single) {
            if (!single.equals(webhookId)) {
                LinkedHashSet<String> set = new LinkedHashSet<>(4);
                set.add(single);
                set.add(webhookId);
                webhooksByEvent.put(own, set);
            }
        } else {
            ((Set<String>) held).add(webhookId);
        }
        return own;
    }

    /** The key instance under which event is held (a look-up by an equal string answers the value, not the key). */
    private String keyOf(String event, Object held) {
        String[] events = eventsByWebhook.get(held instanceof String single ? single
            : ((Set<?>) held).iterator().next().toString());
        if (events != null) {
            for (String e : events) {
                if (e.equals(event)) {
                    return e;
                }
            }
        }
        return event;
    }

    /** Forgets {@code webhookId}; nothing happens if it is not held. */
    public void remove(String webhookId) {
        String[] events = eventsByWebhook.remove(webhookId);
        if (events == null) {
            return;
        }
        for (String event : events) {
            Object held = webhooksByEvent.get(event);
            if (held instanceof Set<?> set) {
                set.remove(webhookId);
                if (set.size() == 1) {
                    webhooksByEvent.put(event, set.iterator().next());
                }
            } else if (held != null) {
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
    @SuppressWarnings("unchecked")
    public Set<String> match(List<String> expansion) {
        Set<String> matched = null;
        for (String event : expansion) {
            Object held = webhooksByEvent.get(event);
            if (held != null) {
                if (matched == null) {
                    matched = new LinkedHashSet<>();
                }
                if (held instanceof String single) {
                    matched.add(single);
                } else {
                    matched.addAll((Set<String>) held);
                }
            }
        }
        return matched == null ? Set.of() : Collections.unmodifiableSet(matched);
    }

    /** Number of webhooks held. */
    public int size() {
        return eventsByWebhook.size();
    }
}
