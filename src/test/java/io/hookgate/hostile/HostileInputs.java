package io.hookgate.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Hostile values, JSON texts and byte-level damage, all drawn from one seeded {@link Random} so a
 * case can be made again from its seed. JSON values are returned as JSON text fragments, so they can
 * hold what a JSON library would refuse to write (1e400, NaN, raw control characters).
 */
final class HostileInputs {
    /** What a field of a request body means; decides which hostile values it gets. */
    enum FieldType { ID, NAME, URL, EVENTS, EVENT_NAME, PAYLOAD, BOOL, INT, SCOPES, DATE, SECRET, STRING, ANY }

    private static final String[] UNICODE = {
        "\u00fc", "\u00e9", "\u4e2d\u6587", "\ud83d\ude00", "\u202e", "\u200b", "\ufeff", "\uffff", "\u0130", "\u212a",
        "\u0000", "\u0007", "\u001b[31m", "\u2028", "\u2029", "\u0085", "\r\n", "\t",
    };
    private static final String[] EVENT_PARTS = {
        "users", "teams", "databases", "collections", "documents", "buckets", "files", "functions", "executions",
        "memberships", "create", "update", "delete", "*", "", " ", "u1", "-x", "_u", "a.b", "\u00fc", "%2e", "..",
        "email", "name", "prefs", "status", "\u0000", "USERS", "0", "9".repeat(40),
    };
    private static final String[] IDS = {
        "", "unique()", "unique", "-x", "_x", ".x", "a b", "a/b", "..", ".", "a%2Fb", "a\u0000b", "\u00fc", "x".repeat(37),
        "x".repeat(36), "a.b-c_d", "A", "0", "null", "undefined", "{}", "[]", "*", "a*", "\n", " x", "x ", "a}:b",
        "hg:admin", "a\u202eb", "\ud83d\ude00", "x".repeat(5000),
    };
    private static final String[] URLS = {
        "javascript:alert(1)", "file:///etc/passwd", "data:text/html,<script>alert(1)</script>", "http://[::1",
        "http://user:pw@127.0.0.1/", "http://:pw@127.0.0.1/", "http://127.0.0.1", "http://", "http:///x", "http:",
        "https://", "ftp://127.0.0.1/", "gopher://127.0.0.1:70/", "//127.0.0.1/x", "/relative", "127.0.0.1",
        "http://127.0.0.1:99999/", "http://127.0.0.1:-1/", "http://127.0.0.1:0/", "http://[::1]/", "http://[::ffff:127.0.0.1]/",
        "http://0x7f000001/", "http://2130706433/", "http://0177.0.0.1/", "http://127.1/", "http://localhost./",
        "http://exa mple.invalid/", "http://ex\u00e4mple.invalid/", "http://xn--e1afmkfd.invalid/", "http://a_b.invalid/",
        "http://127.0.0.1/\r\nX-Injected: 1", "http://127.0.0.1/%0d%0aX: y", "HTTP://127.0.0.1/UP", "hTtPs://127.0.0.1/",
        "http://127.0.0.1/" + "a".repeat(10000), "http://" + "a".repeat(300) + ".invalid/", "http://169.254.169.254/latest",
        "http://10.0.0.1/", "http://0.0.0.0/", "http://[fe80::1%25eth0]/", "http://127.0.0.1:80@evil.invalid/",
        "http://evil.invalid#@127.0.0.1/", "http://127.0.0.1\\@evil.invalid/", "\u0000http://127.0.0.1/", " http://127.0.0.1/",
        "http://127.0.0.1/?" + "q=".repeat(500), "http://%31%32%37.0.0.1/", "http://[v1.fe]/", "wss://127.0.0.1/",
    };
    private static final String[] NUMBERS = {
        "1e400", "-1e400", "1e-400", "99999999999999999999999", "-99999999999999999999999", "9223372036854775808",
        "-9223372036854775809", "18446744073709551621", "-0", "0.0", "1.5", "-1", "0", "604801", "1E3", "1e2",
        "0.000000000000000000000000001", "123456789012345678901234567890.5", "2147483648", "-2147483649",
    };
    private static final String[] BAD_NUMBERS = {"NaN", "Infinity", "-Infinity", "0x10", "01", "+1", ".5", "5.", "1e", "--1", "1_000"};
    private static final String[] DATES = {
        "", "now", "2026-13-45T99:99:99Z", "2026-01-01", "2026-01-01T00:00:00", "+999999999-12-31T23:59:59Z",
        "-999999999-01-01T00:00:00Z", "2026-01-01T00:00:00.000+25:00", "1970-01-01T00:00:00Z", "0000-00-00T00:00:00Z",
        "2026-01-01T00:00:00.000000000000+00:00", "9".repeat(64), "9".repeat(65), "2026-02-30T00:00:00Z",
        "2026-01-01T00:00:00Z\u0000", "\u0662\u0660\u0662\u0666-01-01T00:00:00Z",
    };
    private static final String[] SCOPES = {"webhooks.read", "webhooks.write", "events.write", "WEBHOOKS.READ", "users.read",
        "", "*", "webhooks.*", "webhooks.read ", "admin"};

    private final Random r;
    private final String receiverUrl;

    HostileInputs(Random r, String receiverUrl) {
        this.r = r;
        this.receiverUrl = receiverUrl;
    }

    Random random() {
        return r;
    }

    boolean chance(double p) {
        return r.nextDouble() < p;
    }

    int between(int lo, int hi) {
        return lo + r.nextInt(hi - lo + 1);
    }

    @SafeVarargs
    final <T> T pick(T... options) {
        return options[r.nextInt(options.length)];
    }

    <T> T pick(List<T> options) {
        return options.get(r.nextInt(options.size()));
    }

    // ---- JSON text ---------------------------------------------------------------------------

    /** A correctly escaped JSON string literal (lone surrogates escaped too, so they survive). */
    static String str(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c) && !validPair(s, i)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
                if (Character.isHighSurrogate(c)) {
                    b.append(s.charAt(++i));
                }
            }
        }
        return b.append('"').toString();
    }

    private static boolean validPair(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }

    /** A string literal with its content not escaped at all (raw controls, quotes: often invalid JSON). */
    static String rawStr(String s) {
        return "\"" + s + "\"";
    }

    static String object(List<String[]> fields) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(str(fields.get(i)[0])).append(':').append(fields.get(i)[1]);
        }
        return b.append('}').toString();
    }

    static String array(List<String> items) {
        return "[" + String.join(",", items) + "]";
    }

    /** {@code [[[...]]]} or {@code {"a":{"a":...}}} nested {@code depth} deep. */
    String deep(int depth) {
        if (chance(0.5)) {
            return "[".repeat(depth) + "]".repeat(depth);
        }
        return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    String hostileString() {
        return switch (r.nextInt(12)) {
            case 0 -> "";
            case 1 -> " ".repeat(between(1, 5));
            case 2 -> pick(UNICODE);
            case 3 -> "x".repeat(pick(129, 257, 513, 2049, 100_000));
            case 4 -> "\ud800";
            case 5 -> "\udfff\ud800";
            case 6 -> "a\u0000b";
            case 7 -> "line\r\nX-Injected: yes";
            case 8 -> "<script>alert(1)</script>";
            case 9 -> "' OR 1=1 --";
            case 10 -> "${jndi:ldap://127.0.0.1/x}";
            default -> randomText(between(1, 40));
        };
    }

    /** Random characters across the whole BMP plus a few astral ones. */
    String randomText(int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int kind = r.nextInt(4);
            if (kind == 0) {
                b.append((char) r.nextInt(0x80));
            } else if (kind == 1) {
                b.append((char) r.nextInt(0x10000));
            } else if (kind == 2) {
                b.appendCodePoint(0x10000 + r.nextInt(0x10FFFF - 0x10000));
            } else {
                b.append((char) ('a' + r.nextInt(26)));
            }
        }
        return b.toString();
    }

    String eventName() {
        return switch (r.nextInt(8)) {
            case 0 -> String.join(".", java.util.Collections.nCopies(300, "users"));
            case 1 -> {
                List<String> parts = new ArrayList<>();
                for (int i = between(0, 12); i > 0; i--) {
                    parts.add(pick(EVENT_PARTS));
                }
                yield String.join(".", parts);
            }
            case 2 -> randomText(between(1, 30)) + "." + randomText(between(1, 10));
            case 3 -> pick("users", "users.", ".users", "users..create", "users.*", "*", "*.*.*", "users.u1.create.",
                "users.u1.create.email.extra.more", "users.u1.CREATE", "users.u1.create\u0000", "users.\u00fc.create");
            case 4 -> "users." + "u".repeat(pick(36, 37, 600)) + ".create";
            case 5 -> hostileString();
            default -> pick("users.u1.create", "teams.t1.delete", "users.u1.update.email", "databases.d1.collections.c1"
                + ".documents.x1.create", "functions.f1.executions.e1.create", "buckets.b1.files.f1.delete");
        };
    }

    String url() {
        return switch (r.nextInt(6)) {
            case 0, 1 -> pick(URLS);
            case 2 -> pick("http", "https", "HTTP", "ftp", "javascript", "") + "://" + pick("127.0.0.1", "localhost", "[::1]",
                "", randomText(between(1, 20))) + pick("", ":" + r.nextInt(70000), ":") + "/" + randomText(between(0, 10));
            case 3 -> randomText(between(1, 60));
            default -> pick(receiverUrl, "http://127.0.0.1:9/discard", "https://localhost:1/x");
        };
    }

    /** A value for a field: plausible, hostile of the right JSON type, or of a wrong type. */
    String value(FieldType type) {
        double roll = r.nextDouble();
        if (roll < 0.45) {
            return plausible(type);
        } else if (roll < 0.8) {
            return hostile(type);
        }
        return anyValue(0);
    }

    String plausible(FieldType type) {
        return switch (type) {
            case ID -> str(pick("fz" + r.nextInt(1_000_000), "unique()", "A" + r.nextInt(1000) + ".b-c_d"));
            case NAME -> str("name " + r.nextInt(1000));
            case URL -> str(pick(receiverUrl, "http://127.0.0.1:9/x", "https://127.0.0.1:1/y"));
            case EVENTS -> pick("[\"users.*\"]", "[\"users.*.create\",\"teams.*\"]", "[\"databases.*.collections.*.documents.*\"]");
            case EVENT_NAME -> str(pick("users.u1.create", "teams.t1.delete", "users.u2.update.email"));
            case PAYLOAD -> pick("{}", "{\"a\":1}", "{\"nested\":{\"x\":[1,2,{\"y\":null}]}}");
            case BOOL -> pick("true", "false");
            case INT -> pick("0", "60", "3600");
            case SCOPES -> pick("[\"webhooks.read\"]", "[\"webhooks.read\",\"webhooks.write\",\"events.write\"]", "[]");
            case DATE -> str(pick("2026-01-01T00:00:00.000+00:00", "2026-11-27T10:00:00Z"));
            case SECRET -> str("0123456789abcdef" + r.nextInt(100));
            case STRING -> str("user" + r.nextInt(10));
            case ANY -> anyValue(0);
        };
    }

    String hostile(FieldType type) {
        return switch (type) {
            case ID -> str(pick(IDS));
            case NAME, STRING -> str(hostileString());
            case SECRET -> str(pick("", "short", "1234567", "x".repeat(257), hostileString()));
            case URL -> str(url());
            case EVENT_NAME -> str(eventName());
            case EVENTS -> switch (r.nextInt(6)) {
                case 0 -> array(java.util.Collections.nCopies(between(101, 2000), str("users.*")));
                case 1 -> "[" + str(eventName()) + "," + str(eventName()) + "]";
                case 2 -> "[" + anyValue(1) + "]";
                case 3 -> "[[" + str("users.*") + "]]";
                case 4 -> "[" + deep(between(100, 10_000)) + "]";
                default -> {
                    List<String> names = new ArrayList<>();
                    for (int i = between(0, 30); i > 0; i--) {
                        names.add(str(eventName()));
                    }
                    yield array(names);
                }
            };
            case PAYLOAD -> switch (r.nextInt(6)) {
                case 0 -> deep(between(200, 10_000));
                case 1 -> "{\"big\":" + str("x".repeat(between(60_000, 70_000))) + "}";
                case 2 -> "{\"n\":" + pick(NUMBERS) + "}";
                case 3 -> "{\"n\":" + pick(BAD_NUMBERS) + "}";
                case 4 -> "{\"s\":" + rawStr(pick(UNICODE)) + "}";
                default -> anyValue(0);
            };
            case BOOL -> pick("\"true\"", "1", "0", "null", "[]", "{}", "tru", "True", "\"\"");
            case INT -> chance(0.7) ? pick(NUMBERS) : pick(BAD_NUMBERS);
            case SCOPES -> switch (r.nextInt(4)) {
                case 0 -> "[" + str(pick(SCOPES)) + "," + str(pick(SCOPES)) + "]";
                case 1 -> array(java.util.Collections.nCopies(between(13, 5000), str("webhooks.read")));
                case 2 -> "[" + anyValue(1) + "]";
                default -> str("webhooks.read");
            };
            case DATE -> str(pick(DATES));
            case ANY -> anyValue(0);
        };
    }

    /** Any JSON value (sometimes not valid JSON at all). */
    String anyValue(int depth) {
        int choice = depth > 3 ? r.nextInt(6) : r.nextInt(10);
        return switch (choice) {
            case 0 -> "null";
            case 1 -> pick("true", "false");
            case 2 -> pick(NUMBERS);
            case 3 -> str(hostileString());
            case 4 -> pick(BAD_NUMBERS);
            case 5 -> rawStr(pick(UNICODE));
            case 6 -> "[" + anyValue(depth + 1) + "," + anyValue(depth + 1) + "]";
            case 7 -> "{" + str(hostileString()) + ":" + anyValue(depth + 1) + "}";
            case 8 -> deep(between(50, 10_000));
            default -> "{}";
        };
    }

    // ---- byte damage -------------------------------------------------------------------------

    /** One kind of damage to a JSON text, as bytes. */
    byte[] damage(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return switch (r.nextInt(14)) {
            case 0 -> java.util.Arrays.copyOf(b, b.length == 0 ? 0 : r.nextInt(b.length));
            case 1 -> concat(b, utf8(pick("}", "]", " x", "{}", "\u0000", ",", "\"", "null", "/", "\\", "}}}}")));
            case 2 -> insert(b, utf8(pick("/* c */", "// c\n", "#c\n")));
            case 3 -> concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, b);
            case 4 -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.writeBytes(new byte[] {(byte) 0xFE, (byte) 0xFF});
                out.writeBytes(json.getBytes(StandardCharsets.UTF_16BE));
                yield out.toByteArray();
            }
            case 5 -> json.getBytes(StandardCharsets.UTF_16LE);
            case 6 -> insert(b, pick(new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xC0, (byte) 0xAF},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0x80},
                new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0xC3},
                new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}));
            case 7 -> insert(b, new byte[] {(byte) (int) pick(0, 1, 7, 8, 11, 12, 27, 127)});
            case 8 -> json.replace('"', '\'').getBytes(StandardCharsets.UTF_8);
            case 9 -> json.startsWith("{") && json.length() > 2 ? utf8("{\"a\":NaN," + json.substring(1)) : concat(b, utf8("NaN"));
            case 10 -> json.endsWith("}") && json.length() > 2 ? utf8(json.substring(0, json.length() - 1) + ",}") : b;
            case 11 -> {
                byte[] copy = b.clone();
                for (int i = between(1, 5); i > 0 && copy.length > 0; i--) {
                    copy[r.nextInt(copy.length)] = (byte) r.nextInt(256);
                }
                yield copy;
            }
            case 12 -> json.startsWith("{\"") ? utf8(json.substring(0, 1) + json.substring(1, json.indexOf(':') + 1) + "1,"
                + json.substring(1)) : b;
            default -> json.replace(":", " : ").replace(",", "\t,\n").getBytes(StandardCharsets.UTF_8);
        };
    }

    byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private byte[] insert(byte[] b, byte[] what) {
        int at = b.length == 0 ? 0 : r.nextInt(b.length + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b, 0, at);
        out.writeBytes(what);
        out.write(b, at, b.length - at);
        return out.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Text as UTF-8 bytes. */
    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
