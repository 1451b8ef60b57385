package io.hookgate.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link MatchIndex}: exact matching of subscriptions against an expansion, one entry per webhook. */
class MatchIndexTest {

    private static final EventCatalogue CATALOGUE = EventCatalogue.load();
    private static final List<String> DOCUMENT_CREATE =
            CATALOGUE.expand("databases.db1.collections.books.documents.doc1.create");

    private final MatchIndex index = new MatchIndex();

    @Test
    void wildcardSubscriptionsMatchThroughTheExpansion() {
        index.put("all-users", List.of("users.*"));
        index.put("all-documents", List.of("databases.*.collections.*.documents.*"));
        index.put("book-rows", List.of("databases.db1.tables.books.rows.*.create"));
        index.put("other-db", List.of("databases.db2.collections.*.documents.*.create"));

        // First match first: the action strings (the mirrored ...rows.*.create among them) come
        // before the bare paths such as databases.*.collections.*.documents.*.
        assertThat(index.match(DOCUMENT_CREATE)).containsExactly("book-rows", "all-documents");
        assertThat(index.match(CATALOGUE.expand("users.u1.update.email"))).containsExactly("all-users");
    }

    @Test
    void aWebhookIsMatchedOnceEvenWhenSeveralOfItsSubscriptionsMatch() {
        index.put("wh1", List.of("databases.*", "databases.db1.collections.books.documents.doc1.create",
                "databases.*.tables.*.rows.*", "users.*"));

        assertThat(index.match(DOCUMENT_CREATE)).containsExactly("wh1");
    }

    @Test
    void orderIsFirstMatchFirst() {
        index.put("late", List.of("databases.*"));
        index.put("early", List.of("databases.db1.collections.books.documents.doc1.create"));
        index.put("middle", List.of("databases.*.collections.*.documents.*"));

        // The expansion runs from the most specific string to databases.*.
        assertThat(index.match(DOCUMENT_CREATE)).containsExactly("early", "middle", "late");
    }

    @Test
    void webhooksOnTheSameStringComeInTheOrderTheyWerePut() {
        index.put("b", List.of("users.*"));
        index.put("a", List.of("users.*"));
        index.put("c", List.of("users.*"));

        assertThat(index.match(CATALOGUE.expand("users.u1.create"))).containsExactly("b", "a", "c");
    }

    @Test
    void nothingMatchesWhenNoSubscriptionIsInTheExpansion() {
        index.put("wh1", List.of("users.*.create", "databases.*.collections.*.documents.*.delete", "databases.*.*"));

        assertThat(index.match(DOCUMENT_CREATE)).isEmpty();
        assertThat(index.match(CATALOGUE.expand("users.u1.delete"))).isEmpty();
        assertThat(index.match(List.of())).isEmpty();
    }

    @Test
    void putReplacesTheWebhooksPreviousSubscriptions() {
        index.put("wh1", List.of("users.*"));
        index.put("wh1", List.of("teams.*"));

        assertThat(index.size()).isEqualTo(1);
        assertThat(index.match(CATALOGUE.expand("users.u1.create"))).isEmpty();
        assertThat(index.match(CATALOGUE.expand("teams.t1.create"))).containsExactly("wh1");
    }

    @Test
    void removeForgetsTheWebhookAndLeavesOthers() {
        index.put("wh1", List.of("users.*", "teams.*"));
        index.put("wh2", List.of("users.*"));
        index.remove("wh1");
        index.remove("never-put");

        assertThat(index.size()).isEqualTo(1);
        assertThat(index.match(CATALOGUE.expand("users.u1.create"))).containsExactly("wh2");
        assertThat(index.match(CATALOGUE.expand("teams.t1.create"))).isEmpty();

        index.remove("wh2");
        assertThat(index.size()).isZero();
        assertThat(index.match(CATALOGUE.expand("users.u1.create"))).isEmpty();
    }

    @Test
    void aWebhookWithoutSubscriptionsIsHeldButMatchesNothing() {
        index.put("quiet", List.of());

        assertThat(index.size()).isEqualTo(1);
        assertThat(index.match(DOCUMENT_CREATE)).isEmpty();
    }

    @Test
    void laterChangesToTheCallersCollectionDoNotLeakIn() {
        List<String> events = Arrays.asList("users.*", "teams.*");
        index.put("wh1", events);
        events.set(0, "buckets.*");

        assertThat(index.match(CATALOGUE.expand("users.u1.create"))).containsExactly("wh1");
        assertThat(index.match(CATALOGUE.expand("buckets.b1.create"))).isEmpty();
    }

    @Test
    void aNullSubscriptionIsRefusedWithoutTouchingTheOldEntry() {
        index.put("wh1", List.of("users.*"));

        assertThatThrownBy(() -> index.put("wh1", Arrays.asList("teams.*", null)))
                .isInstanceOf(NullPointerException.class);
        assertThat(index.match(CATALOGUE.expand("users.u1.create"))).containsExactly("wh1");
    }

    @Test
    void everyWebhookHoldsTheIndexsOneInstanceOfASubscriptionString() {
        List<String> first = index.put("wh1", List.of(new String("users.*"), "teams.*"));
        List<String> second = index.put("wh2", List.of("buckets.*", new String("users.*"), new String("users.*")));

        assertThat(second).containsExactly("buckets.*", "users.*", "users.*");
        assertThat(second.get(1)).isSameAs(first.get(0));
        assertThat(second.get(2)).isSameAs(first.get(0));
        // The first holder gone, the string stays shared by the next one.
        index.remove("wh1");
        List<String> third = index.put("wh3", List.of(new String("users.*")));
        assertThat(third.get(0)).isSameAs(first.get(0));
        assertThat(index.match(CATALOGUE.expand("users.u1.create"))).containsExactly("wh2", "wh3");
    }

    @Test
    void aStringHeldByOneWebhookAfterBeingSharedStillMatchesAndGoesWithIt() {
        index.put("a", List.of("users.*"));
        index.put("b", List.of("users.*"));
        index.put("c", List.of("users.*"));
        index.remove("a");
        index.remove("c");
        assertThat(index.match(CATALOGUE.expand("users.u1.create"))).containsExactly("b");
        index.put("a", List.of("users.*"));
        assertThat(index.match(CATALOGUE.expand("users.u1.create"))).containsExactly("b", "a");
        index.remove("b");
        index.remove("a");
        assertThat(index.match(CATALOGUE.expand("users.u1.create"))).isEmpty();
        assertThat(index.size()).isZero();
    }

    @Test
    void matchResultCannotBeModified() {
        index.put("wh1", List.of("users.*"));

        assertThatThrownBy(() -> index.match(CATALOGUE.expand("users.u1.create")).add("x"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
