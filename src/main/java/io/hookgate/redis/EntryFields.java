package io.hookgate.redis;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A stream entry's fields, in one slot per name the queue's streams use (see {@link QueueKeys}): the
 * fan-out, the recording and the end of each try read them field by field, long after the entry was
 * parsed, and a {@code HashMap} per entry made each read a walk through its table, a node and a freshly
 * parsed key string (a profile of the sustained benchmark found 5% of the gateway's samples there). A name
 * the streams do not use is kept too, apart. Not thread-safe: filled once, then read on one event loop. Only
 * {@code put} changes it: {@code remove} and the views' mutators are not supported, and the views are copies.
 */
public final class EntryFields extends AbstractMap<String, String> {
    private static final String[] NAMES = {"id", "pr", "nm", "us", "at", "rq", "dl", "wh", "ev", "s", "pb"};

    private final String[] values = new String[NAMES.length];
    /** Names and values, alternating, of fields without a slot (none in the streams Hookgate writes). */
    private List<String> others;
    private int size;

    private static int slot(String name) {
        return switch (name) {
            case "id" -> 0;
            case "pr" -> 1;
            case "nm" -> 2;
            case "us" -> 3;
            case "at" -> 4;
            case "rq" -> 5;
            case "dl" -> 6;
            case "wh" -> 7;
            case "ev" -> 8;
            case "s" -> 9;
            case "pb" -> 10;
            default -> -1;
        };
    }

    /** Sets a field; values are never null (a stream's fields are strings). */
    @Override
    public String put(String name, String value) {
        Objects.requireNonNull(value, name);
        int i = slot(name);
        if (i >= 0) {
            String old = values[i];
            values[i] = value;
            if (old == null) {
                size++;
            }
            return old;
        }
        if (others == null) {
            others = new ArrayList<>(2);
        }
        for (int j = 0; j < others.size(); j += 2) {
            if (others.get(j).equals(name)) {
                return others.set(j + 1, value);
            }
        }
        others.add(name);
        others.add(value);
        size++;
        return null;
    }

    @Override
    public String get(Object name) {
        if (!(name instanceof String s)) {
            return null;
        }
        int i = slot(s);
        if (i >= 0) {
            return values[i];
        }
        if (others != null) {
            for (int j = 0; j < others.size(); j += 2) {
                if (others.get(j).equals(s)) {
                    return others.get(j + 1);
                }
            }
        }
        return null;
    }

    @Override
    public String getOrDefault(Object name, String otherwise) {
        String v = get(name);
        return v == null ? otherwise : v;
    }

    @Override
    public boolean containsKey(Object name) {
        return get(name) != null;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    /** The fields with a slot in the slots' order, then the others in the order they came; a copy. */
    @Override
    public Set<Entry<String, String>> entrySet() {
        Set<Entry<String, String>> all = new LinkedHashSet<>();
        for (int i = 0; i < NAMES.length; i++) {
            if (values[i] != null) {
                all.add(new SimpleImmutableEntry<>(NAMES[i], values[i]));
            }
        }
        if (others != null) {
            for (int j = 0; j < others.size(); j += 2) {
                all.add(new SimpleImmutableEntry<>(others.get(j), others.get(j + 1)));
            }
        }
        return Collections.unmodifiableSet(all);
    }
}
