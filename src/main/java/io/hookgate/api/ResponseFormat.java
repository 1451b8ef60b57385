package io.hookgate.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code X-Appwrite-Response-Format} asks of the webhook routes, as Appwrite 1.9.5 reads it
 * (app/controllers/general.php picks its request and response filters with PHP's
 * {@code version_compare}): below 1.9.1 the webhook model and the create and update bodies use the old
 * names {@code security}, {@code httpUser}, {@code httpPass}, {@code signatureKey} (filters V22), and
 * below 1.9.0 a create without {@code webhookId} gets a generated one (request filter V21). Without the
 * header (or with an empty one, or {@code "0"}, which PHP takes for false) the route's own rules hold.
 */
record ResponseFormat(boolean oldNames, boolean webhookIdOptional) {
    static final String HEADER = "X-Appwrite-Response-Format";
    /** The names and rules of Appwrite's current webhooks API (response format 1.9.1 and later). */
    static final ResponseFormat CURRENT = new ResponseFormat(false, false);
    /** The pre-1.9 project webhooks API: old names, {@code webhookId} optional. */
    static final ResponseFormat LEGACY = new ResponseFormat(true, true);

    /** The rules for a request with this header value, {@code otherwise} when it names no format. */
    static ResponseFormat of(String header, ResponseFormat otherwise) {
        if (header == null || header.isEmpty() || header.equals("0")) {
            return otherwise;
        }
        return new ResponseFormat(compare(header, "1.9.1") < 0, compare(header, "1.9.0") < 0);
    }

    /** The model's name for a field ({@code tls}, {@code authUsername}, {@code authPassword}, {@code secret}). */
    String name(String field) {
        if (!oldNames) {
            return field;
        }
        return switch (field) {
            case "tls" -> "security";
            case "authUsername" -> "httpUser";
            case "authPassword" -> "httpPass";
            case "secret" -> "signatureKey";
            default -> field;
        };
    }

    /**
     * PHP's {@code version_compare(a, b)}: the versions are cut into parts at {@code . - _ +} and where
     * digits meet other characters; numbers compare as numbers, words by PHP's order (anything unknown <
     * {@code dev} < {@code alpha} = {@code a} < {@code beta} = {@code b} < {@code RC} = {@code rc} < a
     * number < {@code pl} = {@code p}), and a version with more parts is newer when the next part is a
     * number, older when it is a word ({@code 1.9.1-rc} < {@code 1.9.1} < {@code 1.9.1.1}).
     */
    static int compare(String a, String b) {
        List<String> x = parts(a);
        List<String> y = parts(b);
        for (int i = 0; i < Math.max(x.size(), y.size()); i++) {
            String p = i < x.size() ? x.get(i) : null;
            String q = i < y.size() ? y.get(i) : null;
            int c;
            if (p == null) {
                c = isNumber(q) ? -1 : Integer.compare(NUMBER, rank(q));
            } else if (q == null) {
                c = isNumber(p) ? 1 : Integer.compare(rank(p), NUMBER);
            } else if (isNumber(p) && isNumber(q)) {
                c = new java.math.BigInteger(p).compareTo(new java.math.BigInteger(q));
            } else {
                c = Integer.compare(isNumber(p) ? NUMBER : rank(p), isNumber(q) ? NUMBER : rank(q));
            }
            if (c != 0) {
                return Integer.signum(c);
            }
        }
        return 0;
    }

    private static final int NUMBER = 4;

    private static int rank(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        // PHP matches the special forms by prefix, in this order.
        String[] forms = {"dev", "alpha", "a", "beta", "b", "rc", "#", "pl", "p"};
        int[] ranks = {0, 1, 1, 2, 2, 3, 4, 5, 5};
        for (int i = 0; i < forms.length; i++) {
            if (w.startsWith(forms[i])) {
                return ranks[i];
            }
        }
        return -6;
    }

    /** A part is all ASCII digits or none (see {@link #parts}). */
    private static boolean isNumber(String part) {
        return !part.isEmpty() && isDigit(part.charAt(0));
    }

    /** At most the first 64 chars count: a header value is the caller's. */
    private static List<String> parts(String version) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int limit = Math.min(version.length(), 64);
        for (int i = 0; i < limit; i++) {
            char c = version.charAt(i);
            boolean separator = c == '.' || c == '-' || c == '_' || c == '+';
            boolean digit = isDigit(c);
            if (separator || current.length() > 0 && digit != isDigit(current.charAt(current.length() - 1))) {
                if (current.length() > 0) {
                    out.add(current.toString());
                    current.setLength(0);
                }
                if (separator) {
                    continue;
                }
            }
            current.append(c);
        }
        if (current.length() > 0) {
            out.add(current.toString());
        }
        return out;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
