package io.hookgate.bus;

import java.util.List;

/** The outcomes of the tries that ended in one turn of a dispatcher's event loop (see {@link DispatchBatch}). */
public record TryOutcomes(List<TryOutcome> outcomes) {
    public TryOutcomes {
        outcomes = List.copyOf(outcomes);
    }
}
