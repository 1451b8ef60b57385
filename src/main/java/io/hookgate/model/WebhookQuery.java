package io.hookgate.model;

import java.util.List;

/**
 * A page of a project's webhooks as Appwrite's {@code queries[]} ask for it, already validated: filters
 * (all must hold), orders (then creation order breaks ties), at most {@code limit} webhooks after
 * skipping {@code offset}, counted from a cursor webhook when there is one, and whether to count the
 * total. Attribute names are the model's current ones ({@code tls}, {@code authUsername}, ...,
 * {@code $id}, {@code $createdAt}, {@code $updatedAt}); values are {@code String}, {@code Boolean},
 * {@code Long}, or epoch milliseconds ({@code Long}) for the two dates.
 */
public record WebhookQuery(List<Filter> filters, List<Order> orders, int limit, int offset, String cursor,
                           boolean cursorBefore, boolean total) {

    /** What a query found: a page, and the total (0 when not asked for). */
    public record Page(int total, List<Webhook> webhooks) {
    }

    /** A filter: one condition, or an {@code and} / {@code or} of filters. */
    public sealed interface Filter permits Condition, Group {
    }

    /** {@code method} is one of Appwrite's filter methods ({@code equal}, {@code lessThan}, ...). */
    public record Condition(String method, String attribute, List<Object> values) implements Filter {
    }

    public record Group(boolean and, List<Filter> filters) implements Filter {
    }

    public record Order(String attribute, boolean descending) {
    }
}
