package io.hookgate.events;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Expansions of concrete event names by name, with the joined form that a delivery's
 * {@code X-Appwrite-Webhook-Events} header carries. A platform sends many events under few names, so
 * the store expands each name once instead of once per event. Bounded: when {@code maxNames} are held,
 * the next new name starts the cache afresh (no bookkeeping per read). Owned by one event loop: not
 * thread-safe.
 */
public final class ExpansionCache {
    /** A name's expansion (contract section 1) and the expansion joined with commas. */
    public record Expansion(List<String> names, String header) {
    }

    private final EventCatalogue catalogue;
    private final int maxNames;
    private final Map<String, Expansion> byName = new HashMap<>();

    public ExpansionCache(EventCatalogue catalogue, int maxNames) {
        this.catalogue = catalogue;
        this.maxNames = maxNames;
    }

    /**
     * The expansion of a concrete event name.
     *
     * @throws InvalidEventException when the name is not (or no longer) valid in the catalogue
     */
    public Expansion of(String name) {
        Expansion e = byName.get(name);
        if (e != null) {
            return e;
        }
        // Hookgate's notices are not in the catalogue: each expands to itself.
        return keep(name, Notices.isNotice(name) ? List.of(name) : catalogue.expand(name));
    }

    /** Takes an expansion already made (the API expands every event it accepts); answers what is kept. */
    public Expansion put(String name, List<String> names) {
        Expansion e = byName.get(name);
        return e != null ? e : keep(name, names);
    }

    public int size() {
        return byName.size();
    }

    private Expansion keep(String name, List<String> names) {
        if (byName.size() >= maxNames) {
            byName.clear();
        }
        Expansion e = new Expansion(List.copyOf(names), String.join(",", names));
        byName.put(name, e);
        return e;
    }
}
