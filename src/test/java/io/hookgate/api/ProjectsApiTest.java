package io.hookgate.api;

import static io.hookgate.api.ApiAssertions.assertError;
import static io.hookgate.api.ApiAssertions.assertInvalid;
import static io.hookgate.api.ApiAssertions.assertTimestamp;
import static io.hookgate.api.ApiAssertions.fresh;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.RedisServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The admin project routes against a real gateway and Redis. */
class ProjectsApiTest {
    private static RedisServer redis;
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        gateway = Gateway.start(redis.url());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static Gateway.Reply create(String id, String name) {
        return gateway.admin("POST", "/projects", new JsonObject().put("projectId", id).put("name", name).encode());
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

        JsonObject fetched = gateway.admin("GET", "/projects/" + id, null).expect(200).json();
        assertThat(fetched).isEqualTo(created);
    }

    @Test
    void createWithUniqueIdGeneratesA20CharId() {
        JsonObject created = create("unique()", "generated").expect(201).json();

        assertThat(created.getString("$id")).matches("[0-9a-f]{20}");
        gateway.admin("GET", "/projects/" + created.getString("$id"), null).expect(200);
    }

    @Test
    void duplicateIdIs409AndKeepsTheFirstProject() {
        String id = fresh("dup");
        create(id, "first").expect(201);

        assertError(create(id, "second"), 409, "project_already_exists");

        assertThat(gateway.admin("GET", "/projects/" + id, null).expect(200).json().getString("name")).isEqualTo("first");
    }

    @Test
    void listHoldsEveryCreatedProjectAndItsTotal() {
        String a = fresh("list-a");
        String b = fresh("list-b");
        create(a, "A").expect(201);
        create(b, "B").expect(201);

        JsonObject list = gateway.admin("GET", "/projects", null).expect(200).json();

        List<String> ids = list.getJsonArray("projects").stream().map(p -> ((JsonObject) p).getString("$id")).toList();
        assertThat(ids).contains(a, b);
        assertThat(list.getInteger("total")).isEqualTo(ids.size());
    }

    @Test
    void getOfAnUnknownProjectIs404() {
        String message = assertError(gateway.admin("GET", "/projects/" + fresh("nope"), null), 404, "project_not_found");
        assertThat(message).contains("Project");
    }

    @Test
    void deleteAnswers204WithoutContentTypeThenTheProjectIsGone() {
        String id = fresh("del");
        Gateway.ProjectClient project = gateway.project(id);
        project.webhook("w1", "https://example.com/hook", "users.*.create");

        Gateway.Reply deleted = gateway.admin("DELETE", "/projects/" + id, null).expect(204);

        assertThat(deleted.body()).isEmpty();
        assertThat(deleted.header("Content-Type")).isNull();
        assertError(gateway.admin("GET", "/projects/" + id, null), 404, "project_not_found");
        assertError(gateway.admin("DELETE", "/projects/" + id, null), 404, "project_not_found");
        assertThat(gateway.admin("GET", "/projects", null).expect(200).body()).doesNotContain("\"" + id + "\"");
        // Its keys died with it.
        assertError(project.call("GET", "/webhooks", null), 401, "user_unauthorized");
    }

    @Test
    void deletedProjectLeavesNoRedisKeysBehind() {
        String id = fresh("clean");
        gateway.project(id).webhook("w1", "https://example.com/hook", "users.*.create");
        assertThat(redis.keys("hg:{p:" + id + "}:*")).isNotEmpty();

        gateway.admin("DELETE", "/projects/" + id, null).expect(204);

        assertThat(redis.keys("hg:{p:" + id + "}:*")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-starts-with-dash", "has space", "has/slash", "a123456789012345678901234567890123456",
        ""})
    void invalidProjectIdIs400AndNothingIsCreated(String id) {
        int before = gateway.admin("GET", "/projects", null).expect(200).json().getInteger("total");

        assertInvalid(create(id, "bad"), "projectId");

        assertThat(gateway.admin("GET", "/projects", null).expect(200).json().getInteger("total")).isEqualTo(before);
    }

    @Test
    void missingOrTooLongNameIs400NamingTheField() {
        assertInvalid(gateway.admin("POST", "/projects", new JsonObject().put("projectId", fresh("noname")).encode()),
            "name");
        assertInvalid(create(fresh("longname"), "n".repeat(129)), "name", "128");
    }

    @Test
    void projectKeyOnAdminRoutesIs401AndCreatesNothing() {
        String owner = fresh("owner");
        String key = gateway.project(owner).key();
        String wanted = fresh("sneaky");

        Gateway.Reply reply = gateway.call("POST", "/projects",
            new JsonObject().put("projectId", wanted).put("name", "x").encode(),
            "X-Appwrite-Key", key, "X-Appwrite-Project", owner);

        assertError(reply, 401, "user_unauthorized");
        assertError(gateway.admin("GET", "/projects/" + wanted, null), 404, "project_not_found");
        assertError(gateway.call("GET", "/projects", null, "X-Appwrite-Key", key), 401, "user_unauthorized");
        assertError(gateway.call("DELETE", "/projects/" + owner, null, "X-Appwrite-Key", key), 401, "user_unauthorized");
        assertError(gateway.call("POST", "/projects/" + owner + "/keys",
            "{\"name\":\"k\",\"scopes\":[\"webhooks.read\"]}", "X-Appwrite-Key", key), 401, "user_unauthorized");
        gateway.admin("GET", "/projects/" + owner, null).expect(200);
    }

    @Test
    void adminRoutesWithoutAnyKeyAre401() {
        assertError(gateway.call("GET", "/projects", null), 401, "user_unauthorized");
        assertError(gateway.call("GET", "/projects", null, "X-Appwrite-Key", "wrong-admin-key-0123456789"), 401,
            "user_unauthorized");
    }
}
