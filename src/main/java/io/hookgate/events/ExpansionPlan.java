package io.hookgate.events;

import io.hookgate.model.Ids;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The expansion of every concrete event name of one shape (the same words, any IDs), worked out
 * once when the catalogue is loaded, so that expanding a name on the ingest path only pastes its
 * IDs into fixed text.
 *
 * <p>The list follows contract section 1 ("Expansion"); the order is the one fixed by
 * {@code event-expansion.json}, which is Appwrite's:
 * <ol>
 * <li>Templates. With an action: for a 1-level name only {@code type.id.action}; otherwise full
 *     path + action + attribute (if any), full path + action, full path. Then, with an attribute,
 *     {@code type.id.action.attribute} (at every level). Then the ancestor paths from the full path
 *     up to {@code type.id}. A name without an action has only the ancestor paths, so it expands
 *     to itself first.
 * <li>Each template is filled with every mix of concrete ID and {@code *}, in the order of
 *     {@link #STAR_MASKS} for the name's ID count. A template with fewer ID slots takes the same
 *     order with its missing slots ignored, which is why {@code databases.*.tables.*} comes before
 *     {@code databases.db.tables.*} in a row event too.
 * <li>Database strings are mirrored: right after each string come its twins (see
 *     {@link #variants}). Duplicates are dropped, the first kept.
 * </ol>
 *
 * <p>Duplicates are dropped here, on symbolic strings (words, {@code *} and ID slot numbers),
 * not on rendered ones. That is only the same thing if two different symbolic strings can never
 * render equal, which holds because an ID is never {@code *} and contains no {@code .}, and
 * {@link #checkUnambiguous} verifies the remaining case (a word where the other string has an ID)
 * at load time instead of trusting the catalogue.
 */
final class ExpansionPlan {

    private static final String STAR = "*";
    private static final String DATABASES = "databases";
    private static final String TABLESDB = "tablesdb";

    /**
     * The order of ID/{@code *} mixes for names with 1, 2 and 3 IDs; bit {@code k} set means ID
     * slot {@code k} is written as {@code *}. First all concrete, then all {@code *}, then the
     * mixes in the order the vectors fix (Appwrite's nested loops over the parameter names).
     */
    private static final int[][] STAR_MASKS = {
        {},
        {0b0, 0b1},
        {0b00, 0b11, 0b10, 0b01},
        {0b000, 0b111, 0b010, 0b011, 0b001, 0b100, 0b101, 0b110},
    };

    /** Whole-segment twins of the two database APIs (legacy collections vs TablesDB). */
    private static final Map<String, String> DATABASE_TWINS = Map.of(
            "collections", "tables", "tables", "collections",
            "documents", "rows", "rows", "documents",
            "attributes", "columns", "columns", "attributes");

    private final Recipe[] recipes;

    private ExpansionPlan(Recipe[] recipes) {
        this.recipes = recipes;
    }

    /**
     * Builds the plan for names made of {@code resources} (type, sub-type, sub-sub-type, each
     * followed by an ID), then optionally {@code action} and {@code attribute} (either may be null;
     * an attribute needs an action).
     */
    static ExpansionPlan build(List<String> resources, String action, String attribute) {
        int idCount = resources.size();
        if (idCount < 1 || idCount >= STAR_MASKS.length) {
            throw new IllegalArgumentException("an event has 1 to 3 IDs, not " + idCount + ": " + resources);
        }
        List<Object[]> templates = new ArrayList<>();
        if (action != null) {
            if (idCount > 1) {
                if (attribute != null) {
                    templates.add(path(resources, idCount, action, attribute));
                }
                templates.add(path(resources, idCount, action));
                templates.add(path(resources, idCount));
            } else {
                templates.add(path(resources, 1, action));
            }
            if (attribute != null) {
                templates.add(path(resources, 1, action, attribute));
            }
        }
        for (int level = idCount; level >= 1; level--) {
            templates.add(path(resources, level));
        }

        Map<String, Object[]> unique = new LinkedHashMap<>();
        for (Object[] template : templates) {
            for (int mask : STAR_MASKS[idCount]) {
                for (Object[] variant : variants(withStars(template, mask))) {
                    unique.putIfAbsent(key(variant), variant);
                }
            }
        }
        List<Object[]> symbolic = new ArrayList<>(unique.values());
        checkUnambiguous(symbolic);
        Recipe[] recipes = new Recipe[symbolic.size()];
        for (int i = 0; i < recipes.length; i++) {
            recipes[i] = Recipe.of(symbolic.get(i));
        }
        return new ExpansionPlan(recipes);
    }

    /** Renders the expansion for concrete {@code ids} (slot order); the list is unmodifiable. */
    List<String> render(String[] ids) {
        String[] out = new String[recipes.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = recipes[i].render(ids);
        }
        return Collections.unmodifiableList(Arrays.asList(out));
    }

    /** Symbolic path: resource words with the ID slot number after each, then the tail words. */
    private static Object[] path(List<String> resources, int levels, String... tail) {
        Object[] parts = new Object[levels * 2 + tail.length];
        for (int i = 0; i < levels; i++) {
            parts[2 * i] = resources.get(i);
            parts[2 * i + 1] = i;
        }
        System.arraycopy(tail, 0, parts, levels * 2, tail.length);
        return parts;
    }

    private static Object[] withStars(Object[] template, int mask) {
        Object[] parts = template.clone();
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] instanceof Integer slot && (mask & (1 << slot)) != 0) {
                parts[i] = STAR;
            }
        }
        return parts;
    }

    /**
     * The string followed by its database twins: a {@code databases.} string gets the twin with
     * collections/tables, documents/rows, attributes/columns swapped; a {@code tablesdb.} string
     * gets both {@code databases.} forms, swapped first (that is the vectors' order). Only word
     * segments are swapped, never an ID that happens to be spelled like one.
     */
    private static List<Object[]> variants(Object[] parts) {
        if (DATABASES.equals(parts[0])) {
            return List.of(parts, swapped(parts, DATABASES));
        }
        if (TABLESDB.equals(parts[0])) {
            Object[] unswapped = parts.clone();
            unswapped[0] = DATABASES;
            return List.of(parts, swapped(parts, DATABASES), unswapped);
        }
        return Collections.singletonList(parts);
    }

    private static Object[] swapped(Object[] parts, String type) {
        Object[] twin = parts.clone();
        twin[0] = type;
        for (int i = 1; i < twin.length; i++) {
            if (twin[i] instanceof String word) {
                twin[i] = DATABASE_TWINS.getOrDefault(word, word);
            }
        }
        return twin;
    }

    private static String key(Object[] parts) {
        StringBuilder key = new StringBuilder();
        for (Object part : parts) {
            // NUL cannot occur in a catalogue word, so a slot can never be mistaken for a word.
            key.append(part instanceof Integer slot ? "\0" + slot : part).append('.');
        }
        return key.toString();
    }

    private static void checkUnambiguous(List<Object[]> symbolic) {
        for (int i = 0; i < symbolic.size(); i++) {
            for (int j = i + 1; j < symbolic.size(); j++) {
                if (mayRenderEqual(symbolic.get(i), symbolic.get(j))) {
                    throw new IllegalArgumentException("event catalogue is ambiguous: " + key(symbolic.get(i))
                            + " and " + key(symbolic.get(j)) + " could expand to the same string");
                }
            }
        }
    }

    private static boolean mayRenderEqual(Object[] a, Object[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            boolean sameHere = a[i].equals(b[i])
                    || (a[i] instanceof Integer && b[i] instanceof Integer)
                    || (a[i] instanceof Integer && Ids.isValid((String) b[i]))
                    || (b[i] instanceof Integer && Ids.isValid((String) a[i]));
            if (!sameHere) {
                return false;
            }
        }
        return true;
    }

    /**
     * One expansion string as fixed text with ID slots between: {@code literals[0] + ids[slots[0]]
     * + literals[1] + ... + literals[n]}.
     */
    private static final class Recipe {

        private final String[] literals;
        private final int[] slots;
        private final int fixedLength;

        private Recipe(String[] literals, int[] slots) {
            this.literals = literals;
            this.slots = slots;
            int length = 0;
            for (String literal : literals) {
                length += literal.length();
            }
            this.fixedLength = length;
        }

        static Recipe of(Object[] parts) {
            List<String> literals = new ArrayList<>();
            List<Integer> slots = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) {
                    text.append('.');
                }
                if (parts[i] instanceof Integer slot) {
                    literals.add(text.toString());
                    slots.add(slot);
                    text.setLength(0);
                } else {
                    text.append((String) parts[i]);
                }
            }
            literals.add(text.toString());
            return new Recipe(literals.toArray(String[]::new), slots.stream().mapToInt(Integer::intValue).toArray());
        }

        String render(String[] ids) {
            if (slots.length == 0) {
                return literals[0];
            }
            int length = fixedLength;
            for (int slot : slots) {
                length += ids[slot].length();
            }
            StringBuilder out = new StringBuilder(length);
            out.append(literals[0]);
            for (int i = 0; i < slots.length; i++) {
                out.append(ids[slots[i]]).append(literals[i + 1]);
            }
            return out.toString();
        }
    }
}
