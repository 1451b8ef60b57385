package io.hookgate.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link EventCatalogue#validateSubscriptions}: contract section 1, "Subscriptions are validated".
 * That every string of every expansion vector is a valid subscription is checked in
 * {@link EventExpansionTest}.
 */
class SubscriptionValidationTest {

    private static final EventCatalogue CATALOGUE = EventCatalogue.load();

    @ParameterizedTest
    @ValueSource(strings = {
        "users.*",
        "users.u1",
        "users.*.create",
        "users.*.update.email",
        "users.u1.sessions.*",
        "users.*.sessions.*.create",
        "databases.*.collections.*",
        "databases.db1.collections.*.documents.*.create",
        "databases.*.tables.*.rows.*",
        "tablesdb.*.tables.t1.columns.*.delete",
        "teams.*.memberships.*.update.status",
        "functions.*.executions.*.update",
        // IDs are free in subscriptions: anything non-empty, even what could never be a concrete ID
        "users.u-with-a-very-long-id-that-is-longer-than-36-chars.create",
        "users._u1.create",
    })
    void accepts(String subscription) {
        assertThatCode(() -> CATALOGUE.validateSubscription(subscription)).doesNotThrowAnyException();
        assertThatCode(() -> CATALOGUE.validateSubscriptions(List.of(subscription))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "*                                 | 2 to 7 dot-separated parts",
        "users                             | 2 to 7 dot-separated parts",
        "databases.*.*                     | \"*\" (part 3) can only stand for an ID",
        "*.*                               | unknown type \"*\"",
        "users.*.*                         | \"*\" (part 3) can only stand for an ID",
        "users.*.update.*                  | \"*\" (part 4) can only stand for an ID",
        "users.*.sessions                  | must be followed by an ID",
        "users..create                     | part 2 is empty",
        "users.*.fly                       | unknown sub-type or action \"fly\"",
        "users.*.sessions.*.update         | unknown sub-type or action \"update\"",
        "databases.*.collections.*.rows.*  | unknown sub-type or action \"rows\"",
        "users.*.sessions.*.create.x.y.z   | this one has 8",
    })
    void refuses(String subscription, String messagePart) {
        assertThatThrownBy(() -> CATALOGUE.validateSubscriptions(List.of("users.*", subscription)))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("\"" + subscription + "\"")
                .hasMessageContaining(messagePart);
    }

    @Test
    void acceptsAtMostOneHundredEntries() {
        List<String> hundred = Collections.nCopies(EventCatalogue.MAX_SUBSCRIPTIONS, "users.*");
        assertThatCode(() -> CATALOGUE.validateSubscriptions(hundred)).doesNotThrowAnyException();

        List<String> tooMany = new ArrayList<>(hundred);
        tooMany.add("users.*.create");
        assertThatThrownBy(() -> CATALOGUE.validateSubscriptions(tooMany))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("at most 100 events, got 101");
    }

    @Test
    void acceptsEntriesOfAtMost255Chars() {
        String prefix = "users.";
        String suffix = ".create";
        String longest = prefix + "u".repeat(EventCatalogue.MAX_SUBSCRIPTION_LENGTH - prefix.length() - suffix.length())
                + suffix;
        String tooLong = prefix + "u".repeat(longest.length() - prefix.length() - suffix.length() + 1) + suffix;

        assertThatCode(() -> CATALOGUE.validateSubscriptions(List.of(longest))).doesNotThrowAnyException();
        assertThatThrownBy(() -> CATALOGUE.validateSubscriptions(List.of(tooLong)))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("longer than 255 chars (256)");
    }

    @Test
    void emptyListIsValidButNullIsNot() {
        assertThatCode(() -> CATALOGUE.validateSubscriptions(List.of())).doesNotThrowAnyException();
        assertThatThrownBy(() -> CATALOGUE.validateSubscriptions(null)).isInstanceOf(InvalidEventException.class);
        List<String> withNull = new ArrayList<>();
        withNull.add(null);
        assertThatThrownBy(() -> CATALOGUE.validateSubscriptions(withNull)).isInstanceOf(InvalidEventException.class);
    }

    @Test
    void namesTheFirstBadEntry() {
        assertThatThrownBy(() -> CATALOGUE.validateSubscriptions(List.of("users.*", "buckets.*.explode", "*")))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("buckets.*.explode")
                .satisfies(e -> assertThat(((InvalidEventException) e).event())
                        .isEqualTo("buckets.*.explode"));
    }
}
