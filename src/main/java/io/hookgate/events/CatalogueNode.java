package io.hookgate.events;

import java.util.Collections;
import java.util.Map;

/**
 * One word of the event tree: a type or sub-type ({@code resource}, an ID follows it), an action,
 * or an action attribute.
 *
 * <p>Every node is also a possible end of a concrete event name, so each carries the expansion
 * plan for names ending on it, computed once when the catalogue is loaded. Nodes are never
 * changed after {@link EventCatalogue} has been built.
 */
final class CatalogueNode {

    /** What a word is, which fixes what may follow it. */
    enum Kind { RESOURCE, ACTION, ATTRIBUTE }

    final String word;
    final Kind kind;
    /** Number of IDs in a concrete name ending on this node (1 to 3). */
    final int idCount;
    /** Children in catalogue order, so error messages list them as the catalogue does. */
    final Map<String, CatalogueNode> children;
    final ExpansionPlan plan;

    CatalogueNode(String word, Kind kind, int idCount, Map<String, CatalogueNode> children, ExpansionPlan plan) {
        this.word = word;
        this.kind = kind;
        this.idCount = idCount;
        this.children = Collections.unmodifiableMap(children);
        this.plan = plan;
    }

    CatalogueNode child(String childWord) {
        return children.get(childWord);
    }

    String childList() {
        return String.join(", ", children.keySet());
    }
}
