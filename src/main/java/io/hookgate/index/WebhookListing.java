package io.hookgate.index;

import io.hookgate.model.Webhook;
import io.hookgate.model.WebhookQuery;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * Answers Appwrite's list queries from this replica's in-memory webhooks, with the semantics of
 * Appwrite 1.9.5's {@code GET /v1/webhooks} (its SQL adapter in utopia-php/database 6.0.0).
 *
 * <p>Why here and not from Redis: every replica holds every webhook anyway (to match events), and
 * filters and orders on any attribute need every webhook of the project looked at; reading a project's
 * 100 000 webhooks from Redis for each page would cost seconds. What a page costs:
 * <ul>
 *   <li>Creation order (no {@code orderAsc}/{@code orderDesc}): each project keeps its webhooks sorted by
 *   creation ({@code $createdAt}, then {@code $id}) in a tree. A cursor is found in O(log n) and the page
 *   read from there: O(log n + offset + limit), the same for the first page and the thousandth; with
 *   filters, plus the webhooks skipped for not matching.</li>
 *   <li>Any other order: one pass over the project's webhooks keeps the best {@code offset + limit} that
 *   come after the cursor in a bounded heap: O(n log(offset + limit)) per page, however many pages were
 *   read before.</li>
 *   <li>{@code total}: counts matching webhooks up to 5000, Appwrite's {@code APP_LIMIT_COUNT}; O(1)
 *   without filters.</li>
 * </ul>
 *
 * <p>Order is stable: every order ends with creation order ascending, as Appwrite's ends with its
 * {@code $sequence}. A cursor names a webhook; the page is what comes right after it (or right before,
 * for {@code cursorBefore}) in the query's order, whether or not the cursor webhook matches the filters.
 * Strings compare by UTF-16 code units, case-sensitively.
 */
final class WebhookListing {
    /** Appwrite counts at most this many ({@code APP_LIMIT_COUNT}). */
    static final int MAX_TOTAL = 5000;

    /** Creation order: {@code $createdAt}, then {@code $id} (the order of the project's {@code webhooks} zset). */
    static final Comparator<Webhook> CREATION = Comparator.comparingLong(Webhook::createdAt).thenComparing(Webhook::id);

    private WebhookListing() {
    }

    /**
     * The page of {@code all} (one kind of one project's webhooks, in creation order) that {@code q} asks for,
     * {@code cursor} the webhook its cursor names (null without one).
     */
    static WebhookQuery.Page page(NavigableSet<Webhook> all, WebhookQuery q, Webhook cursor) {
        int total = q.total() ? count(all, q.filters()) : 0;
        List<Webhook> page = q.orders().isEmpty() ? inCreationOrder(all, q, cursor) : sorted(all, q, cursor);
        return new WebhookQuery.Page(total, page);
    }

    private static int count(NavigableSet<Webhook> all, List<WebhookQuery.Filter> filters) {
        if (filters.isEmpty()) {
            return Math.min(all.size(), MAX_TOTAL);
        }
        int n = 0;
        for (Iterator<Webhook> it = all.iterator(); it.hasNext() && n < MAX_TOTAL; ) {
            if (WebhookFilters.matches(it.next(), filters)) {
                n++;
            }
        }
        return n;
    }

    private static List<Webhook> inCreationOrder(NavigableSet<Webhook> all, WebhookQuery q, Webhook cursor) {
        NavigableSet<Webhook> from = cursor == null ? all
            : q.cursorBefore() ? all.headSet(cursor, false).descendingSet() : all.tailSet(cursor, false);
        List<Webhook> out = take(from.iterator(), q);
        if (cursor != null && q.cursorBefore()) {
            Collections.reverse(out);
        }
        return out;
    }

    /** Skips {@code offset} matching webhooks, then takes {@code limit}. */
    private static List<Webhook> take(Iterator<Webhook> it, WebhookQuery q) {
        List<Webhook> out = new ArrayList<>(Math.min(q.limit(), 64));
        int skip = q.offset();
        while (it.hasNext() && out.size() < q.limit()) {
            Webhook w = it.next();
            if (!WebhookFilters.matches(w, q.filters())) {
                continue;
            }
            if (skip > 0) {
                skip--;
            } else {
                out.add(w);
            }
        }
        return out;
    }

    private static List<Webhook> sorted(NavigableSet<Webhook> all, WebhookQuery q, Webhook cursor) {
        Comparator<Webhook> order = comparator(q.orders());
        // cursorBefore reads backwards from the cursor (as Appwrite's SQL turns every direction round).
        Comparator<Webhook> reading = cursor != null && q.cursorBefore() ? order.reversed() : order;
        long keep = (long) q.offset() + q.limit();
        if (keep > Integer.MAX_VALUE - 1) {
            return List.of();
        }
        // The kept ones, worst first: a new webhook better than the worst replaces it.
        PriorityQueue<Webhook> best = new PriorityQueue<>((int) Math.min(keep, 1024) + 1, reading.reversed());
        for (Webhook w : all) {
            if (cursor != null && reading.compare(w, cursor) <= 0 || !WebhookFilters.matches(w, q.filters())) {
                continue;
            }
            if (best.size() < keep) {
                best.add(w);
            } else if (reading.compare(w, best.peek()) < 0) {
                best.poll();
                best.add(w);
            }
        }
        List<Webhook> out = new ArrayList<>(best);
        out.sort(reading);
        out = out.subList(Math.min(q.offset(), out.size()), out.size());
        if (cursor != null && q.cursorBefore()) {
            Collections.reverse(out);
        }
        return new ArrayList<>(out);
    }

    /**
     * The query's orders, then creation order ascending: Appwrite's {@code $sequence}, which it adds unless an
     * order is on {@code $id} or {@code $sequence} (where it would change nothing).
     */
    static Comparator<Webhook> comparator(List<WebhookQuery.Order> orders) {
        Comparator<Webhook> c = null;
        for (WebhookQuery.Order o : orders) {
            // $sequence is Appwrite's insertion counter: creation order here.
            Comparator<Webhook> one = o.attribute().equals("$sequence") ? CREATION
                : (a, b) -> compareValues(WebhookFilters.value(a, o.attribute()), WebhookFilters.value(b, o.attribute()));
            one = o.descending() ? one.reversed() : one;
            c = c == null ? one : c.thenComparing(one);
        }
        return c == null ? CREATION : c.thenComparing(CREATION);
    }

    @SuppressWarnings("unchecked")
    static int compareValues(Object a, Object b) {
        if (a instanceof List<?> x && b instanceof List<?> y) {
            for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
                int c = compareValues(x.get(i), y.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(x.size(), y.size());
        }
        return ((Comparable<Object>) Objects.requireNonNull(a)).compareTo(b);
    }
}
