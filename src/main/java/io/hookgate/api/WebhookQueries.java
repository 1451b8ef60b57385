package io.hookgate.api;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.bus.ErrorCode;
import io.hookgate.bus.RequestFailure;
import io.hookgate.model.Ids;
import io.hookgate.model.WebhookQuery;
import java.io.IOException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code queries[]} and {@code total} of a webhook list, read and checked as Appwrite 1.9.5 does
 * (its Queries\\Webhooks validator over utopia-php/database 6.0.0's Query, Filter, Order, Cursor, Limit and
 * Offset validators), with its messages. Appwrite checks {@code queries} as a route parameter, so a bad
 * query is {@code 400 general_argument_invalid} with {@code Invalid `queries` param: } before the
 * validator's message (utopia-php/http wraps it; Appwrite's {@code general_query_invalid} is only
 * thrown for a query that passed the validator and still fails to parse, which cannot happen).
 *
 * <p>The attributes are those Appwrite lets a webhook list filter and order on, plus its internal
 * {@code $id}, {@code $createdAt}, {@code $updatedAt} and {@code $sequence}. Appwrite's names of its
 * columns, {@code security} and {@code httpUser}, are taken for {@code tls} and {@code authUsername}
 * (Appwrite rewrites the API names into them before it validates, so its messages name the columns, and
 * so do these). Of several limits, offsets or cursors the first counts, as in Appwrite.
 *
 * <p>Where Hookgate answers otherwise (docs/api.md lists it): {@code limit} is at most 5000;
 * {@code search} and {@code notSearch} are refused with the message Appwrite's database fails with (webhooks
 * have no full-text index; Appwrite answers that with a 500); {@code regex}, {@code orderRandom} and
 * filters on {@code $sequence} are refused (Hookgate keeps no sequence numbers: ordering by
 * {@code $sequence} is creation order).
 */
final class WebhookQueries {
    static final int DEFAULT_LIMIT = 25;
    static final int MAX_LIMIT = 5000;
    private static final int MAX_OFFSET = Integer.MAX_VALUE - MAX_LIMIT;
    private static final int MAX_VALUES = 5000;
    private static final int MAX_DEPTH = 32;
    private static final ObjectMapper JSON = mapper();
    /** What utopia-php/http puts before a parameter validator's description. */
    private static final String PARAM = "Invalid `queries` param: ";

    private enum Type { STRING, BOOLEAN, INTEGER, DATETIME, STRINGS, SEQUENCE }

    /** Appwrite's name of each attribute (its column, in messages) and type; keyed by the names a query may use. */
    private record Attribute(String name, String column, Type type) {
    }

    private static final Map<String, Attribute> ATTRIBUTES = attributes();

    private static final Set<String> FILTERS = Set.of("equal", "notEqual", "lessThan", "lessThanEqual", "greaterThan",
        "greaterThanEqual", "contains", "containsAny", "notContains", "containsAll", "search", "notSearch", "isNull",
        "isNotNull", "between", "notBetween", "startsWith", "notStartsWith", "endsWith", "notEndsWith", "regex",
        "exists", "notExists", "and", "or", "elemMatch", "crosses", "notCrosses", "distanceEqual", "distanceNotEqual",
        "distanceGreaterThan", "distanceLessThan", "intersects", "notIntersects", "overlaps", "notOverlaps", "touches",
        "notTouches", "vectorDot", "vectorCosine", "vectorEuclidean");
    private static final Set<String> OTHERS = Set.of("select", "orderAsc", "orderDesc", "orderRandom", "limit",
        "offset", "cursorAfter", "cursorBefore");
    private static final Set<String> AT_LEAST_ONE = Set.of("equal", "contains", "containsAny", "notContains",
        "containsAll", "exists", "notExists");
    private static final Set<String> EXACTLY_ONE = Set.of("notEqual", "lessThan", "lessThanEqual", "greaterThan",
        "greaterThanEqual", "search", "notSearch", "startsWith", "notStartsWith", "endsWith", "notEndsWith", "regex");
    private static final Set<String> ON_ARRAYS = Set.of("contains", "containsAny", "containsAll", "notContains",
        "isNull", "isNotNull", "exists", "notExists");
    private static final Set<String> SPATIAL = Set.of("crosses", "notCrosses", "intersects", "notIntersects",
        "overlaps", "notOverlaps", "touches", "notTouches");

    private WebhookQueries() {
    }

    private static ObjectMapper mapper() {
        ObjectMapper m = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build());
        return m;
    }

    private static Map<String, Attribute> attributes() {
        Map<String, Attribute> m = new java.util.HashMap<>();
        for (String s : List.of("name", "url", "logs", "$id")) {
            m.put(s, new Attribute(s, s, Type.STRING));
        }
        m.put("authUsername", new Attribute("authUsername", "httpUser", Type.STRING));
        m.put("httpUser", m.get("authUsername"));
        m.put("tls", new Attribute("tls", "security", Type.BOOLEAN));
        m.put("security", m.get("tls"));
        m.put("enabled", new Attribute("enabled", "enabled", Type.BOOLEAN));
        m.put("attempts", new Attribute("attempts", "attempts", Type.INTEGER));
        m.put("events", new Attribute("events", "events", Type.STRINGS));
        m.put("$createdAt", new Attribute("$createdAt", "$createdAt", Type.DATETIME));
        m.put("$updatedAt", new Attribute("$updatedAt", "$updatedAt", Type.DATETIME));
        m.put("$sequence", new Attribute("$sequence", "$sequence", Type.SEQUENCE));
        return Map.copyOf(m);
    }

    /**
     * The query of a list request: {@code queries} in their order, {@code total} the raw parameter (null when
     * absent; Appwrite's loose boolean: true, false, 1, 0 or their strings).
     */
    static WebhookQuery parse(List<String> queries, String total) {
        List<WebhookQuery.Filter> filters = new ArrayList<>();
        List<WebhookQuery.Order> orders = new ArrayList<>();
        Integer limit = null;
        Integer offset = null;
        String cursor = null;
        boolean before = false;
        for (String text : queries) {
            JsonNode q = parseJson(text);
            String method = q.get("method").textValue();
            switch (method) {
                case "limit" -> {
                    int n = number(q, "limit", 1, MAX_LIMIT);
                    limit = limit == null ? n : limit;
                }
                case "offset" -> {
                    int n = number(q, "offset", 0, MAX_OFFSET);
                    offset = offset == null ? n : offset;
                }
                case "cursorAfter", "cursorBefore" -> {
                    JsonNode v = first(q);
                    if (!v.isTextual() || !Ids.isValid(v.textValue())) {
                        throw invalid("Invalid cursor: UID must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9,"
                            + " and underscore. Can't start with a leading underscore");
                    }
                    if (cursor == null) {
                        cursor = v.textValue();
                        before = method.equals("cursorBefore");
                    }
                }
                case "orderAsc", "orderDesc" -> orders.add(new WebhookQuery.Order(orderAttribute(q),
                    method.equals("orderDesc")));
                case "orderRandom" -> throw invalid("Hookgate does not order webhooks at random.");
                // Appwrite's webhooks validator has no Select validator: the method itself is refused.
                case "select" -> throw new RequestFailure(ErrorCode.ARGUMENT_INVALID, PARAM + "Invalid query method: select");
                default -> filters.add(filter(q));
            }
        }
        return new WebhookQuery(List.copyOf(filters), List.copyOf(orders), limit == null ? DEFAULT_LIMIT : limit,
            offset == null ? 0 : offset, cursor, before, total == null || looseBoolean(total));
    }

    /** Appwrite's Query::parse: an object with a known {@code method}, a string {@code attribute}, array {@code values}. */
    private static JsonNode parseJson(String text) {
        JsonNode q;
        try {
            q = JSON.readTree(text);
        } catch (IOException e) {
            q = null;
        }
        if (q == null || q.isMissingNode()) {
            // PHP's json_decode: anything but one JSON value (empty, trailing text, broken) is a syntax error.
            throw invalid("Invalid query: Syntax error");
        }
        return checkShape(q);
    }

    private static JsonNode checkShape(JsonNode q) {
        if (q.isArray()) {
            // A JSON list is a PHP array too: one without a method.
            q = JSON.createObjectNode();
        }
        if (!q.isObject()) {
            throw invalid("Invalid query. Must be an array, got " + phpType(q));
        }
        // PHP's `$query['method'] ?? ''`: null is absent, as for the attribute and the values.
        JsonNode method = q.path("method");
        if (!method.isMissingNode() && !method.isNull() && !method.isTextual()) {
            throw invalid("Invalid query method. Must be a string, got " + phpType(method));
        }
        String m = method.asText("");
        if (!FILTERS.contains(m) && !OTHERS.contains(m)) {
            throw invalid("Invalid query method: " + m);
        }
        JsonNode attribute = q.path("attribute");
        if (!attribute.isMissingNode() && !attribute.isNull() && !attribute.isTextual()) {
            throw invalid("Invalid query attribute. Must be a string, got " + phpType(attribute));
        }
        JsonNode values = q.path("values");
        if (!values.isMissingNode() && !values.isNull() && !values.isArray()) {
            throw invalid("Invalid query values. Must be an array, got " + phpType(values));
        }
        if (m.equals("and") || m.equals("or") || m.equals("elemMatch")) {
            for (JsonNode nested : values) {
                checkShape(nested);
            }
        }
        return q;
    }

    private static String attribute(JsonNode q) {
        return q.path("attribute").asText("");
    }

    private static JsonNode values(JsonNode q) {
        JsonNode v = q.path("values");
        return v.isArray() ? v : JSON.createArrayNode();
    }

    private static JsonNode first(JsonNode q) {
        return values(q).path(0);
    }

    /** Appwrite's Limit and Offset validators: a number (PHP's is_numeric), then an integer in range. */
    private static int number(JsonNode q, String what, long min, long max) {
        JsonNode v = first(q);
        String text = v.isNumber() ? v.asText() : v.isTextual() ? v.textValue().strip() : null;
        if (text == null || !text.matches("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?")) {
            // Appwrite's Offset validator says "limit" here too.
            throw invalid("Invalid limit: Value must be a valid number");
        }
        long n;
        try {
            n = Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
        } catch (NumberFormatException e) {
            n = Long.MIN_VALUE;
        }
        if (n < min || n > max) {
            throw invalid("Invalid " + what + ": Value must be a valid range between " + String.format(Locale.ROOT,
                "%,d", min) + " and " + String.format(Locale.ROOT, "%,d", max));
        }
        return (int) n;
    }

    private static String orderAttribute(JsonNode q) {
        String name = attribute(q);
        Attribute a = ATTRIBUTES.get(name);
        if (a == null && name.contains(".") && ATTRIBUTES.containsKey(name.substring(0, name.indexOf('.')))) {
            throw invalid("Cannot order by nested attribute: " + name.substring(0, name.indexOf('.')));
        }
        if (a == null) {
            throw invalid("Attribute not found in schema: " + name);
        }
        return a.name();
    }

    /** Appwrite's Filter validator, then what Hookgate does not run. */
    private static WebhookQuery.Filter filter(JsonNode q) {
        String method = q.get("method").textValue();
        JsonNode values = values(q);
        String label = Character.toUpperCase(method.charAt(0)) + method.substring(1);
        switch (method) {
            case "and", "or" -> {
                List<WebhookQuery.Filter> nested = new ArrayList<>();
                for (JsonNode n : values) {
                    String m = n.get("method").textValue();
                    if (!FILTERS.contains(m)) {
                        throw invalid(label + " queries can only contain filter queries");
                    }
                    nested.add(filter(n));
                }
                if (nested.size() < 2) {
                    throw invalid(label + " queries require at least two queries");
                }
                return new WebhookQuery.Group(method.equals("and"), List.copyOf(nested));
            }
            case "elemMatch" -> throw invalid("elemMatch is not supported by the database");
            case "vectorDot", "vectorCosine", "vectorEuclidean" -> {
                attributeOf(attribute(q));
                throw invalid("Vector queries can only be used on vector attributes");
            }
            case "distanceEqual", "distanceNotEqual", "distanceGreaterThan", "distanceLessThan" -> {
                if (values.size() != 1 || !values.get(0).isArray() || values.get(0).size() != 3) {
                    throw invalid("Distance query requires [[geometry, distance]] parameters");
                }
                Attribute a = attributeOf(attribute(q));
                throw invalid("Spatial query \"" + method + "\" cannot be applied on non-spatial attribute: " + a.column());
            }
            default -> {
            }
        }
        if ((AT_LEAST_ONE.contains(method) || SPATIAL.contains(method)) && (values.isEmpty()
            || values.get(0).isArray() && values.get(0).isEmpty())) {
            throw invalid(label + " queries require at least one value.");
        }
        if (EXACTLY_ONE.contains(method) && values.size() != 1) {
            throw invalid(label + " queries require exactly one value.");
        }
        if ((method.equals("between") || method.equals("notBetween")) && values.size() != 2) {
            throw invalid(label + " queries require exactly two values.");
        }
        Attribute a = attributeOf(attribute(q));
        if (method.equals("exists") || method.equals("notExists")) {
            // Appwrite's validator lets them by; its SQL adapters then fail ("not supported by this database").
            throw invalid("Exists queries are not supported by this database");
        }
        if (a.type() == Type.SEQUENCE) {
            throw invalid("Hookgate keeps no $sequence values: filter on $createdAt, or order by $sequence (creation"
                + " order).");
        }
        if (values.size() > MAX_VALUES) {
            throw invalid("Query on attribute has greater than " + MAX_VALUES + " values: " + a.column());
        }
        if (SPATIAL.contains(method)) {
            throw invalid("Spatial query \"" + method + "\" cannot be applied on non-spatial attribute: " + a.column());
        }
        List<Object> parsed = new ArrayList<>(values.size());
        for (JsonNode v : values) {
            parsed.add(value(a, v));
        }
        boolean onArray = a.type() == Type.STRINGS;
        boolean containsLike = method.startsWith("contains") || method.equals("notContains");
        if (!onArray && containsLike && a.type() != Type.STRING) {
            throw invalid("Cannot query " + (method.equals("notContains") ? "notContains" : "contains")
                + " on attribute \"" + a.column() + "\" because it is not an array, string, or object.");
        }
        if (onArray && !ON_ARRAYS.contains(method)) {
            throw invalid("Cannot query " + method + " on attribute \"" + a.column() + "\" because it is an array.");
        }
        if (method.equals("search") || method.equals("notSearch")) {
            // Passes Appwrite's validator; its database then refuses it: webhooks have no full-text index.
            throw invalid("Searching by attribute \"" + a.column() + "\" requires a fulltext index.");
        }
        if (method.equals("regex")) {
            throw invalid("Hookgate does not run regex queries.");
        }
        return new WebhookQuery.Condition(method, a.name(), List.copyOf(parsed));
    }

    private static Attribute attributeOf(String name) {
        Attribute a = ATTRIBUTES.get(name.contains(".") ? null : name);
        if (a == null) {
            throw invalid("Attribute not found in schema: " + (name.contains(".") ? name.substring(0, name.indexOf('.'))
                : name));
        }
        return a;
    }

    /** A value checked against the attribute's type (Appwrite: Text, Boolean, Integer 32-bit, Datetime). */
    private static Object value(Attribute a, JsonNode v) {
        Object out = switch (a.type()) {
            case STRING, STRINGS -> v.isTextual() ? v.textValue() : null;
            case BOOLEAN -> v.isBoolean() ? v.booleanValue() : null;
            case INTEGER -> v.isIntegralNumber() && v.canConvertToInt() ? (Object) v.longValue() : null;
            case DATETIME -> v.isTextual() ? datetime(v.textValue()) : null;
            case SEQUENCE -> null;
        };
        if (out == null) {
            throw invalid("Query value is invalid for attribute \"" + a.column() + "\"");
        }
        return out;
    }

    /** Epoch ms of an ISO 8601 date or date-time (UTC when it has no offset), or null. */
    static Long datetime(String text) {
        String t = text.strip().replace(' ', 'T');
        try {
            return OffsetDateTime.parse(t).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            // no offset: UTC, as Appwrite's server
        }
        try {
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            // a date alone
        }
        try {
            return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Appwrite's Boolean(loose): true, false, 1, 0, "true", "false", "1", "0". */
    private static boolean looseBoolean(String value) {
        return switch (value) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new RequestFailure(ErrorCode.ARGUMENT_INVALID,
                "Invalid `total` param: Value must be a valid boolean");
        };
    }

    /** PHP's gettype of a decoded JSON value. */
    private static String phpType(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            return "NULL";
        }
        if (n.isBoolean()) {
            return "boolean";
        }
        if (n.isIntegralNumber()) {
            return "integer";
        }
        if (n.isNumber()) {
            return "double";
        }
        return n.isTextual() ? "string" : "array";
    }

    private static RequestFailure invalid(String message) {
        return new RequestFailure(ErrorCode.ARGUMENT_INVALID, PARAM + "Invalid query: " + message);
    }
}
