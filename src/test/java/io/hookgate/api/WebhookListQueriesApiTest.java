package io.hookgate.api;

import static io.hookgate.api.ApiAssertions.fresh;
import static io.hookgate.api.ApiAssertions.queries;
import static io.hookgate.testsupport.AppwriteError.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /v1/webhooks} with Appwrite's queries through a running gateway: each kind of query, cursors over
 * several pages both ways on both of Appwrite's paths and on the operational one, {@code total}, Appwrite's
 * errors in its shape, and which routes ignore parameters they do not know.
 */
class WebhookListQueriesApiTest {
    private static final int N = 12;

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create();

    private static Gateway.ProjectClient project;
    /** The project's webhooks as created, in creation order ({@code w01} ... {@code w12}). */
    private static final List<JsonObject> created = new ArrayList<>();

    /**
     * Webhook i: name {@code even}/{@code odd} (ties for orders), every third with TLS and a user name, every
     * fourth disabled, every other on {@code teams.*} too, URLs on two hosts.
     */
    @BeforeAll
    static void webhooks() {
        project = env.gateway().project(fresh("lq"));
        for (int i = 1; i <= N; i++) {
            List<String> events = i % 2 == 0 ? List.of("users.*", "teams.*") : List.of("users.*.create");
            created.add(project.webhook(new JsonObject().put("webhookId", String.format("w%02d", i))
                .put("name", i % 2 == 0 ? "even" : "odd").put("url", "https://" + (i <= 6 ? "a" : "b")
                    + ".example.com/" + i).put("events", new JsonArray(events)).put("tls", i % 3 == 0)
                .put("authUsername", i % 3 == 0 ? "user" + i : "").put("enabled", i % 4 != 0)));
        }
    }

    private static JsonObject q(String method, String attribute, Object... values) {
        JsonObject q = new JsonObject().put("method", method);
        if (attribute != null) {
            q.put("attribute", attribute);
        }
        return q.put("values", new JsonArray(List.of(values)));
    }

    private static JsonObject list(String path, JsonObject... queries) {
        return project.call("GET", path + queries(queries), null).expect(200).json();
    }

    private static List<String> ids(JsonObject list) {
        return list.getJsonArray("webhooks").stream().map(w -> ((JsonObject) w).getString("$id")).toList();
    }

    private static List<String> expected(Predicate<JsonObject> filter) {
        return created.stream().filter(filter).map(w -> w.getString("$id")).toList();
    }

    private static String legacy() {
        return "/projects/" + project.projectId() + "/webhooks";
    }

    @Test
    void cursorsWalkSeveralPagesForwardAndBackOnBothPaths() {
        List<String> all = expected(w -> true);
        for (String path : List.of("/webhooks", legacy())) {
            List<String> forward = new ArrayList<>();
            JsonObject page = list(path, q("limit", null, 5));
            while (true) {
                assertThat(page.getInteger("total")).as(path).isEqualTo(N);
                forward.addAll(ids(page));
                if (ids(page).size() < 5) {
                    break;
                }
                page = list(path, q("limit", null, 5), q("cursorAfter", null, forward.get(forward.size() - 1)));
            }
            assertThat(forward).as(path).isEqualTo(all);

            List<String> backward = new ArrayList<>();
            String cursor = all.get(N - 1);
            while (true) {
                List<String> ids = ids(list(path, q("cursorBefore", null, cursor), q("limit", null, 5)));
                backward.addAll(0, ids);
                if (ids.size() < 5) {
                    break;
                }
                cursor = ids.get(0);
            }
            assertThat(backward).as(path).isEqualTo(all.subList(0, N - 1));
            // offset counts from the cursor
            assertThat(ids(list(path, q("cursorAfter", null, "w03"), q("offset", null, 2), q("limit", null, 3))))
                .containsExactly("w06", "w07", "w08");
        }
    }

    @Test
    void filtersOfEachKind() {
        String w07CreatedAt = created.get(6).getString("$createdAt");
        assertThat(ids(list("/webhooks", q("equal", "name", "odd")))).isEqualTo(expected(w -> w.getString("name")
            .equals("odd")));
        assertThat(ids(list("/webhooks", q("equal", "$id", "w02", "w05", "nope")))).containsExactly("w02", "w05");
        assertThat(ids(list("/webhooks", q("notEqual", "enabled", true)))).containsExactly("w04", "w08", "w12");
        assertThat(ids(list("/webhooks", q("equal", "tls", true)))).containsExactly("w03", "w06", "w09", "w12");
        // Appwrite's column names are the same attributes.
        assertThat(ids(list("/webhooks", q("equal", "security", true)))).containsExactly("w03", "w06", "w09", "w12");
        assertThat(ids(list("/webhooks", q("startsWith", "authUsername", "user1")))).containsExactly("w12");
        assertThat(ids(list("/webhooks", q("equal", "httpUser", "user9")))).containsExactly("w09");
        assertThat(ids(list("/webhooks", q("lessThan", "$createdAt", w07CreatedAt))))
            .isEqualTo(expected(w -> w.getString("$createdAt").compareTo(w07CreatedAt) < 0));
        assertThat(ids(list("/webhooks", q("greaterThan", "$createdAt", w07CreatedAt))))
            .isEqualTo(expected(w -> w.getString("$createdAt").compareTo(w07CreatedAt) > 0));
        assertThat(ids(list("/webhooks", q("greaterThan", "attempts", 0)))).isEmpty();
        assertThat(ids(list("/webhooks", q("isNull", "authUsername")))).isEmpty();
        assertThat(ids(list("/webhooks", q("isNotNull", "logs")))).hasSize(N);
        assertThat(ids(list("/webhooks", q("startsWith", "url", "https://b.")))).containsExactly("w07", "w08", "w09",
            "w10", "w11", "w12");
        assertThat(ids(list("/webhooks", q("contains", "events", "teams.*")))).isEqualTo(expected(w -> w.getJsonArray(
            "events").contains("teams.*")));
        assertThat(ids(list("/webhooks", q("contains", "url", ".com/1")))).containsExactly("w01", "w10", "w11",
            "w12");
        assertThat(ids(list("/webhooks", q("or", null, q("equal", "enabled", false), q("equal", "tls", true)))))
            .containsExactly("w03", "w04", "w06", "w08", "w09", "w12");
        JsonObject both = list("/webhooks", q("equal", "name", "even"), q("startsWith", "url", "https://a."),
            q("limit", null, 1));
        assertThat(ids(both)).containsExactly("w02");
        assertThat(both.getInteger("total")).as("total counts every match, not the page").isEqualTo(3);
    }

    @Test
    void ordersBreakTiesInCreationOrderAndCursorsFollowThem() {
        // name: 6 "odd" then 6 "even" descending; within a name, creation order.
        List<String> byNameDesc = created.stream().sorted(Comparator.comparing((JsonObject w) -> w.getString("name"))
            .reversed()).map(w -> w.getString("$id")).toList();
        assertThat(byNameDesc).startsWith("w01", "w03");
        List<String> pages = new ArrayList<>();
        String cursor = null;
        for (int i = 0; i < 3; i++) {
            JsonObject order = q("orderDesc", "name");
            List<String> page = ids(cursor == null ? list("/webhooks", order, q("limit", null, 5))
                : list("/webhooks", order, q("limit", null, 5), q("cursorAfter", null, cursor)));
            pages.addAll(page);
            cursor = page.isEmpty() ? cursor : page.get(page.size() - 1);
        }
        assertThat(pages).isEqualTo(byNameDesc);
        assertThat(ids(list("/webhooks", q("orderDesc", "name"), q("cursorBefore", null, byNameDesc.get(8)),
            q("limit", null, 3)))).isEqualTo(byNameDesc.subList(5, 8));

        assertThat(ids(list("/webhooks", q("orderDesc", "$id"), q("limit", null, 3)))).containsExactly("w12", "w11",
            "w10");
        assertThat(ids(list("/webhooks", q("orderDesc", "$sequence"), q("limit", null, 2)))).containsExactly("w12",
            "w11");
        assertThat(ids(list("/webhooks", q("orderAsc", "tls"), q("orderDesc", "enabled"), q("limit", null, 3))))
            .containsExactly("w01", "w02", "w05");
        assertThat(ids(list("/webhooks", q("orderAsc", "authUsername"), q("equal", "tls", true))))
            .containsExactly("w12", "w03", "w06", "w09");
    }

    @Test
    void totalIsALooseBoolean() {
        for (String falsy : List.of("false", "0")) {
            JsonObject l = project.call("GET", "/webhooks?total=" + falsy, null).expect(200).json();
            assertThat(l.getInteger("total")).isZero();
            assertThat(ids(l)).hasSize(N);
        }
        assertThat(project.call("GET", "/webhooks?total=1", null).expect(200).json().getInteger("total")).isEqualTo(N);
        assertThat(assertError(project.call("GET", "/webhooks?total=maybe", null), 400, "general_argument_invalid"))
            .isEqualTo("Invalid `total` param: Value must be a valid boolean");
    }

    @Test
    void badQueriesAreAppwritesArgumentErrors() {
        assertThat(assertError(project.call("GET", "/webhooks" + queries(q("equal", "secret", "x")), null), 400,
            "general_argument_invalid")).isEqualTo("Invalid `queries` param: Invalid query: Attribute not found in"
                + " schema: secret");
        assertThat(assertError(project.call("GET", legacy() + queries(q("orderAsc", "nope")), null), 400,
            "general_argument_invalid")).isEqualTo("Invalid `queries` param: Invalid query: Attribute not found in"
                + " schema: nope");
        assertThat(assertError(project.call("GET", "/webhooks" + queries(q("cursorAfter", null, "-x")), null), 400,
            "general_argument_invalid")).startsWith("Invalid `queries` param: Invalid query: Invalid cursor: UID must");
        assertThat(assertError(project.call("GET", "/webhooks?queries%5B0%5D=%7Bnope", null), 400,
            "general_argument_invalid")).isEqualTo("Invalid `queries` param: Invalid query: Invalid query: Syntax"
                + " error");
        assertThat(assertError(project.call("GET", "/webhooks" + queries(q("limit", null, 0)), null), 400,
            "general_argument_invalid")).isEqualTo("Invalid `queries` param: Invalid query: Invalid limit: Value must"
                + " be a valid range between 1 and 5,000");
    }

    @Test
    void aCursorNamingNoWebhookOfTheProjectIsCursorNotFound() {
        Gateway.ProjectClient other = env.gateway().project(fresh("lq"));
        other.webhook("elsewhere", "https://example.com/x", "users.*");
        project.call("POST", "/operational-webhooks", new JsonObject().put("webhookId", "ops").put("name", "ops")
            .put("url", "https://example.com/ops").encode()).expect(201);

        for (String cursor : List.of("missing", "elsewhere", "ops")) {
            for (String method : List.of("cursorAfter", "cursorBefore")) {
                for (String path : List.of("/webhooks", legacy())) {
                    assertThat(assertError(project.call("GET", path + queries(q(method, null, cursor)), null), 400,
                        "general_cursor_not_found")).isEqualTo("Webhook '" + cursor + "' for the 'cursor' value not"
                            + " found.");
                }
            }
        }
        // The operational route lists its own kind, with the same queries.
        JsonObject ops = list("/operational-webhooks", q("equal", "name", "ops"));
        assertThat(ids(ops)).containsExactly("ops");
        assertThat(ids(list("/operational-webhooks", q("cursorAfter", null, "ops")))).isEmpty();
        assertError(project.call("GET", "/operational-webhooks" + queries(q("cursorAfter", null, "w01")), null), 400,
            "general_cursor_not_found");
        project.call("DELETE", "/operational-webhooks/ops", null).expect(204);
    }

    @Test
    void appwritesRoutesIgnoreUnknownParametersTheOperationalRouteRefusesThem() {
        String unknown = "?search=x&queriesX=1&limit=1&" + queries(q("limit", null, 2)).substring(1);
        assertThat(ids(project.call("GET", "/webhooks" + unknown, null).expect(200).json())).hasSize(2);
        assertThat(ids(project.call("GET", legacy() + unknown, null).expect(200).json())).hasSize(2);
        assertThat(assertError(project.call("GET", "/operational-webhooks" + unknown, null), 400,
            "general_argument_invalid")).isEqualTo("Unknown parameter 'search'. Allowed: queries, total.");
        project.call("GET", "/operational-webhooks?total=false" + queries(q("limit", null, 2)).replace('?', '&'), null)
            .expect(200);
    }

    @Test
    void theResponseFormatNamesTheFieldsOfAListOnBothPaths() {
        String query = queries(q("equal", "tls", true), q("limit", null, 1));
        for (String path : List.of("/webhooks", legacy())) {
            JsonObject old = env.gateway().call("GET", path + query, null, "X-Appwrite-Project", project.projectId(),
                "X-Appwrite-Key", project.key(), "X-Appwrite-Response-Format", "1.8.0").expect(200).json();
            JsonObject w = old.getJsonArray("webhooks").getJsonObject(0);
            assertThat(w.getString("$id")).isEqualTo("w03");
            assertThat(w.fieldNames()).contains("security", "httpUser", "httpPass", "signatureKey")
                .doesNotContain("tls", "authUsername", "authPassword", "secret");
            assertThat(w.getBoolean("security")).isTrue();
            assertThat(old.getInteger("total")).isEqualTo(4);

            JsonObject current = env.gateway().call("GET", path + query, null, "X-Appwrite-Project",
                project.projectId(), "X-Appwrite-Key", project.key(), "X-Appwrite-Response-Format", "1.9.5")
                .expect(200).json();
            assertThat(current.getJsonArray("webhooks").getJsonObject(0).fieldNames()).contains("tls", "authUsername")
                .doesNotContain("security", "httpUser");
        }
    }

    @Test
    void aLimitOf5000IsAllowed() {
        assertThat(ids(list("/webhooks", q("limit", null, 5000)))).hasSize(N);
    }
}
