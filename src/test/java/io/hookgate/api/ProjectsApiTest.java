package io.hookgate.api;

import static io.hookgate.api.ApiAssertions.assertInvalid;
import static io.hookgate.api.ApiAssertions.assertTimestamp;
import static io.hookgate.api.ApiAssertions.fresh;
import static io.hookgate.testsupport.AppwriteError.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The admin project routes against a real gateway and Redis. */
class ProjectsApiTest {
    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create();

    private static Gateway.Reply create(String id, String name) {
        return env.gateway().admin("POST", "/projects",
            new JsonObject().put("projectId", id).put("name", name).encode());
    }

    @Test
    void createAnswers201WithTheProjectModelAndGetReturnsTheSame() {
        String id = fresh("proj");
        JsonObject created = create(id, "My project").expect(201).json();

        assertThat(created.fieldNames()).containsExactlyInAnyOrder("$id", "$createdAt", "$updatedAt", "name");
        assertThat(created.getString("$id")).isEqualTo(id);
        assertThat(created.getString("name")).isEqualTo("My project");
        assertTimestamp(created.getString("$createdAt"));
        assertTimestamp(created.getString("$updatedAt"));

        JsonObject fetched = env.gateway().admin("GET", "/projects/" + id, null).expect(200).json();
        assertThat(fetched).isEqualTo(created);
    }

    @Test
    void createWithUniqueIdGeneratesA20CharId() {
        JsonObject created = create("unique()", "generated").expect(201).json();

        assertThat(created.getString("$id")).matches("[0-9a-f]{20}");
        env.gateway().admin("GET", "/projects/" + created.getString("$id"), null).expect(200);
    }

    @Test
    void duplicateIdIs409AndKeepsTheFirstProject() {
        String id = fresh("dup");
        create(id, "first").expect(201);

        assertError(create(id, "second"), 409, "project_already_exists");

        assertThat(env.gateway().admin("GET", "/projects/" + id, null).expect(200).json().getString("name"))
            .isEqualTo("first");
    }

    @Test
    void listHoldsEveryCreatedProjectAndItsTotal() {
        String a = fresh("list-a");
        String b = fresh("list-b");
        create(a, "A").expect(201);
        create(b, "B").expect(201);

        JsonObject list = env.gateway().admin("GET", "/projects", null).expect(200).json();

        List<String> ids = list.getJsonArray("projects").stream().map(p -> ((JsonObject) p).getString("$id")).toList();
        assertThat(ids).contains(a, b);
        assertThat(list.getInteger("total")).isEqualTo(ids.size());
    }

    @Test
    void getOfAnUnknownProjectIs404() {
        String message = assertError(env.gateway().admin("GET", "/projects/" + fresh("nope"), null), 404,
            "project_not_found");
        assertThat(message).contains("Project");
    }

    @Test
    void deleteAnswers204WithoutContentTypeThenTheProjectIsGone() {
        String id = fresh("del");
        Gateway.ProjectClient project = env.gateway().project(id);
        project.webhook("w1", "https://example.com/hook", "users.*.create");

        Gateway.Reply deleted = env.gateway().admin("DELETE", "/projects/" + id, null).expect(204);

        assertThat(deleted.body()).isEmpty();
        assertThat(deleted.header("Content-Type")).isNull();
        assertError(env.gateway().admin("GET", "/projects/" + id, null), 404, "project_not_found");
        assertError(env.gateway().admin("DELETE", "/projects/" + id, null), 404, "project_not_found");
        assertThat(env.gateway().admin("GET", "/projects", null).expect(200).body()).doesNotContain("\"" + id + "\"");
        // Its keys died with it: the project is checked first, as in Appwrite.
        assertError(project.call("GET", "/webhooks", null), 404, "project_not_found");
    }

    @Test
    void deletedProjectLeavesNoRedisKeysBehind() {
        String id = fresh("clean");
        env.gateway().project(id).webhook("w1", "https://example.com/hook", "users.*.create");
        assertThat(env.redis().keys("hg:{p:" + id + "}:*")).isNotEmpty();

        env.gateway().admin("DELETE", "/projects/" + id, null).expect(204);

        assertThat(env.redis().keys("hg:{p:" + id + "}:*")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-starts-with-dash", "has space", "has/slash", "a123456789012345678901234567890123456",
        ""})
    void invalidProjectIdIs400AndNothingIsCreated(String id) {
        int before = env.gateway().admin("GET", "/projects", null).expect(200).json().getInteger("total");

        assertInvalid(create(id, "bad"), "projectId");

        assertThat(env.gateway().admin("GET", "/projects", null).expect(200).json().getInteger("total"))
            .isEqualTo(before);
    }

    @Test
    void missingOrTooLongNameIs400NamingTheField() {
        assertInvalid(env.gateway().admin("POST", "/projects",
            new JsonObject().put("projectId", fresh("noname")).encode()), "name");
        assertInvalid(create(fresh("longname"), "n".repeat(129)), "name", "128");
    }

    @Test
    void projectKeyOnAdminRoutesIs401AndCreatesNothing() {
        String owner = fresh("owner");
        String key = env.gateway().project(owner).key();
        String wanted = fresh("sneaky");

        Gateway.Reply reply = env.gateway().call("POST", "/projects",
            new JsonObject().put("projectId", wanted).put("name", "x").encode(),
            "X-Appwrite-Key", key, "X-Appwrite-Project", owner);

        assertError(reply, 401, "user_unauthorized");
        assertError(env.gateway().admin("GET", "/projects/" + wanted, null), 404, "project_not_found");
        assertError(env.gateway().call("GET", "/projects", null, "X-Appwrite-Key", key), 401, "user_unauthorized");
        assertError(env.gateway().call("DELETE", "/projects/" + owner, null, "X-Appwrite-Key", key), 401,
            "user_unauthorized");
        assertError(env.gateway().call("POST", "/projects/" + owner + "/keys",
            "{\"name\":\"k\",\"scopes\":[\"webhooks.read\"]}", "X-Appwrite-Key", key), 401, "user_unauthorized");
        env.gateway().admin("GET", "/projects/" + owner, null).expect(200);
    }

    @Test
    void adminRoutesWithoutAnyKeyAre401() {
        assertError(env.gateway().call("GET", "/projects", null), 401, "user_unauthorized");
        assertError(env.gateway().call("GET", "/projects", null, "X-Appwrite-Key", "wrong-admin-key-0123456789"), 401,
            "user_unauthorized");
    }
}
