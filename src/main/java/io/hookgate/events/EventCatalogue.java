package io.hookgate.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.model.Ids;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalogue of subscribable events (Appwrite's event tree, {@code events.json}): validates
 * concrete event names and subscriptions against it and expands a concrete name into every string
 * a webhook may have subscribed to (contract section 1).
 *
 * <p>A name is read left to right: {@code type.id}, then a word that is either a sub-type (an ID
 * follows) or an action (an attribute may follow), up to three types deep. Which word is which
 * comes from the catalogue, so the grammar never needs to guess. Every node of the tree carries
 * the precomputed expansion for names ending on it (see {@link ExpansionPlan}), so
 * {@link #expand} costs one split, a few map look-ups and the string building.
 *
 * <p>Immutable and thread-safe once built.
 */
public final class EventCatalogue {

    /** At most this many subscribed events per webhook. */
    public static final int MAX_SUBSCRIPTIONS = 100;
    /** At most this many chars per subscribed event. */
    public static final int MAX_SUBSCRIPTION_LENGTH = 255;
    /** The classpath resource {@link #load()} reads. */
    public static final String RESOURCE = "/events.json";

    private static final int MIN_PARTS = 2;
    private static final int MAX_PARTS = 7;
    private static final int MAX_RESOURCE_LEVELS = 3;
    private static final String STAR = "*";

    private final Map<String, CatalogueNode> types;

    private EventCatalogue(Map<String, CatalogueNode> types) {
        this.types = Collections.unmodifiableMap(types);
    }

    /** Loads the catalogue bundled with Hookgate (the classpath resource {@value #RESOURCE}). */
    public static EventCatalogue load() {
        try (InputStream in = EventCatalogue.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("event catalogue " + RESOURCE + " is not on the classpath");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read event catalogue " + RESOURCE, e);
        }
    }

    /**
     * Parses a catalogue in the {@code events.json} format; the stream is read to the end but not
     * closed.
     *
     * @throws IllegalArgumentException if the catalogue does not describe a valid event tree
     * @throws UncheckedIOException if the stream cannot be read
     */
    public static EventCatalogue parse(InputStream in) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read event catalogue", e);
        }
        if (root == null || !root.isObject() || root.isEmpty()) {
            throw new IllegalArgumentException("event catalogue must be a non-empty JSON object");
        }
        Map<String, CatalogueNode> types = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> type : root.properties()) {
            if (!type.getValue().path("resource").asBoolean(false)) {
                throw new IllegalArgumentException("event catalogue: type '" + type.getKey()
                        + "' must be a resource, every event name starts with type.id");
            }
            types.put(type.getKey(), resourceNode(type.getKey(), type.getValue(), List.of()));
        }
        return new EventCatalogue(types);
    }

    /**
     * Validates a concrete event name and returns its expansion, in contract order: the strings a
     * subscription must equal for a webhook to receive the event, and the value of
     * {@code X-Appwrite-Webhook-Events} (joined with {@code ,}).
     *
     * @return an unmodifiable list, never empty, the name itself first when it has no attribute
     * @throws InvalidEventException if the name does not fit the grammar and the catalogue, has a
     *     part that is not an Appwrite ID where an ID belongs, or contains {@code *}
     */
    public List<String> expand(String concreteEventName) {
        String[] ids = new String[MAX_RESOURCE_LEVELS];
        return resolve(concreteEventName, true, ids).plan.render(ids);
    }

    /**
     * Validates a webhook's subscribed events: at most {@value #MAX_SUBSCRIPTIONS} entries, each
     * valid as in {@link #validateSubscription}.
     *
     * @throws InvalidEventException naming the first bad entry
     */
    public void validateSubscriptions(List<String> events) {
        if (events == null) {
            throw new InvalidEventException(null, "events must be a list of event names");
        }
        if (events.size() > MAX_SUBSCRIPTIONS) {
            throw new InvalidEventException(null, "a webhook can subscribe to at most " + MAX_SUBSCRIPTIONS
                    + " events, got " + events.size());
        }
        for (String event : events) {
            validateSubscription(event);
        }
    }

    /**
     * Validates one subscribed event: at most {@value #MAX_SUBSCRIPTION_LENGTH} chars, 2 to 7
     * parts, every word known in its place, any non-empty ID or {@code *} where an ID belongs.
     * So {@code users.*}, {@code users.*.update.email} and
     * {@code databases.*.collections.*.documents.*} are valid; {@code *} and
     * {@code databases.*.*} are not.
     *
     * @throws InvalidEventException naming the entry and the offending part
     */
    public void validateSubscription(String event) {
        if (event != null && event.length() > MAX_SUBSCRIPTION_LENGTH) {
            throw new InvalidEventException(event, "Invalid event \"" + abbreviate(event) + "\": longer than "
                    + MAX_SUBSCRIPTION_LENGTH + " chars (" + event.length() + ")");
        }
        resolve(event, false, null);
    }

    /**
     * Walks the tree along {@code event} and returns the node it ends on. In concrete mode ID parts
     * must be Appwrite IDs and are stored in {@code ids} by level; in subscription mode they may be
     * anything non-empty, {@code *} included.
     */
    private CatalogueNode resolve(String event, boolean concrete, String[] ids) {
        if (event == null || event.isEmpty()) {
            throw new InvalidEventException(event, "Invalid event: the event name is empty");
        }
        String[] parts = split(event);
        CatalogueNode node = types.get(parts[0]);
        if (node == null) {
            throw invalid(event, "unknown type \"" + abbreviate(parts[0]) + "\" (part 1); known types: "
                    + String.join(", ", types.keySet()));
        }
        int i = 1;
        while (true) {
            checkId(event, parts, i, concrete);
            if (ids != null) {
                ids[node.idCount - 1] = parts[i];
            }
            if (++i == parts.length) {
                return node;
            }
            CatalogueNode next = node.child(parts[i]);
            if (next == null) {
                throw unknownWord(event, parts, i, node, "sub-type or action");
            }
            if (next.kind == CatalogueNode.Kind.RESOURCE) {
                node = next;
                if (++i == parts.length) {
                    throw invalid(event, "\"" + next.word + "\" (part " + i + ") must be followed by an ID");
                }
                continue;
            }
            if (++i == parts.length) {
                return next;
            }
            if (next.children.isEmpty()) {
                throw invalid(event, "the action \"" + next.word + "\" (part " + i + ") takes no attribute, but \""
                        + abbreviate(parts[i]) + "\" follows");
            }
            CatalogueNode attribute = next.child(parts[i]);
            if (attribute == null) {
                throw unknownWord(event, parts, i, next, "attribute");
            }
            if (++i < parts.length) {
                throw invalid(event, "nothing may follow the attribute \"" + attribute.word + "\" (part " + i + ")");
            }
            return attribute;
        }
    }

    /** Splits on '.' without a regex; refuses a part count outside 2..7 before copying anything. */
    private static String[] split(String event) {
        int count = 1;
        for (int i = event.indexOf('.'); i >= 0; i = event.indexOf('.', i + 1)) {
            count++;
        }
        if (count < MIN_PARTS || count > MAX_PARTS) {
            throw invalid(event, "an event has " + MIN_PARTS + " to " + MAX_PARTS
                    + " dot-separated parts, this one has " + count);
        }
        String[] parts = new String[count];
        int start = 0;
        for (int p = 0; p < count - 1; p++) {
            int dot = event.indexOf('.', start);
            parts[p] = event.substring(start, dot);
            start = dot + 1;
        }
        parts[count - 1] = event.substring(start);
        return parts;
    }

    private static void checkId(String event, String[] parts, int index, boolean concrete) {
        String id = parts[index];
        if (!id.isEmpty() && (!concrete || Ids.isValid(id))) {
            return;
        }
        String where = "part " + (index + 1);
        if (id.isEmpty()) {
            throw invalid(event, where + " is empty, an ID is expected after \"" + parts[index - 1] + "\"");
        }
        if (STAR.equals(id)) {
            throw invalid(event, where + " is \"*\": a concrete event needs real IDs, \"*\" is only for subscriptions");
        }
        String why = id.length() > Ids.MAX_LENGTH
                ? "longer than " + Ids.MAX_LENGTH + " chars"
                : "IDs are a-z, A-Z, 0-9, '-' and '_' (no '.' inside an event name) and cannot start with '-' or '_'";
        throw invalid(event, where + " \"" + abbreviate(id) + "\" is not a valid ID: " + why);
    }

    private static InvalidEventException unknownWord(String event, String[] parts, int index, CatalogueNode after,
            String expected) {
        String word = parts[index];
        StringBuilder message = new StringBuilder();
        if (STAR.equals(word)) {
            message.append("\"*\" (part ").append(index + 1).append(") can only stand for an ID; ");
        } else {
            message.append("unknown ").append(expected).append(" \"").append(abbreviate(word))
                    .append("\" (part ").append(index + 1).append("); ");
        }
        message.append("after \"").append(after.word).append("\" expected one of: ").append(after.childList());
        if (after.kind == CatalogueNode.Kind.RESOURCE && !STAR.equals(word) && !STAR.equals(parts[index - 1])) {
            // The usual cause: an ID with a '.' in it, which splits into an extra part.
            message.append(" (IDs inside an event name cannot contain '.', so \"")
                    .append(abbreviate(parts[index - 1] + "." + word)).append("\" cannot be one ID)");
        }
        return invalid(event, message.toString());
    }

    private static InvalidEventException invalid(String event, String problem) {
        return new InvalidEventException(event, "Invalid event \"" + abbreviate(event) + "\": " + problem);
    }

    /** Keeps messages readable when a caller sends a huge string. */
    private static String abbreviate(String text) {
        return text.length() <= MAX_SUBSCRIPTION_LENGTH ? text : text.substring(0, MAX_SUBSCRIPTION_LENGTH) + "...";
    }

    private static CatalogueNode resourceNode(String word, JsonNode json, List<String> parents) {
        List<String> resources = new ArrayList<>(parents);
        resources.add(word);
        if (resources.size() > MAX_RESOURCE_LEVELS) {
            throw new IllegalArgumentException("event catalogue: " + String.join(".", resources) + " nests more than "
                    + MAX_RESOURCE_LEVELS + " resource levels");
        }
        Map<String, CatalogueNode> children = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> child : json.properties()) {
            if (!child.getValue().isObject()) {
                continue; // "resource", "description"
            }
            children.put(child.getKey(), child.getValue().path("resource").asBoolean(false)
                    ? resourceNode(child.getKey(), child.getValue(), resources)
                    : actionNode(child.getKey(), child.getValue(), resources));
        }
        List<String> path = List.copyOf(resources);
        return new CatalogueNode(word, CatalogueNode.Kind.RESOURCE, path.size(), children,
                ExpansionPlan.build(path, null, null));
    }

    private static CatalogueNode actionNode(String action, JsonNode json, List<String> resources) {
        List<String> path = List.copyOf(resources);
        Map<String, CatalogueNode> attributes = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> child : json.properties()) {
            if (!child.getValue().isObject()) {
                continue;
            }
            String attribute = child.getKey();
            if (child.getValue().path("resource").asBoolean(false)) {
                throw new IllegalArgumentException("event catalogue: " + String.join(".", path) + "." + action + "."
                        + attribute + " cannot be a resource under an action");
            }
            attributes.put(attribute, new CatalogueNode(attribute, CatalogueNode.Kind.ATTRIBUTE, path.size(), Map.of(),
                    ExpansionPlan.build(path, action, attribute)));
        }
        return new CatalogueNode(action, CatalogueNode.Kind.ACTION, path.size(), attributes,
                ExpansionPlan.build(path, action, null));
    }
}
