package io.hookgate.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link CatalogueListing}: the picker's list is the catalogue, each entry a valid subscription. */
class CatalogueListingTest {
    private static final EventCatalogue CATALOGUE = EventCatalogue.load();
    private static final List<CatalogueListing.Entry> ENTRIES = CatalogueListing.load();

    @Test
    void everyEntryIsAValidSubscriptionWithADescription() {
        assertThat(ENTRIES).hasSizeGreaterThan(150);
        for (CatalogueListing.Entry e : ENTRIES) {
            assertThatCode(() -> CATALOGUE.validateSubscription(e.event())).as(e.event()).doesNotThrowAnyException();
            assertThat(e.description()).as("description of %s", e.event()).isNotBlank();
        }
        assertThat(ENTRIES).extracting(CatalogueListing.Entry::event).doesNotHaveDuplicates();
    }

    @Test
    void typesSubTypesActionsAndAttributesComeInCatalogueOrder() {
        List<String> names = ENTRIES.stream().map(CatalogueListing.Entry::event).toList();
        assertThat(names.get(0)).isEqualTo("users.*");
        assertThat(names).containsSubsequence("users.*", "users.*.sessions.*", "users.*.sessions.*.create",
            "users.*.update", "users.*.update.email");
        assertThat(names).contains("databases.*.collections.*.documents.*.create", "databases.*.tables.*.rows.*",
            "teams.*.memberships.*.update.status");
        assertThat(ENTRIES).filteredOn(e -> e.event().equals("users.*.update.email")).singleElement()
            .extracting(CatalogueListing.Entry::description).asString().contains("email");
    }

    @Test
    void everyConcreteFormOfAnEntryExpandsToIncludeTheEntry() {
        // What the picker promises: subscribing to an entry catches the events of its form.
        for (CatalogueListing.Entry e : ENTRIES) {
            String concrete = e.event().replace("*", "x1");
            assertThat(CATALOGUE.expand(concrete)).as("expansion of %s", concrete).contains(e.event());
        }
    }
}
