package io.hookgate.model;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * Writing JSON strings into a {@link StringBuilder} on the hot paths (delivery records, tries, the ingest's
 * answer): most values (IDs, names, times, header values) need no escaping, and checking that is much
 * cheaper than Jackson's quoting.
 */
public final class JsonText {
    private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();

    private JsonText() {
    }

    /** Appends {@code v} as a JSON string, quotes included ({@code null} for null). */
    public static StringBuilder quoted(StringBuilder b, String v) {
        if (v == null) {
            return b.append("null");
        }
        b.append('"');
        if (plain(v)) {
            b.append(v);
        } else {
            QUOTE.quoteAsString(v, b);
        }
        return b.append('"');
    }

    private static boolean plain(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }
}
