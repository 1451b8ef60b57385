package io.hookgate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hookgate.bus.ErrorCode;
import io.hookgate.bus.RequestFailure;
import io.hookgate.model.WebhookQuery;
import io.hookgate.model.WebhookQuery.Condition;
import io.hookgate.model.WebhookQuery.Group;
import io.hookgate.model.WebhookQuery.Order;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The list queries as Appwrite 1.9.5 reads them: every kind, the first of several limits and cursors, the
 * attribute aliases, the loose {@code total}, and Appwrite's messages for what its validators refuse
 * (utopia-php/database 6.0.0), all {@code 400 general_argument_invalid} with {@code Invalid `queries` param: }.
 */
class WebhookQueriesTest {

    private static WebhookQuery parse(String... queries) {
        return WebhookQueries.parse(Arrays.asList(queries), null);
    }

    /** The message of the failure, asserting Appwrite's type for a bad parameter. */
    private static String refusedWithTotal(String total, String... queries) {
        RequestFailure f = catchThrowableOfType(() -> WebhookQueries.parse(Arrays.asList(queries), total),
            RequestFailure.class);
        assertThat(f).as("refused: %s", Arrays.toString(queries)).isNotNull();
        assertThat(f.code()).isEqualTo(ErrorCode.ARGUMENT_INVALID);
        return f.getMessage();
    }

    private static String refused(String... queries) {
        return refusedWithTotal(null, queries);
    }

    @Test
    void noQueriesIsTheFirst25InCreationOrderWithTheTotal() {
        assertThat(parse()).isEqualTo(new WebhookQuery(List.of(), List.of(), 25, 0, null, false, true));
    }

    @Test
    void limitOffsetAndCursorsTheFirstOfEachCounts() {
        WebhookQuery q = parse("{\"method\":\"limit\",\"values\":[10]}", "{\"method\":\"offset\",\"values\":[\"3\"]}",
            "{\"method\":\"cursorBefore\",\"values\":[\"w-2\"]}", "{\"method\":\"limit\",\"values\":[99]}",
            "{\"method\":\"offset\",\"values\":[7]}", "{\"method\":\"cursorAfter\",\"values\":[\"w-9\"]}");

        assertThat(q.limit()).isEqualTo(10);
        assertThat(q.offset()).isEqualTo(3);
        assertThat(q.cursor()).isEqualTo("w-2");
        assertThat(q.cursorBefore()).isTrue();
        assertThat(parse("{\"method\":\"cursorAfter\",\"values\":[\"w-9\"]}").cursorBefore()).isFalse();
    }

    @Test
    void ordersKeepTheirOrderAndTakeEitherNameOfTlsAndAuthUsername() {
        WebhookQuery q = parse("{\"method\":\"orderDesc\",\"attribute\":\"enabled\"}",
            "{\"method\":\"orderAsc\",\"attribute\":\"security\"}", "{\"method\":\"orderAsc\",\"attribute\":\"httpUser\"}",
            "{\"method\":\"orderDesc\",\"attribute\":\"$sequence\"}", "{\"method\":\"orderAsc\",\"attribute\":\"$id\"}");

        assertThat(q.orders()).containsExactly(new Order("enabled", true), new Order("tls", false),
            new Order("authUsername", false), new Order("$sequence", true), new Order("$id", false));
    }

    @Test
    void everyFilterKindIsReadWithItsTypedValues() {
        long at = OffsetDateTime.parse("2026-01-02T03:04:05.678+02:00").toInstant().toEpochMilli();
        WebhookQuery q = parse(
            "{\"method\":\"equal\",\"attribute\":\"name\",\"values\":[\"a\",\"b\"]}",
            "{\"method\":\"notEqual\",\"attribute\":\"tls\",\"values\":[true]}",
            "{\"method\":\"lessThan\",\"attribute\":\"attempts\",\"values\":[3]}",
            "{\"method\":\"greaterThan\",\"attribute\":\"$createdAt\",\"values\":[\"2026-01-02T03:04:05.678+02:00\"]}",
            "{\"method\":\"isNull\",\"attribute\":\"authUsername\"}",
            "{\"method\":\"isNotNull\",\"attribute\":\"events\",\"values\":[]}",
            "{\"method\":\"startsWith\",\"attribute\":\"url\",\"values\":[\"https://\"]}",
            "{\"method\":\"contains\",\"attribute\":\"events\",\"values\":[\"users.*\"]}",
            "{\"method\":\"between\",\"attribute\":\"$updatedAt\",\"values\":[\"2026-01-01\",\"2026-01-02 00:00:00\"]}",
            "{\"method\":\"or\",\"values\":[{\"method\":\"equal\",\"attribute\":\"enabled\",\"values\":[false]},"
                + "{\"method\":\"endsWith\",\"attribute\":\"logs\",\"values\":[\"500\"]}]}");

        assertThat(q.filters()).containsExactly(
            new Condition("equal", "name", List.of("a", "b")),
            new Condition("notEqual", "tls", List.of(true)),
            new Condition("lessThan", "attempts", List.of(3L)),
            new Condition("greaterThan", "$createdAt", List.of(at)),
            new Condition("isNull", "authUsername", List.of()),
            new Condition("isNotNull", "events", List.of()),
            new Condition("startsWith", "url", List.of("https://")),
            new Condition("contains", "events", List.of("users.*")),
            new Condition("between", "$updatedAt", List.of(1_767_225_600_000L, 1_767_312_000_000L)),
            new Group(false, List.of(new Condition("equal", "enabled", List.of(false)),
                new Condition("endsWith", "logs", List.of("500")))));
    }

    @Test
    void theSdksQueriesAreReadAsTheySendThem() {
        // node-appwrite 27.1.0's Query.* output, byte for byte (an attribute of null is absent for PHP's ??).
        WebhookQuery q = parse("{\"method\":\"cursorAfter\",\"values\":[\"abc\"]}",
            "{\"method\":\"orderDesc\",\"attribute\":\"name\"}",
            "{\"method\":\"and\",\"values\":[{\"method\":\"equal\",\"attribute\":\"$id\",\"values\":[\"x\"]},"
                + "{\"method\":\"contains\",\"attribute\":\"name\",\"values\":[\"y\"]}]}",
            "{\"method\":\"limit\",\"attribute\":null,\"values\":[2]}");

        assertThat(q.cursor()).isEqualTo("abc");
        assertThat(q.limit()).isEqualTo(2);
        assertThat(q.filters()).containsExactly(new Group(true, List.of(new Condition("equal", "$id", List.of("x")),
            new Condition("contains", "name", List.of("y")))));
    }

    @ParameterizedTest(name = "total={0}")
    @CsvSource({"true, true", "1, true", "false, false", "0, false"})
    void totalIsAppwritesLooseBoolean(String value, boolean expected) {
        assertThat(WebhookQueries.parse(List.of(), value).total()).isEqualTo(expected);
    }

    @Test
    void aTotalThatIsNoBooleanIsRefused() {
        assertThat(refusedWithTotal("yes")).isEqualTo("Invalid `total` param: Value must be a valid boolean");
        assertThat(refusedWithTotal("")).isEqualTo("Invalid `total` param: Value must be a valid boolean");
    }

    /** Appwrite's messages, from its validators at utopia-php/database 6.0.0, behind utopia-php/http's prefix. */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{nope | Invalid query: Invalid query: Syntax error",
        "`` | Invalid query: Invalid query: Syntax error",
        "{} {} | Invalid query: Invalid query: Syntax error",
        "\"limit\" | Invalid query: Invalid query. Must be an array, got string",
        "null | Invalid query: Invalid query. Must be an array, got NULL",
        "[1] | `Invalid query: Invalid query method: `",
        "{\"method\":5} | Invalid query: Invalid query method. Must be a string, got integer",
        "{\"method\":\"near\"} | Invalid query: Invalid query method: near",
        "{\"method\":\"equal\",\"attribute\":[],\"values\":[1]} | Invalid query: Invalid query attribute. Must be a string, got array",
        "{\"method\":\"equal\",\"attribute\":\"name\",\"values\":\"x\"} | Invalid query: Invalid query values. Must be an array, got string",
        "{\"method\":\"select\",\"values\":[\"name\"]} | Invalid query method: select",
        "{\"method\":\"limit\",\"values\":[0]} | Invalid query: Invalid limit: Value must be a valid range between 1 and 5,000",
        "{\"method\":\"limit\",\"values\":[5001]} | Invalid query: Invalid limit: Value must be a valid range between 1 and 5,000",
        "{\"method\":\"limit\",\"values\":[\"ten\"]} | Invalid query: Invalid limit: Value must be a valid number",
        "{\"method\":\"limit\",\"values\":[2.5]} | Invalid query: Invalid limit: Value must be a valid range between 1 and 5,000",
        "{\"method\":\"limit\"} | Invalid query: Invalid limit: Value must be a valid number",
        "{\"method\":\"offset\",\"values\":[-1]} | Invalid query: Invalid offset: Value must be a valid range between 0 and 2,147,478,647",
        "{\"method\":\"offset\",\"values\":[true]} | Invalid query: Invalid limit: Value must be a valid number",
        "{\"method\":\"cursorAfter\",\"values\":[\"_x\"]} | Invalid query: Invalid cursor: UID must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, and underscore. Can't start with a leading underscore",
        "{\"method\":\"cursorBefore\",\"values\":[]} | Invalid query: Invalid cursor: UID must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, and underscore. Can't start with a leading underscore",
        "{\"method\":\"cursorAfter\",\"values\":[\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"]} | Invalid query: Invalid cursor: UID must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, and underscore. Can't start with a leading underscore",
        "{\"method\":\"orderAsc\",\"attribute\":\"secret\"} | Invalid query: Attribute not found in schema: secret",
        "{\"method\":\"orderDesc\"} | `Invalid query: Attribute not found in schema: `",
        "{\"method\":\"orderAsc\",\"attribute\":\"name.first\"} | Invalid query: Cannot order by nested attribute: name",
        "{\"method\":\"equal\",\"attribute\":\"projectId\",\"values\":[\"p\"]} | Invalid query: Attribute not found in schema: projectId",
        "{\"method\":\"equal\",\"attribute\":\"authPassword\",\"values\":[\"p\"]} | Invalid query: Attribute not found in schema: authPassword",
        "{\"method\":\"equal\",\"attribute\":\"name\",\"values\":[]} | Invalid query: Equal queries require at least one value.",
        "{\"method\":\"notEqual\",\"attribute\":\"name\",\"values\":[\"a\",\"b\"]} | Invalid query: NotEqual queries require exactly one value.",
        "{\"method\":\"between\",\"attribute\":\"attempts\",\"values\":[1]} | Invalid query: Between queries require exactly two values.",
        "{\"method\":\"equal\",\"attribute\":\"tls\",\"values\":[\"yes\"]} | Invalid query: Query value is invalid for attribute \"security\"",
        "{\"method\":\"equal\",\"attribute\":\"attempts\",\"values\":[\"1\"]} | Invalid query: Query value is invalid for attribute \"attempts\"",
        "{\"method\":\"equal\",\"attribute\":\"attempts\",\"values\":[4294967296]} | Invalid query: Query value is invalid for attribute \"attempts\"",
        "{\"method\":\"lessThan\",\"attribute\":\"$createdAt\",\"values\":[\"yesterday-ish\"]} | Invalid query: Query value is invalid for attribute \"$createdAt\"",
        "{\"method\":\"equal\",\"attribute\":\"name\",\"values\":[1]} | Invalid query: Query value is invalid for attribute \"name\"",
        "{\"method\":\"contains\",\"attribute\":\"enabled\",\"values\":[true]} | Invalid query: Cannot query contains on attribute \"enabled\" because it is not an array, string, or object.",
        "{\"method\":\"equal\",\"attribute\":\"events\",\"values\":[\"users.*\"]} | Invalid query: Cannot query equal on attribute \"events\" because it is an array.",
        "{\"method\":\"or\",\"values\":[{\"method\":\"equal\",\"attribute\":\"name\",\"values\":[\"a\"]}]} | Invalid query: Or queries require at least two queries",
        "{\"method\":\"and\",\"values\":[{\"method\":\"limit\",\"values\":[1]},{\"method\":\"limit\",\"values\":[2]}]} | Invalid query: And queries can only contain filter queries",
        "{\"method\":\"or\",\"values\":[{\"method\":\"nope\"},{\"method\":\"nope\"}]} | Invalid query: Invalid query method: nope",
        "{\"method\":\"elemMatch\",\"attribute\":\"events\",\"values\":[]} | Invalid query: elemMatch is not supported by the database",
        "{\"method\":\"crosses\",\"attribute\":\"url\",\"values\":[[0,0]]} | Invalid query: Spatial query \"crosses\" cannot be applied on non-spatial attribute: url",
        "{\"method\":\"vectorDot\",\"attribute\":\"url\",\"values\":[[1]]} | Invalid query: Vector queries can only be used on vector attributes",
        "{\"method\":\"search\",\"attribute\":\"name\",\"values\":[\"x\"]} | Invalid query: Searching by attribute \"name\" requires a fulltext index.",
        "{\"method\":\"exists\",\"values\":[\"name\"]} | `Invalid query: Attribute not found in schema: `",
        "{\"method\":\"regex\",\"attribute\":\"name\",\"values\":[\"^a\"]} | Invalid query: Hookgate does not run regex queries.",
        "{\"method\":\"orderRandom\"} | Invalid query: Hookgate does not order webhooks at random.",
        "{\"method\":\"equal\",\"attribute\":\"$sequence\",\"values\":[1]} | Invalid query: Hookgate keeps no $sequence values: filter on $createdAt, or order by $sequence (creation order)."})
    void whatAppwriteRefusesWithItsMessage(String query, String message) {
        assertThat(refused(query)).isEqualTo("Invalid `queries` param: " + message);
    }

    @Test
    void theFirstBadQueryDecidesEvenAfterGoodOnes() {
        assertThat(refused("{\"method\":\"limit\",\"values\":[1]}", "{\"method\":\"orderAsc\",\"attribute\":\"nope\"}",
            "{bad")).endsWith("Attribute not found in schema: nope");
    }

    @Test
    void moreThan5000ValuesAreRefused() {
        String values = String.join(",", java.util.Collections.nCopies(5001, "\"a\""));
        assertThat(refused("{\"method\":\"equal\",\"attribute\":\"name\",\"values\":[" + values + "]}"))
            .endsWith("Invalid query: Query on attribute has greater than 5000 values: name");
    }
}
