package io.hookgate.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.model.JsonText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A delivery record as Redis holds it ({@code hg:{qN}:dl:DID}): one string,
 *
 * <pre>
 * st|so|ev|pr|wh|["nm","at","up-at","n","ea-at","rq","nx","s","us"]\n
 * &lt;the newest try as JSON, or nothing&gt;\n
 * &lt;the event's payload, or nothing&gt;
 * </pre>
 *
 * The fields are those of {@link QueueKeys}. The header is a JSON array of strings in that fixed order,
 * without the field names; the times up (updated) and ea (the event's acceptance) are written as their
 * distance from at (created), a few digits instead of thirteen; an empty string is a field at its
 * default (nx, n, s 0; us empty) or absent, and the defaults at the end are not written at all. A record
 * written before this layout (layout 1) has a JSON object for its header ({@code {"nm":..,"at":..}},
 * every value in full). Both are read ({@link #decode}, and {@code lua/lib/records.lua}); a record keeps
 * the layout it was written in, and new ones take {@code recordLayout}'s (1 while replicas of a version
 * that reads only layout 1 still run). The record's value thereby fits a smaller allocation of Redis's
 * (measured in docs/performance.md).
 *
 * <p>Why a string and not a hash: a record's try and payload are longer than the 64 bytes up to which
 * Redis packs a hash's fields into one allocation ({@code hash-max-listpack-value}), so a hash record
 * became a real hash table: some 35 allocations to create and free, every field looked up on its own.
 * As one string it is one value.
 *
 * <p>The prefix holds what the scripts need without parsing JSON: the status and what removing the
 * record takes (the event, whether the record holds it, the project and webhook). IDs never contain
 * {@code |} (see {@code Ids.isValid}); JSON text never contains a raw newline, so the payload is everything
 * after the second newline, byte for byte as ingested. The Lua side ({@code lua/lib/records.lua}) reads
 * and writes the same layout.
 */
public final class RecordFormat {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String[] HEAD = {"id", "nm", "at", "up", "nx", "n", "s", "us", "ea", "rq"};
    /** The header's fields in the order of its array (indexes into {@link #HEAD}). */
    private static final int[] ORDER = {1, 2, 3, 5, 8, 9, 4, 6, 7};
    private static final int AT = 2;
    private static final int UP = 3;
    private static final int EA = 8;
    /**
     * What an empty string in the header stands for, by {@link #HEAD} index: fields at their default (nx,
     * n, s 0; us empty), which every reader takes as such; null where it is absent. The ID is not written
     * (the key holds it, and {@code EventQueue} puts it back).
     */
    private static final String[] DEFAULTS = {null, null, null, null, "0", "0", "0", "", null, null};

    private RecordFormat() {
    }

    /**
     * Encodes a record from its prefix fields and its header values in the order id, nm, at, up, nx, n, s,
     * us, ea, rq ({@link #HEAD}; null ones are left out, and so are the ID and defaults: {@link #DEFAULTS}).
     * {@code tryJson} and {@code payload} may be null.
     */
    public static byte[] encode(String st, String so, String ev, String pr, String wh, String[] head, String tryJson,
                         byte[] payload) {
        return encode(2, st, so, ev, pr, wh, head, tryJson, payload);
    }

    /**
     * {@link #encode} in a layout: 2 (the header an array, this class's), or 1, the layout before, for
     * {@code recordLayout} 1 while replicas of a version before 2 still run (they cannot read layout 2).
     * Layout 3 is 2, but a delivered record that holds its event leaves out its project and webhook: it goes
     * to its webhook's archive, whose key names them ({@code lua/lib/archive.lua}, which puts them back for
     * one that does not). Layout 4 gives such a record as an item of the archive's list holds it, after
     * "AT:DID:": {@code ev|["nm","",...]\n<try>\n<payload>}, without status and so (always delivered and 1),
     * project and webhook, its creation time (the header's second element left empty, written all the
     * same), and the try's start as its distance from the creation time ({@code "o"}; left out when 0);
     * {@code fullRecord} in lua/lib/archive.lua
     * puts them back (for a record that stays a key of its own, and for every reader).
     */
    public static byte[] encode(int layout, String st, String so, String ev, String pr, String wh, String[] head,
                                String tryJson, byte[] payload) {
        return encode("", layout, st, so, ev, pr, wh, head, tryJson, payload);
    }

    /**
     * {@link #encode(int, String, String, String, String, String, String[], String, byte[])} after a prefix:
     * "AT:DID:" makes a layout-4 record the archive list's whole item, as {@code lua/complete_first.lua} takes it.
     */
    public static byte[] encode(String prefix, int layout, String st, String so, String ev, String pr, String wh,
                                String[] head, String tryJson, byte[] payload) {
        boolean archived = layout >= 3 && "delivered".equals(st) && "1".equals(so);
        boolean inline = archived && layout >= 4 && !isDefault(head, AT);
        String project = archived ? null : pr;
        String webhook = archived ? null : wh;
        if (inline && tryJson != null) {
            tryJson = tryStartFromAt(tryJson, Long.parseLong(head[AT]));
        }
        // Sized for the whole text: a growing builder would copy itself on every delivery.
        int size = 64 + prefix.length() + (tryJson == null ? 0 : tryJson.length()) + length(st) + length(so)
            + length(ev) + length(project) + length(webhook);
        for (String v : head) {
            size += length(v) + 8;
        }
        StringBuilder b = new StringBuilder(size).append(prefix);
        if (inline) {
            b.append(ev == null ? "" : ev).append('|');
        } else {
            b.append(st).append('|').append(so == null ? "" : so).append('|').append(ev == null ? "" : ev).append('|')
                .append(project == null ? "" : project).append('|').append(webhook == null ? "" : webhook).append('|');
        }
        if (layout == 1) {
            objectHeader(b, head);
        } else {
            arrayHeader(b, head, inline);
        }
        if (tryJson != null) {
            b.append(tryJson);
        }
        b.append('\n');
        byte[] text = b.toString().getBytes(StandardCharsets.UTF_8);
        if (payload == null || payload.length == 0) {
            return text;
        }
        byte[] out = new byte[text.length + payload.length];
        System.arraycopy(text, 0, out, 0, text.length);
        System.arraycopy(payload, 0, out, text.length, payload.length);
        return out;
    }

    /**
     * A try as the archive holds it: its start ({@code "a"}, epoch ms, first in {@link TryRecord}'s JSON) left
     * out when it is the record's creation time at (the item names that), else written as its distance from it
     * ({@code "o"}): a few digits instead of thirteen.
     */
    private static String tryStartFromAt(String tryJson, long at) {
        if (!tryJson.startsWith("{\"a\":")) {
            return tryJson;
        }
        int end = 5;
        while (end < tryJson.length() && Character.isDigit(tryJson.charAt(end))) {
            end++;
        }
        if (end == 5 || end >= tryJson.length() || tryJson.charAt(end) != ',') {
            return tryJson;
        }
        long offset = Long.parseLong(tryJson.substring(5, end)) - at;
        return (offset == 0 ? "{" : "{\"o\":" + offset + ",") + tryJson.substring(end + 1);
    }

    /** The header of layout 2; withoutAt: its creation time left empty (written all the same) for the archive. */
    private static void arrayHeader(StringBuilder b, String[] head, boolean withoutAt) {
        b.append('[');
        int last = ORDER.length - 1;
        while (last >= 0 && isDefault(head, ORDER[last])) {
            last--;
        }
        if (withoutAt) {
            last = Math.max(last, 1);
        }
        boolean hasAt = !isDefault(head, AT);
        long at = hasAt ? Long.parseLong(head[AT]) : 0;
        for (int j = 0; j <= last; j++) {
            int i = ORDER[j];
            if (j > 0) {
                b.append(',');
            }
            String v = isDefault(head, i) || (withoutAt && i == AT) ? "" : head[i];
            if ((i == UP || i == EA) && !v.isEmpty() && hasAt) {
                // A distance in ms: digits and a sign, nothing to escape.
                b.append('"').append(Long.parseLong(v) - at).append('"');
                continue;
            }
            JsonText.quoted(b, v);
        }
        b.append("]\n");
    }

    /** The header of layout 1: a JSON object of the fields by name, in full. */
    private static void objectHeader(StringBuilder b, String[] head) {
        b.append('{');
        boolean first = true;
        for (int i = 1; i < HEAD.length; i++) {
            if (isDefault(head, i)) {
                continue;
            }
            if (!first) {
                b.append(',');
            }
            first = false;
            b.append('"').append(HEAD[i]).append("\":");
            JsonText.quoted(b, head[i]);
        }
        b.append("}\n");
    }

    private static boolean isDefault(String[] head, int i) {
        String v = head[i];
        return v == null || v.isEmpty() || v.equals(DEFAULTS[i]);
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    /** A decoded record: its fields (prefix and header), its newest try (null if none) and payload (null if none). */
    public record Decoded(Map<String, String> fields, String tryJson, byte[] payload) {
    }

    /** Decodes a record; throws {@link IllegalArgumentException} on a value that is not one. */
    public static Decoded decode(byte[] v) {
        int[] bars = new int[5];
        int found = 0;
        for (int i = 0; i < v.length && found < 5; i++) {
            if (v[i] == '|') {
                bars[found++] = i;
            }
        }
        int a = found == 5 ? indexOf(v, (byte) '\n', bars[4] + 1) : -1;
        int b = a < 0 ? -1 : indexOf(v, (byte) '\n', a + 1);
        if (b < 0) {
            throw new IllegalArgumentException("not a delivery record");
        }
        Map<String, String> f = new HashMap<>();
        String[] prefix = {"st", "so", "ev", "pr", "wh"};
        int from = 0;
        for (int i = 0; i < 5; i++) {
            String s = new String(v, from, bars[i] - from, StandardCharsets.UTF_8);
            if (!s.isEmpty()) {
                f.put(prefix[i], s);
            }
            from = bars[i] + 1;
        }
        try {
            JsonNode head = JSON.readTree(v, bars[4] + 1, a - bars[4] - 1);
            if (head.isArray()) {
                readArray(head, f);
            } else {
                // The layout before the header became an array.
                for (Iterator<Map.Entry<String, JsonNode>> it = head.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    f.put(e.getKey(), e.getValue().asText());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String tryJson = b > a + 1 ? new String(v, a + 1, b - a - 1, StandardCharsets.UTF_8) : null;
        byte[] payload = b + 1 < v.length ? Arrays.copyOfRange(v, b + 1, v.length) : null;
        return new Decoded(f, tryJson, payload);
    }

    private static void readArray(JsonNode head, Map<String, String> f) {
        String at = head.path(1).asText("");
        for (int j = 0; j < ORDER.length; j++) {
            int i = ORDER[j];
            String v = head.path(j).asText("");
            if (v.isEmpty()) {
                // At its default or absent: left out, as the layout before left defaults out.
                continue;
            }
            if ((i == UP || i == EA) && !at.isEmpty()) {
                v = Long.toString(Long.parseLong(at) + Long.parseLong(v));
            }
            f.put(HEAD[i], v);
        }
    }

    private static int indexOf(byte[] v, byte c, int from) {
        for (int i = from; i < v.length; i++) {
            if (v[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
