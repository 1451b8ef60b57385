package io.hookgate.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Concrete event names that {@link EventCatalogue#expand} must refuse, and how it says so. */
class EventNameValidationTest {

    private static final EventCatalogue CATALOGUE = EventCatalogue.load();

    static Stream<Arguments> invalidNames() {
        String id37 = "a".repeat(37);
        return Stream.of(
                // part count
                Arguments.of("users", "2 to 7 dot-separated parts, this one has 1"),
                Arguments.of("users.u1.sessions.s1.create.x.y.z", "this one has 8"),
                Arguments.of("databases.d.tables.t.rows.r.create.x", "this one has 8"),
                // unknown words
                Arguments.of("accounts.a1.create", "unknown type \"accounts\" (part 1)"),
                Arguments.of("users.u1.explode", "unknown sub-type or action \"explode\" (part 3)"),
                Arguments.of("users.u1.update.colour", "unknown attribute \"colour\" (part 4)"),
                Arguments.of("users.u1.sessions.s1.update", "unknown sub-type or action \"update\" (part 5)"),
                Arguments.of("databases.d1.tables.t1.documents.r1.create", "\"documents\" (part 5)"),
                Arguments.of("users.u1.create.email", "\"create\" (part 3) takes no attribute"),
                Arguments.of("users.u1.update.email.x", "nothing may follow the attribute \"email\""),
                Arguments.of("users.u1.sessions", "\"sessions\" (part 3) must be followed by an ID"),
                // IDs
                Arguments.of("users.a.b.create", "\"a.b\" cannot be one ID"),
                Arguments.of("users." + id37 + ".create", "is not a valid ID: longer than 36 chars"),
                Arguments.of("users._u1.create", "part 2 \"_u1\" is not a valid ID"),
                Arguments.of("users.-u1.create", "part 2 \"-u1\" is not a valid ID"),
                Arguments.of("users.u$1.create", "part 2 \"u$1\" is not a valid ID"),
                Arguments.of("users.u1.sessions.s 1.create", "part 4 \"s 1\" is not a valid ID"),
                Arguments.of("users.*.create", "part 2 is \"*\": a concrete event needs real IDs"),
                Arguments.of("users.u1.sessions.*.create", "part 4 is \"*\""),
                Arguments.of("users.u*.create", "part 2 \"u*\" is not a valid ID"),
                // empty parts
                Arguments.of("users..create", "part 2 is empty"),
                Arguments.of(".u1.create", "unknown type \"\" (part 1)"),
                Arguments.of("users.u1.", "unknown sub-type or action \"\" (part 3)"),
                Arguments.of("users.u1.sessions..create", "part 4 is empty"),
                Arguments.of("", "empty"));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @MethodSource("invalidNames")
    void refusesWithAMessageNamingTheProblem(String name, String messagePart) {
        assertThatThrownBy(() -> CATALOGUE.expand(name))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("Invalid event")
                .hasMessageContaining(messagePart)
                .satisfies(e -> assertThat(((InvalidEventException) e).event()).isEqualTo(name));
    }

    @Test
    void refusesNull() {
        assertThatThrownBy(() -> CATALOGUE.expand(null)).isInstanceOf(InvalidEventException.class);
    }

    @Test
    void unknownWordMessageListsWhatWouldFit() {
        assertThatThrownBy(() -> CATALOGUE.expand("teams.t1.memberships.m1.update.colour"))
                .hasMessageContaining("after \"update\" expected one of: status");
        assertThatThrownBy(() -> CATALOGUE.expand("buckets.b1.folders.f1.create"))
                .hasMessageContaining("expected one of: files, create, delete, update");
    }

    @Test
    void hugeInputIsAbbreviatedInTheMessage() {
        String huge = "users." + "x".repeat(10_000) + ".create";
        assertThatThrownBy(() -> CATALOGUE.expand(huge))
                .isInstanceOf(InvalidEventException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(1_000));
    }
}
