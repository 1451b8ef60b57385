package io.hookgate.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hookgate.testsupport.Contract;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Expansion of concrete event names against {@code event-expansion.json}, and the bundled catalogue. */
class EventExpansionTest {

    private static final EventCatalogue CATALOGUE = EventCatalogue.load();

    static Stream<Arguments> vectors() {
        List<Arguments> vectors = new ArrayList<>();
        for (JsonNode vector : Contract.read("event-expansion.json").get("vectors")) {
            List<String> expanded = new ArrayList<>();
            vector.get("expanded").forEach(e -> expanded.add(e.asText()));
            vectors.add(Arguments.of(vector.get("event").asText(), expanded));
        }
        return vectors.stream();
    }

    @Test
    void bundledCatalogueIsTheSharedOneByteForByte() throws IOException {
        byte[] shared = Files.readAllBytes(Contract.dir().resolve("events.json"));
        try (InputStream bundled = EventCatalogue.class.getResourceAsStream(EventCatalogue.RESOURCE)) {
            assertThat(bundled).as("classpath " + EventCatalogue.RESOURCE).isNotNull();
            assertThat(bundled.readAllBytes()).isEqualTo(shared);
        }
    }

    @Test
    void thereAreVectorsToCheck() {
        assertThat(vectors()).hasSizeGreaterThanOrEqualTo(75);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void expandsExactlyAsTheVector(String event, List<String> expected) {
        assertThat(CATALOGUE.expand(event)).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void everyExpandedStringIsAValidSubscription(String event, List<String> expected) {
        for (String subscription : expected) {
            CATALOGUE.validateSubscription(subscription);
        }
        CATALOGUE.validateSubscriptions(expected);
    }

    @Test
    void contractWorkedExample() {
        assertThat(String.join(", ", CATALOGUE.expand("users.u1.update.email")))
                .isEqualTo("users.u1.update, users.*.update, users.u1.update.email, users.*.update.email, "
                        + "users.u1, users.*");
        assertThat(CATALOGUE.expand("databases.db1.collections.books.documents.doc1.create")).hasSize(42);
    }

    @Test
    void expansionIsUnmodifiable() {
        List<String> expansion = CATALOGUE.expand("users.u1.create");
        assertThatThrownBy(() -> expansion.set(0, "x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void idsSpelledLikeCatalogueWordsStayIds() {
        // Only word segments are mirrored; an ID called "tables" or "create" is left alone.
        assertThat(CATALOGUE.expand("databases.tables.collections.rows.documents.create.create"))
                .startsWith("databases.tables.collections.rows.documents.create.create",
                        "databases.tables.tables.rows.rows.create.create",
                        "databases.*.collections.*.documents.*.create",
                        "databases.*.tables.*.rows.*.create")
                .endsWith("databases.tables", "databases.*")
                .hasSize(42)
                .doesNotHaveDuplicates();
    }

    @Test
    void longestValidIdIsAccepted() {
        String id = "a" + "b-_9Z".repeat(7);
        assertThat(id).hasSize(36);
        assertThat(CATALOGUE.expand("users." + id + ".update"))
                .containsExactly("users." + id + ".update", "users.*.update", "users." + id, "users.*");
    }

    @Test
    void nameWithoutActionExpandsToItselfAndItsAncestors() {
        assertThat(CATALOGUE.expand("users.u1")).containsExactly("users.u1", "users.*");
        assertThat(CATALOGUE.expand("users.u1.sessions.s1")).containsExactly(
                "users.u1.sessions.s1", "users.*.sessions.*", "users.u1.sessions.*", "users.*.sessions.s1",
                "users.u1", "users.*");
    }

    @Test
    void attributeOnASubResourceFollowsTheContractTemplateOrder() {
        // Not in the vectors: full path + action + attribute, full path + action, full path,
        // then type.id.action.attribute, then type.id.
        assertThat(CATALOGUE.expand("teams.t1.memberships.m1.update.status")).containsExactly(
                "teams.t1.memberships.m1.update.status",
                "teams.*.memberships.*.update.status",
                "teams.t1.memberships.*.update.status",
                "teams.*.memberships.m1.update.status",
                "teams.t1.memberships.m1.update",
                "teams.*.memberships.*.update",
                "teams.t1.memberships.*.update",
                "teams.*.memberships.m1.update",
                "teams.t1.memberships.m1",
                "teams.*.memberships.*",
                "teams.t1.memberships.*",
                "teams.*.memberships.m1",
                "teams.t1.update.status",
                "teams.*.update.status",
                "teams.t1",
                "teams.*");
    }

    @Test
    void catalogueCanBeParsedFromAStream() throws IOException {
        try (InputStream in = Files.newInputStream(Contract.dir().resolve("events.json"))) {
            EventCatalogue parsed = EventCatalogue.parse(in);
            assertThat(parsed.expand("buckets.b1.files.f1.delete"))
                    .hasSize(10)
                    .startsWith("buckets.b1.files.f1.delete");
        }
    }

    @Test
    void malformedCataloguesAreRefusedAtLoad() {
        assertThatThrownBy(() -> parse("[]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parse("{\"users\":{\"create\":{}}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("users");
        assertThatThrownBy(() -> parse("{\"a\":{\"resource\":true,\"b\":{\"resource\":true,\"c\":{\"resource\":true,"
                + "\"d\":{\"resource\":true}}}}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a.b.c.d");
    }

    private static EventCatalogue parse(String json) throws IOException {
        try (InputStream in = new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))) {
            return EventCatalogue.parse(in);
        }
    }
}
