package io.hookgate.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.model.Webhook;
import io.hookgate.model.WebhookQuery;
import io.hookgate.model.WebhookQuery.Condition;
import io.hookgate.model.WebhookQuery.Filter;
import io.hookgate.model.WebhookQuery.Group;
import io.hookgate.model.WebhookQuery.Order;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/** Appwrite's list queries over the index: filters, orders, cursors both ways, totals; and a page at 100 000. */
class WebhookListingTest {
    private static final String P = "p1";
    private static final long T0 = 1_700_000_000_000L;

    /** Webhook {@code wNNNNN}, created at T0 + i / 2 ms (two per millisecond: ties broken by ID). */
    private static Webhook webhook(int i, String name, List<String> events, boolean enabled, int attempts) {
        return new Webhook(String.format("w%05d", i), P, name, "https://h" + (i % 7) + ".example.com/" + i, events,
            i % 2 == 0, i % 3 == 0 ? "user" + i : "", "", "s", enabled, attempts > 0 ? "Status code: 500" : "", attempts,
            T0 + i / 2, T0 + 1000 + i, List.of());
    }

    private static SubscriptionIndex index(List<Webhook> webhooks) {
        SubscriptionIndex index = new SubscriptionIndex();
        index.putProject(P, List.of(), List.of());
        // Not in creation order: the listing's order must not depend on arrival.
        List<Webhook> shuffled = new ArrayList<>(webhooks);
        java.util.Collections.shuffle(shuffled, new java.util.Random(7));
        shuffled.forEach(index::putWebhook);
        return index;
    }

    private static List<Webhook> sample(int n) {
        return IntStream.range(0, n).mapToObj(i -> webhook(i, "name" + (i % 5), i % 4 == 0
            ? List.of("users.*", "teams.*") : List.of("users.*.create"), i % 6 != 0, i % 5)).toList();
    }

    private static WebhookQuery query(List<Filter> filters, List<Order> orders, int limit, int offset, String cursor,
                                      boolean before) {
        return new WebhookQuery(filters, orders, limit, offset, cursor, before, true);
    }

    private static List<String> ids(WebhookQuery.Page page) {
        return page.webhooks().stream().map(Webhook::id).toList();
    }

    private static WebhookQuery.Page list(SubscriptionIndex index, WebhookQuery q) {
        return index.list(P, false, q).orElseThrow();
    }

    /** Every page, following cursorAfter from the last of each page (as an SDK does). */
    private static List<String> allPagesAfter(SubscriptionIndex index, List<Filter> filters, List<Order> orders,
                                              int limit) {
        List<String> out = new ArrayList<>();
        String cursor = null;
        while (true) {
            List<String> page = ids(list(index, query(filters, orders, limit, 0, cursor, false)));
            out.addAll(page);
            if (page.size() < limit) {
                return out;
            }
            cursor = page.get(page.size() - 1);
        }
    }

    @Test
    void cursorsWalkTheWholeCreationOrderBothWaysWithoutGapsOrRepeats() {
        List<Webhook> all = sample(103);
        SubscriptionIndex index = index(all);
        List<String> expected = all.stream().sorted(WebhookListing.CREATION).map(Webhook::id).toList();

        assertThat(allPagesAfter(index, List.of(), List.of(), 10)).isEqualTo(expected);
        // Backwards from the last one with cursorBefore: each page is in the forward order.
        List<String> backwards = new ArrayList<>();
        String cursor = expected.get(expected.size() - 1);
        while (true) {
            List<String> page = ids(list(index, query(List.of(), List.of(), 10, 0, cursor, true)));
            backwards.addAll(0, page);
            if (page.size() < 10) {
                break;
            }
            cursor = page.get(0);
        }
        assertThat(backwards).isEqualTo(expected.subList(0, expected.size() - 1));
        // Offset counts from the cursor.
        assertThat(ids(list(index, query(List.of(), List.of(), 3, 2, expected.get(10), false))))
            .isEqualTo(expected.subList(13, 16));
        assertThat(ids(list(index, query(List.of(), List.of(), 3, 2, expected.get(10), true))))
            .isEqualTo(expected.subList(5, 8));
        assertThat(list(index, query(List.of(), List.of(), 3, 0, null, false)).total()).isEqualTo(103);
    }

    @Test
    void filtersFollowAppwritesSqlMeaning() {
        List<Webhook> all = sample(60);
        SubscriptionIndex index = index(all);
        Map<String, Function<Webhook, Boolean>> cases = Map.ofEntries(
            Map.entry("equal name0|name1", w -> w.name().equals("name0") || w.name().equals("name1")),
            Map.entry("notEqual", w -> !w.name().equals("name0")),
            Map.entry("lessThan attempts 2", w -> w.attempts() < 2),
            Map.entry("greaterThanEqual $createdAt", w -> w.createdAt() >= T0 + 10),
            Map.entry("between attempts 1..3", w -> w.attempts() >= 1 && w.attempts() <= 3),
            Map.entry("startsWith url", w -> w.url().startsWith("https://h3.")),
            Map.entry("contains events", w -> w.events().contains("teams.*")),
            Map.entry("contains name", w -> w.name().contains("e3")),
            Map.entry("isNotNull", w -> true),
            Map.entry("isNull", w -> false),
            Map.entry("or", w -> !w.enabled() || w.tls()),
            Map.entry("and", w -> w.enabled() && w.authUsername().isEmpty()));
        Map<String, Filter> filters = Map.ofEntries(
            Map.entry("equal name0|name1", new Condition("equal", "name", List.of("name0", "name1"))),
            Map.entry("notEqual", new Condition("notEqual", "name", List.of("name0"))),
            Map.entry("lessThan attempts 2", new Condition("lessThan", "attempts", List.of(2L))),
            Map.entry("greaterThanEqual $createdAt", new Condition("greaterThanEqual", "$createdAt", List.of(T0 + 10))),
            Map.entry("between attempts 1..3", new Condition("between", "attempts", List.of(1L, 3L))),
            Map.entry("startsWith url", new Condition("startsWith", "url", List.of("https://h3."))),
            Map.entry("contains events", new Condition("contains", "events", List.of("teams.*"))),
            Map.entry("contains name", new Condition("contains", "name", List.of("e3"))),
            Map.entry("isNotNull", new Condition("isNotNull", "authUsername", List.of())),
            Map.entry("isNull", new Condition("isNull", "authUsername", List.of())),
            Map.entry("or", new Group(false, List.of(new Condition("equal", "enabled", List.of(false)),
                new Condition("equal", "tls", List.of(true))))),
            Map.entry("and", new Group(true, List.of(new Condition("equal", "enabled", List.of(true)),
                new Condition("equal", "authUsername", List.of(""))))));
        for (String name : cases.keySet()) {
            List<String> expected = all.stream().sorted(WebhookListing.CREATION).filter(cases.get(name)::apply)
                .map(Webhook::id).toList();
            assertThat(allPagesAfter(index, List.of(filters.get(name)), List.of(), 7)).as(name).isEqualTo(expected);
            assertThat(list(index, query(List.of(filters.get(name)), List.of(), 1, 0, null, false)).total()).as(name)
                .isEqualTo(expected.size());
        }
    }

    @Test
    void anOrderEndsWithCreationOrderAndCursorsFollowIt() {
        List<Webhook> all = sample(90);
        SubscriptionIndex index = index(all);
        List<Order> byNameDesc = List.of(new Order("name", true));
        List<String> expected = all.stream().sorted(Comparator.comparing(Webhook::name).reversed()
            .thenComparing(WebhookListing.CREATION)).map(Webhook::id).toList();

        assertThat(allPagesAfter(index, List.of(), byNameDesc, 8)).isEqualTo(expected);
        assertThat(ids(list(index, query(List.of(), byNameDesc, 5, 0, expected.get(40), true))))
            .isEqualTo(expected.subList(35, 40));
        assertThat(ids(list(index, query(List.of(), byNameDesc, 5, 3, expected.get(40), false))))
            .isEqualTo(expected.subList(44, 49));
        // Two orders, a filter and a cursor that does not match the filter itself.
        List<Order> two = List.of(new Order("enabled", false), new Order("attempts", true));
        Filter tls = new Condition("equal", "tls", List.of(true));
        List<String> tlsOnly = all.stream().filter(Webhook::tls).sorted(Comparator.comparing(Webhook::enabled)
            .thenComparing(Comparator.comparing(Webhook::attempts).reversed()).thenComparing(WebhookListing.CREATION))
            .map(Webhook::id).toList();
        assertThat(allPagesAfter(index, List.of(tls), two, 4)).isEqualTo(tlsOnly);
        String notTls = all.stream().filter(w -> !w.tls() && w.enabled() && w.attempts() == 2).findFirst()
            .orElseThrow().id();
        List<String> after = ids(list(index, query(List.of(tls), two, 100, 0, notTls, false)));
        assertThat(tlsOnly).endsWith(after.toArray(String[]::new));
        assertThat(after).isNotEmpty().hasSizeLessThan(tlsOnly.size());
    }

    @Test
    void orderingBySequenceIsCreationOrderAndAnIdOrderNeedsNoTieBreak() {
        List<Webhook> all = sample(30);
        SubscriptionIndex index = index(all);
        List<String> creation = all.stream().sorted(WebhookListing.CREATION).map(Webhook::id).toList();
        List<String> newestFirst = new ArrayList<>(creation);
        java.util.Collections.reverse(newestFirst);

        assertThat(allPagesAfter(index, List.of(), List.of(new Order("$sequence", true)), 7)).isEqualTo(newestFirst);
        assertThat(allPagesAfter(index, List.of(), List.of(new Order("$sequence", false)), 7)).isEqualTo(creation);
        assertThat(allPagesAfter(index, List.of(), List.of(new Order("$id", true)), 7))
            .isEqualTo(all.stream().map(Webhook::id).sorted(Comparator.reverseOrder()).toList());
    }

    @Test
    void aCursorMustNameAWebhookOfTheProjectAndOfTheKindListed() {
        SubscriptionIndex index = index(sample(3));
        index.putWebhook(webhook(50, "ops", List.of("webhook.failing"), true, 0).operational(true));

        assertThat(index.list(P, false, query(List.of(), List.of(), 5, 0, "w99999", false))).isEmpty();
        assertThat(index.list(P, false, query(List.of(), List.of(), 5, 0, "w00050", false))).isEmpty();
        assertThat(index.list(P, true, query(List.of(), List.of(), 5, 0, "w00001", false))).isEmpty();
        assertThat(ids(index.list(P, true, query(List.of(), List.of(), 5, 0, null, false)).orElseThrow()))
            .containsExactly("w00050");
        // A deleted webhook leaves the listing, and is no cursor any more.
        index.removeWebhook(P, "w00001");
        assertThat(ids(list(index, query(List.of(), List.of(), 5, 0, null, false)))).containsExactly("w00000", "w00002");
        assertThat(index.list(P, false, query(List.of(), List.of(), 5, 0, "w00001", false))).isEmpty();
    }

    @Test
    void theTotalStopsAt5000AsAppwritesCountAndIsZeroWhenNotAsked() {
        SubscriptionIndex index = index(sample(5003));
        assertThat(list(index, query(List.of(), List.of(), 1, 0, null, false)).total()).isEqualTo(5000);
        assertThat(list(index, query(List.of(new Condition("isNotNull", "name", List.of())), List.of(), 1, 0, null,
            false)).total()).isEqualTo(5000);
        assertThat(list(index, new WebhookQuery(List.of(), List.of(), 1, 0, null, false, false)).total()).isZero();
    }

    /**
     * A page at 100 000 webhooks: correct wherever its cursor is, and its time reported (not asserted): in
     * creation order it does not grow with the pages read before.
     */
    @Test
    void aPageAt100000WebhooksWhereverItsCursorIs(TestReporter reporter) {
        int n = 100_000;
        List<Webhook> all = IntStream.range(0, n).mapToObj(i -> webhook(i, "name" + (i % 997), List.of("users.*"),
            true, i % 3)).toList();
        SubscriptionIndex index = index(all);
        List<String> expected = all.stream().sorted(WebhookListing.CREATION).map(Webhook::id).toList();
        Map<String, Double> micros = new java.util.LinkedHashMap<>();
        for (int at : new int[] {0, 50_000, 99_900}) {
            String cursor = at == 0 ? null : expected.get(at - 1);
            WebhookQuery q = query(List.of(), List.of(), 25, 0, cursor, false);
            assertThat(ids(list(index, q))).isEqualTo(expected.subList(at, at + 25));
            micros.put("creation order, page at " + at, time(() -> list(index, q)));
        }
        Filter filter = new Condition("equal", "attempts", List.of(1L));
        WebhookQuery filtered = query(List.of(filter), List.of(), 25, 0, expected.get(49_999), false);
        assertThat(ids(list(index, filtered))).allMatch(id -> Integer.parseInt(id.substring(1)) % 3 == 1).hasSize(25);
        micros.put("creation order, filter attempts = 1, page at 50000", time(() -> list(index, filtered)));
        WebhookQuery noTotal = new WebhookQuery(List.of(filter), List.of(), 25, 0, expected.get(49_999), false, false);
        micros.put("the same without total", time(() -> list(index, noTotal)));
        List<Order> byName = List.of(new Order("name", true));
        List<String> byNameIds = all.stream().sorted(WebhookListing.comparator(byName)).map(Webhook::id).toList();
        WebhookQuery ordered = query(List.of(), byName, 25, 0, byNameIds.get(49_999), false);
        assertThat(ids(list(index, ordered))).isEqualTo(byNameIds.subList(50_000, 50_025));
        micros.put("orderDesc(name), page at 50000", time(() -> list(index, ordered)));
        String report = micros.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue() + " us")
            .collect(Collectors.joining("; "));
        reporter.publishEntry("page of 25 at 100000 webhooks (median of 21 after 1 s of warm-up)", report);
        // The numbers are the point: shown whatever level logback-test.xml sets.
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("io.hookgate.index.report");
        ((ch.qos.logback.classic.Logger) log).setLevel(ch.qos.logback.classic.Level.INFO);
        log.info("page of 25 at {} webhooks (median of 21 after 1 s of warm-up): {}", n, report);
    }

    /** The median of 21 runs after a second of warm-up (the JIT compiles the loops), in microseconds. */
    private static double time(Runnable r) {
        long warm = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < warm) {
            r.run();
        }
        long[] t = new long[21];
        for (int i = 0; i < t.length; i++) {
            long start = System.nanoTime();
            r.run();
            t[i] = System.nanoTime() - start;
        }
        java.util.Arrays.sort(t);
        return Math.round(t[t.length / 2] / 100.0) / 10.0;
    }
}
