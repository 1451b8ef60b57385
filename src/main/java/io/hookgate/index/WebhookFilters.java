package io.hookgate.index;

import io.hookgate.model.Webhook;
import io.hookgate.model.WebhookQuery;
import java.util.List;

/**
 * Appwrite's query filters on a webhook, as its SQL adapter reads them (utopia-php/database 6.0.0,
 * {@code SQL::getSQLCondition}): {@code equal} is any of the values; {@code notEqual}, the comparisons,
 * {@code startsWith} and {@code endsWith} (and their {@code not} forms) take one value; {@code between}
 * two, both ends included; {@code contains} on a string is a substring (any of the values), on
 * {@code events} an element (any of them; {@code containsAll}: all of them); no attribute of a webhook is
 * ever null. The values were checked against the attribute's type by the API.
 */
final class WebhookFilters {
    private WebhookFilters() {
    }

    static boolean matches(Webhook w, List<WebhookQuery.Filter> filters) {
        for (WebhookQuery.Filter f : filters) {
            if (!matches(w, f)) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(Webhook w, WebhookQuery.Filter filter) {
        if (filter instanceof WebhookQuery.Group g) {
            for (WebhookQuery.Filter f : g.filters()) {
                if (matches(w, f) != g.and()) {
                    return !g.and();
                }
            }
            return g.and();
        }
        WebhookQuery.Condition c = (WebhookQuery.Condition) filter;
        Object v = value(w, c.attribute());
        List<Object> values = c.values();
        return switch (c.method()) {
            case "isNull" -> false;
            case "isNotNull" -> true;
            case "equal" -> values.contains(v);
            case "notEqual" -> !v.equals(values.get(0));
            case "lessThan" -> compare(v, values.get(0)) < 0;
            case "lessThanEqual" -> compare(v, values.get(0)) <= 0;
            case "greaterThan" -> compare(v, values.get(0)) > 0;
            case "greaterThanEqual" -> compare(v, values.get(0)) >= 0;
            case "between" -> compare(v, values.get(0)) >= 0 && compare(v, values.get(1)) <= 0;
            case "notBetween" -> compare(v, values.get(0)) < 0 || compare(v, values.get(1)) > 0;
            case "startsWith" -> ((String) v).startsWith((String) values.get(0));
            case "notStartsWith" -> !((String) v).startsWith((String) values.get(0));
            case "endsWith" -> ((String) v).endsWith((String) values.get(0));
            case "notEndsWith" -> !((String) v).endsWith((String) values.get(0));
            case "contains", "containsAny" -> containsAny(v, values);
            case "notContains" -> !containsAny(v, values);
            case "containsAll" -> containsAll(v, values);
            default -> throw new IllegalArgumentException("unknown filter method " + c.method());
        };
    }

    private static boolean containsAny(Object value, List<Object> xs) {
        for (Object x : xs) {
            if (contains(value, x)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsAll(Object value, List<Object> xs) {
        for (Object x : xs) {
            if (!contains(value, x)) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(Object value, Object x) {
        return value instanceof List<?> list ? list.contains(x) : ((String) value).contains((String) x);
    }

    private static int compare(Object value, Object x) {
        return WebhookListing.compareValues(value, x);
    }

    /** The attribute's value: a String, Boolean, Long (dates: epoch ms) or, for {@code events}, a List. */
    static Object value(Webhook w, String attribute) {
        return switch (attribute) {
            case "$id" -> w.id();
            case "$createdAt" -> w.createdAt();
            case "$updatedAt" -> w.updatedAt();
            case "name" -> w.name();
            case "url" -> w.url();
            case "authUsername" -> w.authUsername();
            case "tls" -> w.tls();
            case "events" -> w.events();
            case "enabled" -> w.enabled();
            case "logs" -> w.logs();
            case "attempts" -> (long) w.attempts();
            default -> throw new IllegalArgumentException("unknown attribute " + attribute);
        };
    }
}
