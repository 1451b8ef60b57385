package io.hookgate.hostile;

import static io.hookgate.hostile.HostileInputs.utf8;
import static io.hookgate.hostile.HostileInputs.str;

import io.hookgate.hostile.HostileInputs.FieldType;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Builds one malformed (sometimes accidentally valid) request from a seeded {@link Random}: a route of
 * the API with hostile path segments, query, headers and body, or a broken HTTP message. Requests that
 * would delete something use only the sacrificial project's IDs, so the fuzzed project keeps working.
 */
final class FuzzCases {

    /** How a route authenticates. */
    enum AuthKind { ADMIN, PROJECT_HEADER, PROJECT_PATH }

    /** The body a route reads. */
    enum Body { NONE, PROJECT, KEY, WEBHOOK_CREATE, LEGACY_CREATE, WEBHOOK_UPDATE, LEGACY_UPDATE, ROTATE, LEGACY_ROTATE, EVENTS, RECOVER }

    /** One route of the API; the path holds {pid}, {wid}, {kid}, {did} placeholders. */
    record Route(String method, String path, Body body, AuthKind auth) {
        String label() {
            return method + " " + path;
        }
    }

    static final List<Route> ROUTES = List.of(
        new Route("POST", "/v1/projects", Body.PROJECT, AuthKind.ADMIN),
        new Route("GET", "/v1/projects", Body.NONE, AuthKind.ADMIN),
        new Route("GET", "/v1/projects/{pid}", Body.NONE, AuthKind.ADMIN),
        new Route("DELETE", "/v1/projects/{pid}", Body.NONE, AuthKind.ADMIN),
        new Route("POST", "/v1/projects/{pid}/keys", Body.KEY, AuthKind.ADMIN),
        new Route("GET", "/v1/projects/{pid}/keys", Body.NONE, AuthKind.ADMIN),
        new Route("DELETE", "/v1/projects/{pid}/keys/{kid}", Body.NONE, AuthKind.ADMIN),
        new Route("POST", "/v1/webhooks", Body.WEBHOOK_CREATE, AuthKind.PROJECT_HEADER),
        new Route("GET", "/v1/webhooks", Body.NONE, AuthKind.PROJECT_HEADER),
        new Route("GET", "/v1/webhooks/{wid}", Body.NONE, AuthKind.PROJECT_HEADER),
        new Route("PUT", "/v1/webhooks/{wid}", Body.WEBHOOK_UPDATE, AuthKind.PROJECT_HEADER),
        new Route("DELETE", "/v1/webhooks/{wid}", Body.NONE, AuthKind.PROJECT_HEADER),
        new Route("PATCH", "/v1/webhooks/{wid}/secret", Body.ROTATE, AuthKind.PROJECT_HEADER),
        new Route("POST", "/v1/projects/{pid}/webhooks", Body.LEGACY_CREATE, AuthKind.PROJECT_PATH),
        new Route("GET", "/v1/projects/{pid}/webhooks", Body.NONE, AuthKind.PROJECT_PATH),
        new Route("GET", "/v1/projects/{pid}/webhooks/{wid}", Body.NONE, AuthKind.PROJECT_PATH),
        new Route("PUT", "/v1/projects/{pid}/webhooks/{wid}", Body.LEGACY_UPDATE, AuthKind.PROJECT_PATH),
        new Route("DELETE", "/v1/projects/{pid}/webhooks/{wid}", Body.NONE, AuthKind.PROJECT_PATH),
        new Route("PATCH", "/v1/projects/{pid}/webhooks/{wid}/signature", Body.LEGACY_ROTATE, AuthKind.PROJECT_PATH),
        new Route("POST", "/v1/events", Body.EVENTS, AuthKind.PROJECT_HEADER),
        new Route("GET", "/v1/webhooks/{wid}/deliveries", Body.NONE, AuthKind.PROJECT_HEADER),
        new Route("GET", "/v1/webhooks/{wid}/deliveries/{did}", Body.NONE, AuthKind.PROJECT_HEADER),
        new Route("POST", "/v1/webhooks/{wid}/deliveries/{did}/retry", Body.NONE, AuthKind.PROJECT_HEADER),
        new Route("POST", "/v1/webhooks/{wid}/recover", Body.RECOVER, AuthKind.PROJECT_HEADER));

    /** IDs and keys of one project the requests may use. */
    record Target(String projectId, String key, String webhookId, String keyId, String deliveryId) {
    }

    /** Everything a case may refer to. */
    record Context(int port, String adminKey, Target main, Target victim, String otherProjectKey, String receiverUrl,
                   int maxRequestBytes) {
    }

    /**
     * What Vert.x core (not the gateway) does with a few broken messages before any handler of the
     * gateway runs; a case that provokes it may end that way instead of with a 4xx.
     */
    enum Tolerance {
        NONE,
        /** A malformed chunk size: Vert.x closes the connection at once, without an answer. */
        CLOSE_ON_BAD_CHUNK,
        /** An unknown HTTP version (HTTP/9.9): Vert.x answers a plain 501 itself. */
        VERTX_501_FOR_UNKNOWN_VERSION
    }

    /** One request: what it is (for counting), its exact bytes, and how to read its answer. */
    record Case(String category, String route, byte[] request, boolean head, boolean oversize, Tolerance tolerance) {
    }

    private static final String[] METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "FOO",
        "get", "PROPFIND", "M-SEARCH"};
    private static final String[] SEGMENTS = {
        "%2F", "a%2Fb", "..", "%2e%2e", "%2E%2E%2F%2E%2E", ".", "%00", "a%00b", "%C3%BC", "%FF%FE", "%", "%Z", "%zz",
        "%u0041", "~", "*", "%20", "+", "a;b", "a,b", "-x", "unique()", "%7B%7D", "{wid}", "a.b", "A", "0",
        "%E2%80%AE", "%F0%9F%98%80", "%ED%A0%80", "%C0%AF", "..%2F..%2Fv1%2Fprojects", "%252F", "a%2F..%2F..%2F",
    };
    private static final String[] CONTENT_TYPES = {
        "application/json", "application/json; charset=utf-8", "application/json; charset=utf-16", "text/plain",
        "application/x-www-form-urlencoded", "multipart/form-data; boundary=XYZ", "multipart/form-data",
        "multipart/form-data; boundary=", "application/xml", "", "*/*", "application/json;;;;", "\u0001",
        "application/" + "j".repeat(2000), "APPLICATION/JSON", "application/merge-patch+json", "application/json; charset=latin1",
        "multipart/mixed; boundary=\"a b\"", "text/html; charset=\"",
    };

    private final Context ctx;

    FuzzCases(Context ctx) {
        this.ctx = ctx;
    }

    /** The case of index {@code i} for {@code seed}: the same pair always makes the same bytes. */
    Case make(long seed, int i) {
        HostileInputs in = new HostileInputs(new Random(seed ^ (i * 0x9E3779B97F4A7C15L)), ctx.receiverUrl());
        if (in.chance(0.05)) {
            return protocol(in);
        }
        return route(in);
    }

    // ---- well-formed HTTP, hostile content -------------------------------------------------

    private Case route(HostileInputs in) {
        Route route = in.pick(ROUTES);
        String method = in.chance(0.1) ? in.pick(METHODS) : route.method();
        boolean destructive = method.equalsIgnoreCase("DELETE");
        // Deleting only ever hits the sacrificial project; everything else may hit the real one.
        Target t = destructive || in.chance(0.1) ? ctx.victim() : ctx.main();
        String path = route.path()
            .replace("{pid}", segment(in, t.projectId()))
            .replace("{wid}", segment(in, t.webhookId()))
            .replace("{kid}", segment(in, destructive ? t.keyId() : "k" + in.random().nextInt(1000)))
            .replace("{did}", segment(in, t.deliveryId()));
        List<String> categories = new ArrayList<>();
        if (in.chance(0.1)) {
            path = mutatePath(in, path);
            categories.add("path");
        }
        String query = "";
        if (in.chance(0.3)) {
            query = query(in);
            categories.add("query");
        }
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {"Host", "127.0.0.1:" + ctx.port()});
        if (in.chance(0.85)) {
            headers.add(new String[] {"Connection", "close"});
        }
        String authCategory = auth(in, route, t, headers);
        if (authCategory != null) {
            categories.add(authCategory);
        }
        byte[] body = body(in, route, categories);
        boolean hasBody = body != null;
        if (hasBody) {
            String type = in.chance(0.75) ? "application/json" : in.pick(CONTENT_TYPES);
            if (!type.isEmpty() || in.chance(0.5)) {
                headers.add(new String[] {"Content-Type", type});
            }
            if (!type.equals("application/json")) {
                categories.add("content-type");
            }
        }
        boolean chunked = hasBody && in.chance(0.08);
        boolean[] badChunk = new boolean[1];
        if (in.chance(0.15)) {
            extraHeaders(in, headers, route);
            categories.add("headers");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8(method + " "));
        out.writeBytes(path.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(query.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(utf8(" HTTP/1.1\r\n"));
        for (String[] h : headers) {
            out.writeBytes((h[0] + ": " + h[1] + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        if (chunked) {
            out.writeBytes(utf8("Transfer-Encoding: chunked\r\n\r\n"));
            out.writeBytes(chunk(in, body, badChunk));
            categories.add("chunked");
        } else if (hasBody) {
            out.writeBytes(utf8("Content-Length: " + body.length + "\r\n\r\n"));
            out.writeBytes(body);
        } else {
            if (in.chance(0.3)) {
                out.writeBytes(utf8("Content-Length: 0\r\n"));
            }
            out.writeBytes(utf8("\r\n"));
        }
        String category = categories.isEmpty() ? "plain" : String.join("+", categories);
        return new Case(category, method + " " + route.path(), out.toByteArray(), method.equals("HEAD"),
            hasBody && body.length > ctx.maxRequestBytes(), badChunk[0] ? Tolerance.CLOSE_ON_BAD_CHUNK : Tolerance.NONE);
    }

    /** The real ID most of the time, else a hostile segment (already in request-line form). */
    private String segment(HostileInputs in, String real) {
        double roll = in.random().nextDouble();
        if (roll < 0.6 && real != null) {
            return real;
        } else if (roll < 0.8) {
            return in.pick(SEGMENTS);
        } else if (roll < 0.9) {
            return URLEncoder.encode(in.randomText(in.between(1, 20)), StandardCharsets.UTF_8).replace("+", "%20");
        } else if (roll < 0.95) {
            return in.randomText(in.between(1, 8)).replace(" ", "").replace("/", "").replace("?", "").replace("#", "")
                .replace("\r", "").replace("\n", "");
        }
        return "x".repeat(in.pick(37, 300, 5000));
    }

    private String mutatePath(HostileInputs in, String path) {
        return switch (in.random().nextInt(10)) {
            case 0 -> path + "/";
            case 1 -> path.replace("/", "//");
            case 2 -> path.toUpperCase(java.util.Locale.ROOT);
            case 3 -> path + "/extra";
            case 4 -> "/v1/../v1" + path.substring(3);
            case 5 -> path.substring(3);
            case 6 -> path + ";jsessionid=x";
            case 7 -> path + "#frag";
            case 8 -> path.replace("/v1/", "/v1/%2e/");
            default -> path.replaceFirst("/", "/%2F");
        };
    }

    private String query(HostileInputs in) {
        List<String> params = new ArrayList<>();
        for (int n = in.between(1, 4); n > 0; n--) {
            String key = in.pick("limit", "cursor", "status", "total", "queries[0]", "queries[]", "queries", "search",
                "offset", "%ZZ", "", "a[b][c]", "\u00fc", in.randomText(3));
            String value = switch (in.random().nextInt(9)) {
                case 0 -> in.pick("%ZZ", "%", "%0", "%00", "+", "%2B", "-1", "0", "101", "1e400", "99999999999999999999",
                    "abc", "", "=", "&", "failed", "delivered", "pending", "FAILED");
                case 1 -> URLEncoder.encode("{\"method\":\"" + in.pick("limit", "offset", "equal", "", "cursorAfter")
                    + "\",\"values\":[" + in.pick("5", "-1", "1e400", "18446744073709551621", "\"x\"", "null", "[1]",
                    "2147483647", "5000", "5001") + "]}", StandardCharsets.UTF_8);
                case 2 -> URLEncoder.encode(in.deep(in.between(10, 1000)), StandardCharsets.UTF_8);
                case 3 -> URLEncoder.encode(in.anyValue(0), StandardCharsets.UTF_8);
                case 4 -> in.pick("1:abc", "99999999999999999999:x", "1:" + "a".repeat(64), "1:-x", ":", "1:a b");
                case 5 -> in.randomText(in.between(1, 10)).replace(" ", "").replace("#", "").replace("\r", "")
                    .replace("\n", "");
                case 6 -> "x".repeat(in.between(100, 3000));
                case 7 -> "{bad";
                default -> String.valueOf(in.random().nextInt());
            };
            params.add(in.chance(0.1) ? key : key + "=" + value);
        }
        return "?" + String.join("&", params);
    }

    /** Adds the auth headers; answers a category when they are deliberately wrong. */
    private String auth(HostileInputs in, Route route, Target t, List<String[]> headers) {
        boolean admin = route.auth() == AuthKind.ADMIN || t == ctx.victim();
        String key = admin ? ctx.adminKey() : t.key();
        String project = t.projectId();
        if (in.chance(0.85)) {
            headers.add(new String[] {"X-Appwrite-Key", key});
            if (route.auth() == AuthKind.PROJECT_HEADER) {
                headers.add(new String[] {"X-Appwrite-Project", project});
            }
            return null;
        }
        String badKey = in.pick("", "wrong", ctx.otherProjectKey(), "k".repeat(600), key + " ", key.toUpperCase(java.util.Locale.ROOT),
            "\u00fc" + key, key + "\u0000", null);
        String badProject = in.pick(project, "", "nope", "a}:b", "x".repeat(5000), "\u00fc\u4e2d", "..", "%2F", null);
        if (badKey != null) {
            headers.add(new String[] {"X-Appwrite-Key", badKey});
        }
        if (badProject != null) {
            headers.add(new String[] {"X-Appwrite-Project", badProject});
        }
        return "auth";
    }

    private void extraHeaders(HostileInputs in, List<String[]> headers, Route route) {
        for (int n = in.between(1, 3); n > 0; n--) {
            headers.add(switch (in.random().nextInt(12)) {
                case 0 -> new String[] {"Idempotency-Key", in.pick("", " ", "k".repeat(256), "a b", "\u00fc", "ok-key-1",
                    "\u0001", "x".repeat(255))};
                case 1 -> new String[] {"X-Request-Id", in.pick("", "-x", "x".repeat(37), "\u00fc", "abc", "a\u0000b")};
                case 2 -> new String[] {"Content-Encoding", in.pick("gzip", "br", "deflate", "identity", "x")};
                case 3 -> new String[] {"Expect", in.pick("100-continue", "200-ok", "")};
                case 4 -> new String[] {"Accept", in.pick("text/html", "*/*", "", "application/json;q=0")};
                case 5 -> new String[] {"X-Appwrite-Response-Format", in.pick("0.15.0", "", "1.9.0", "x")};
                case 6 -> new String[] {"X-Forwarded-For", in.pick("127.0.0.1", "::1, 10.0.0.1", "garbage")};
                case 7 -> new String[] {"X-Big", "b".repeat(in.pick(100, 4000, 20_000))};
                case 8 -> new String[] {"X-Unicode", in.randomText(in.between(1, 10)).replace("\r", "").replace("\n", "")};
                case 9 -> new String[] {"Bad Header Name", "x"};
                case 10 -> new String[] {"X-Folded", "a\r\n  folded"};
                default -> new String[] {"Cookie", "a=b; " + "c=d; ".repeat(in.between(1, 200))};
            });
        }
    }

    /** A body for the route, or null for none; adds what kind of body it is to the categories. */
    private byte[] body(HostileInputs in, Route route, List<String> categories) {
        if (route.body() == Body.NONE) {
            if (in.chance(0.8)) {
                return null;
            }
            categories.add("body-on-bodiless");
            return in.chance(0.5) ? exotic(in, route) : in.damage(structured(in, Body.PROJECT));
        }
        double roll = in.random().nextDouble();
        if (roll < 0.4) {
            categories.add("fields");
            return structured(in, route.body()).getBytes(StandardCharsets.UTF_8);
        } else if (roll < 0.65) {
            categories.add("damaged");
            return in.damage(structured(in, route.body()));
        } else if (roll < 0.85) {
            categories.add("exotic");
            return exotic(in, route);
        } else if (roll < 0.93) {
            categories.add("empty");
            return in.chance(0.5) ? new byte[0] : null;
        }
        categories.add("random-bytes");
        return in.randomBytes(in.between(1, 3000));
    }

    private static List<String[]> fields(Body body) {
        return switch (body) {
            case PROJECT -> List.of(f("projectId", FieldType.ID), f("name", FieldType.NAME));
            case KEY -> List.of(f("name", FieldType.NAME), f("scopes", FieldType.SCOPES), f("expire", FieldType.DATE));
            case WEBHOOK_CREATE -> List.of(f("webhookId", FieldType.ID), f("url", FieldType.URL), f("name", FieldType.NAME),
                f("events", FieldType.EVENTS), f("enabled", FieldType.BOOL), f("tls", FieldType.BOOL),
                f("authUsername", FieldType.STRING), f("authPassword", FieldType.STRING), f("secret", FieldType.SECRET));
            case LEGACY_CREATE -> List.of(f("webhookId", FieldType.ID), f("url", FieldType.URL), f("name", FieldType.NAME),
                f("events", FieldType.EVENTS), f("enabled", FieldType.BOOL), f("security", FieldType.BOOL),
                f("httpUser", FieldType.STRING), f("httpPass", FieldType.STRING), f("signatureKey", FieldType.SECRET));
            case WEBHOOK_UPDATE -> List.of(f("url", FieldType.URL), f("name", FieldType.NAME), f("events", FieldType.EVENTS),
                f("enabled", FieldType.BOOL), f("tls", FieldType.BOOL), f("authUsername", FieldType.STRING),
                f("authPassword", FieldType.STRING));
            case LEGACY_UPDATE -> List.of(f("url", FieldType.URL), f("name", FieldType.NAME), f("events", FieldType.EVENTS),
                f("enabled", FieldType.BOOL), f("security", FieldType.BOOL), f("httpUser", FieldType.STRING),
                f("httpPass", FieldType.STRING));
            case ROTATE -> List.of(f("secret", FieldType.SECRET), f("graceSeconds", FieldType.INT));
            case LEGACY_ROTATE -> List.of(f("signatureKey", FieldType.SECRET), f("graceSeconds", FieldType.INT));
            case EVENTS -> List.of(f("event", FieldType.EVENT_NAME), f("payload", FieldType.PAYLOAD), f("userId", FieldType.ID),
                f("$id", FieldType.ID));
            case RECOVER -> List.<String[]>of(f("since", FieldType.DATE));
            case NONE -> List.of();
        };
    }

    private static String[] f(String name, FieldType type) {
        return new String[] {name, type.name()};
    }

    /** A JSON object of the route's fields (a random subset, sometimes an unknown one) with chosen values. */
    String structured(HostileInputs in, Body body) {
        return structured(in, body, true);
    }

    private String structured(HostileInputs in, Body body, boolean batchAllowed) {
        if (body == Body.EVENTS && batchAllowed && in.chance(0.4)) {
            List<String> events = new ArrayList<>();
            int n = in.chance(0.1) ? in.pick(0, 51, 200) : in.between(1, 8);
            for (int i = 0; i < n; i++) {
                events.add(in.chance(0.9) ? structured(in, Body.EVENTS, in.chance(0.05)) : in.anyValue(1));
            }
            List<String[]> batch = new ArrayList<>();
            batch.add(new String[] {"events", HostileInputs.array(events)});
            if (in.chance(0.1)) {
                batch.add(new String[] {in.pick("event", "payload", "extra"), in.anyValue(1)});
            }
            return HostileInputs.object(batch);
        }
        List<String[]> all = fields(body);
        List<String[]> chosen = new ArrayList<>();
        for (String[] field : all) {
            if (in.chance(0.85)) {
                chosen.add(new String[] {field[0], in.value(FieldType.valueOf(field[1]))});
            }
        }
        if (in.chance(0.1)) {
            chosen.add(new String[] {in.pick("extra", "", "$id", "__proto__", "constructor", "name", "\u00fc", "a\u0000b"),
                in.anyValue(1)});
        }
        Collections.shuffle(chosen, in.random());
        return HostileInputs.object(chosen);
    }

    private byte[] exotic(HostileInputs in, Route route) {
        return switch (in.random().nextInt(16)) {
            case 0 -> utf8(in.pick("", " ", "\r\n", "\t", "\u0000"));
            case 1 -> utf8(in.pick("null", "true", "123", "\"s\"", "[]", "[{}]", "{}", "{}{}", "{} x", "1e400", "NaN", "-"));
            case 2 -> utf8(in.deep(in.pick(65, 257, 1000, 10_000)));
            case 3 -> utf8("{" + str(in.pick("name", "events", "payload", "url", "since")) + ":" + in.deep(in.pick(63, 64,
                255, 256, 10_000)) + "}");
            case 4 -> utf8("{\"name\":" + str("x".repeat(in.pick(200_000, ctx.maxRequestBytes() + 10))) + "}");
            case 5 -> {
                StringBuilder b = new StringBuilder("{");
                for (int i = 0, n = in.between(1000, 20_000); i < n; i++) {
                    b.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":0");
                }
                yield utf8(b.append('}').toString());
            }
            case 6 -> utf8("{\"events\":" + in.pick("{}", "\"x\"", "null", "[[]]", "[null]", "[1]", "[{\"events\":[]}]") + "}");
            case 7 -> structured(in, route.body() == Body.NONE ? Body.PROJECT : route.body()).getBytes(StandardCharsets.UTF_16);
            case 8 -> utf8(in.pick("a=b&c=%ZZ", "projectId=x&name=y", "=&=&", "%"));
            case 9 -> utf8("--XYZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--XYZ--\r\n");
            case 10 -> utf8("--XYZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"../../x\"\r\n\r\nb\r\n");
            case 11 -> utf8("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>");
            case 12 -> utf8("{\"a\":\"" + "\\u0000".repeat(in.between(1, 100)) + "\",\"b\":\"\\ud800\\udc00\\udbff\"}");
            case 13 -> utf8("{\"events\":[" + String.join(",", Collections.nCopies(in.pick(50, 51, 1000),
                "{\"event\":\"users.u1.create\",\"payload\":{}}")) + "]}");
            case 14 -> utf8("{\"event\":\"users.u1.create\",\"payload\":{\"big\":" + str("y".repeat(in.pick(65_536, 70_000)))
                + "}}");
            default -> in.randomBytes(in.between(1, 100));
        };
    }

    /** The body as chunks; now and then a malformed chunk size (noted in {@code bad}), always terminated. */
    private static byte[] chunk(HostileInputs in, byte[] body, boolean[] bad) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < body.length) {
            int n = Math.min(body.length - at, in.between(1, 4096));
            String size = Integer.toHexString(n);
            if (in.chance(0.05)) {
                String odd = in.pick("zz", "-1", " " + size, size + ";ext=\"unterminated", size.toUpperCase(java.util.Locale.ROOT),
                    "0x" + size);
                bad[0] |= !odd.equalsIgnoreCase(size);
                size = odd;
            }
            out.writeBytes(utf8(size + "\r\n"));
            out.write(body, at, n);
            out.writeBytes(utf8("\r\n"));
            at += n;
        }
        out.writeBytes(utf8("0\r\n\r\n"));
        return out.toByteArray();
    }

    // ---- broken HTTP messages ------------------------------------------------------------

    private Case protocol(HostileInputs in) {
        String host = "Host: 127.0.0.1:" + ctx.port() + "\r\n";
        String admin = "X-Appwrite-Key: " + ctx.adminKey() + "\r\n";
        String close = "Connection: close\r\n";
        int which = in.random().nextInt(24);
        byte[] request = switch (which) {
            case 0 -> utf8("GET /v1/projects HTTP/9.9\r\n" + host + admin + close + "\r\n");
            case 1 -> utf8("GET /v1/projects\r\n\r\n");
            case 2 -> utf8("GET  /v1/projects  HTTP/1.1\r\n" + host + admin + close + "\r\n");
            case 3 -> utf8("get /v1/projects HTTP/1.1\r\n" + host + admin + close + "\r\n");
            case 4 -> utf8("G\u0000T /v1/projects HTTP/1.1\r\n" + host + close + "\r\n");
            case 5 -> utf8("GET http://127.0.0.1:" + ctx.port() + "/v1/projects HTTP/1.1\r\n" + host + admin + close + "\r\n");
            case 6 -> utf8("OPTIONS * HTTP/1.1\r\n" + host + close + "\r\n");
            case 7 -> utf8("CONNECT 127.0.0.1:1 HTTP/1.1\r\n" + host + close + "\r\n");
            case 8 -> HostileInputs.concat(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xa5, 0x01, 0x00, 0x00, (byte) 0xa1, 0x03,
                0x03}, utf8("\r\n\r\n"));
            case 9 -> utf8("\r\n\r\nGET /v1/projects HTTP/1.1\r\n" + host + admin + close + "\r\n");
            case 10 -> HostileInputs.concat(in.randomBytes(in.between(1, 500)), utf8("\r\n\r\n"));
            case 11 -> utf8("GET /v1/projects HTTP/1.1\r\n" + host + "Content-Length: abc\r\n" + close + "\r\n");
            case 12 -> utf8("POST /v1/events HTTP/1.1\r\n" + host + "Content-Length: 5\r\nContent-Length: 6\r\n" + close
                + "\r\n123456");
            case 13 -> utf8("POST /v1/events HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n" + close
                + "\r\n0\r\n\r\n");
            case 14 -> utf8("GET /v1/projects HTTP/1.1\r\n" + host + "NoColonHere\r\n" + close + "\r\n");
            case 15 -> utf8("GET /v1/projects HTTP/1.1\r\n" + host + " folded: header\r\n" + close + "\r\n");
            case 16 -> utf8("GET /" + "a".repeat(5000) + " HTTP/1.1\r\n" + host + close + "\r\n");
            case 17 -> utf8("GET /v1/projects HTTP/1.1\r\n" + host + "X-Big: " + "b".repeat(20_000) + "\r\n" + close + "\r\n");
            case 18 -> utf8("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            case 19 -> utf8("GET /v1/projects HTTP/1.1\n" + "Host: 127.0.0.1\n" + admin.replace("\r", "") + "Connection: close\n\n");
            case 20 -> utf8("GET /v1/projects HTTP/1.0\r\n\r\n");
            case 21 -> utf8("POST /v1/events HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip, chunked\r\n" + close
                + "\r\n0\r\n\r\n");
            case 22 -> HostileInputs.concat(utf8("GET /v1/\u00fc\u4e2d HTTP/1.1\r\n" + host + close), new byte[] {
                'X', ':', ' ', (byte) 0xff, (byte) 0xfe, '\r', '\n', '\r', '\n'});
            default -> utf8("POST /v1/events HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n" + close
                + "\r\nzz\r\nabc\r\n0\r\n\r\n");
        };
        Tolerance tolerance = which == 0 ? Tolerance.VERTX_501_FOR_UNKNOWN_VERSION
            : which == 23 ? Tolerance.CLOSE_ON_BAD_CHUNK : Tolerance.NONE;
        return new Case("protocol-" + which, "(raw)", request, false, false, tolerance);
    }
}
