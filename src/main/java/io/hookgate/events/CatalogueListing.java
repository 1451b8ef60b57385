package io.hookgate.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The catalogue ({@code events.json}) as people choose from it: every name a webhook can subscribe
 * to, with {@code *} for each ID, in catalogue order, each with its description. {@code users.*},
 * {@code users.*.sessions.*.create}, {@code users.*.update.email}. Every entry is a valid
 * subscription ({@link EventCatalogue#validateSubscription}); the console's event picker is built
 * from this list.
 */
public final class CatalogueListing {

    /** A subscribable name and what it means. */
    public record Entry(String event, String description) {
    }

    private CatalogueListing() {
    }

    /** The entries of the catalogue bundled with Hookgate (the classpath resource {@link EventCatalogue#RESOURCE}). */
    public static List<Entry> load() {
        try (InputStream in = CatalogueListing.class.getResourceAsStream(EventCatalogue.RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("event catalogue " + EventCatalogue.RESOURCE
                    + " is not on the classpath");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read event catalogue " + EventCatalogue.RESOURCE, e);
        }
    }

    /** The entries of a catalogue in the {@code events.json} format (see {@link EventCatalogue#parse}). */
    public static List<Entry> parse(InputStream in) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read event catalogue", e);
        }
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> type : root.properties()) {
            resource(type.getKey() + ".*", type.getValue(), out);
        }
        return List.copyOf(out);
    }

    /** A type or sub-type (an ID follows it): itself, then its sub-types and actions. */
    private static void resource(String name, JsonNode node, List<Entry> out) {
        out.add(new Entry(name, node.path("description").asText("")));
        for (Map.Entry<String, JsonNode> child : node.properties()) {
            if (!child.getValue().isObject()) {
                continue; // "resource", "description"
            }
            String childName = name + "." + child.getKey();
            if (child.getValue().path("resource").asBoolean(false)) {
                resource(childName + ".*", child.getValue(), out);
            } else {
                out.add(new Entry(childName, child.getValue().path("description").asText("")));
                for (Map.Entry<String, JsonNode> attribute : child.getValue().properties()) {
                    if (attribute.getValue().isObject()) {
                        out.add(new Entry(childName + "." + attribute.getKey(),
                            attribute.getValue().path("description").asText("")));
                    }
                }
            }
        }
    }
}
