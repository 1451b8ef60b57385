package io.hookgate.api;

import static io.hookgate.api.ApiAssertions.fresh;
import static io.hookgate.api.ApiAssertions.webhookBody;
import static io.hookgate.testsupport.AppwriteError.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Keys, projects and scopes on the project routes: every mismatch is 401 and changes nothing. */
class AuthTest {
    private static final String URL = "https://example.com/hook";
    private static final String EVENT = "{\"event\":\"users.u1.create\",\"payload\":{\"a\":1}}";

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create();

    private static int total(Gateway.ProjectClient project) {
        return project.call("GET", "/webhooks", null).expect(200).json().getInteger("total");
    }

    @Test
    void missingKeyIs401() {
        Gateway.ProjectClient project = env.gateway().project(fresh("nokey"));

        Gateway.Reply reply = env.gateway().call("POST", "/webhooks", webhookBody("w1", URL, "users.*.create").encode(),
            "X-Appwrite-Project", project.projectId());

        assertError(reply, 401, "user_unauthorized");
        assertThat(total(project)).isZero();
    }

    @Test
    void wrongKeyIs401UserUnauthorized() {
        Gateway.ProjectClient project = env.gateway().project(fresh("wrongkey"));

        Gateway.Reply reply = env.gateway().call("POST", "/webhooks", webhookBody("w1", URL, "users.*.create").encode(),
            "X-Appwrite-Project", project.projectId(), "X-Appwrite-Key", project.key() + "x");

        assertError(reply, 401, "user_unauthorized");
        assertThat(total(project)).isZero();
    }

    @Test
    void oversizedKeyIs401() {
        Gateway.ProjectClient project = env.gateway().project(fresh("bigkey"));

        assertError(env.gateway().call("GET", "/webhooks", null, "X-Appwrite-Project", project.projectId(),
            "X-Appwrite-Key", "k".repeat(4000)), 401, "user_unauthorized");
    }

    @Test
    void keyOfProjectAUsedForProjectBIs401AndBIsUnchanged() {
        Gateway.ProjectClient a = env.gateway().project(fresh("a"));
        Gateway.ProjectClient b = env.gateway().project(fresh("b"));
        b.webhook("keep", URL, "users.*.create");

        String[] asB = {"X-Appwrite-Project", b.projectId(), "X-Appwrite-Key", a.key()};
        assertError(env.gateway().call("POST", "/webhooks", webhookBody("intruder", URL, "users.*.create").encode(),
            asB), 401, "user_unauthorized");
        assertError(env.gateway().call("GET", "/webhooks", null, asB), 401, "user_unauthorized");
        assertError(env.gateway().call("GET", "/webhooks/keep", null, asB), 401, "user_unauthorized");
        assertError(env.gateway().call("DELETE", "/webhooks/keep", null, asB), 401, "user_unauthorized");
        assertError(env.gateway().call("PATCH", "/webhooks/keep/secret", null, asB), 401, "user_unauthorized");
        assertError(env.gateway().call("POST", "/events", EVENT, asB), 401, "user_unauthorized");

        JsonObject list = b.call("GET", "/webhooks", null).expect(200).json();
        assertThat(list.getInteger("total")).isEqualTo(1);
        assertThat(list.getJsonArray("webhooks").getJsonObject(0).getString("$id")).isEqualTo("keep");
        assertThat(total(a)).isZero();
    }

    @Test
    void keyWithoutWebhooksWriteCannotCreateAndNothingIsCreated() {
        Gateway.ProjectClient project = env.gateway().project(fresh("readonly"));
        String readOnly = env.gateway().key(project.projectId(), "webhooks.read");

        Gateway.Reply reply = env.gateway().call("POST", "/webhooks", webhookBody("w1", URL, "users.*.create").encode(),
            "X-Appwrite-Project", project.projectId(), "X-Appwrite-Key", readOnly);

        String message = assertError(reply, 401, "general_unauthorized_scope");
        assertThat(message).contains("webhooks.write");
        assertThat(total(project)).isZero();
        // The same key may read.
        env.gateway().call("GET", "/webhooks", null, "X-Appwrite-Project", project.projectId(),
            "X-Appwrite-Key", readOnly).expect(200);
    }

    @Test
    void keyWithoutWebhooksWriteCannotChangeOrDelete() {
        Gateway.ProjectClient project = env.gateway().project(fresh("ro2"));
        JsonObject hook = project.webhook("w1", URL, "users.*.create");
        String readOnly = env.gateway().key(project.projectId(), "webhooks.read");
        String[] as = {"X-Appwrite-Project", project.projectId(), "X-Appwrite-Key", readOnly};

        assertError(env.gateway().call("PUT", "/webhooks/w1",
            new JsonObject().put("url", URL).put("name", "renamed").put("events", hook.getJsonArray("events")).encode(), as),
            401, "general_unauthorized_scope");
        assertError(env.gateway().call("PATCH", "/webhooks/w1/secret", null, as), 401, "general_unauthorized_scope");
        assertError(env.gateway().call("DELETE", "/webhooks/w1", null, as), 401, "general_unauthorized_scope");

        JsonObject after = project.get("w1");
        assertThat(after.getString("name")).isEqualTo(hook.getString("name"));
        assertThat(after.getString("$updatedAt")).isEqualTo(hook.getString("$updatedAt"));
    }

    @Test
    void eventsWriteKeyCanIngestButNotReadOrWriteWebhooks() {
        Gateway.ProjectClient project = env.gateway().project(fresh("ingest"));
        String ingestOnly = env.gateway().key(project.projectId(), "events.write");
        String[] as = {"X-Appwrite-Project", project.projectId(), "X-Appwrite-Key", ingestOnly};

        env.gateway().call("POST", "/events", EVENT, as).expect(202);

        assertThat(assertError(env.gateway().call("GET", "/webhooks", null, as), 401, "general_unauthorized_scope"))
            .contains("webhooks.read");
        assertError(env.gateway().call("POST", "/webhooks", webhookBody("w1", URL, "users.*.create").encode(), as), 401,
            "general_unauthorized_scope");
        assertThat(total(project)).isZero();
    }

    @Test
    void webhooksKeyWithoutEventsWriteCannotIngest() {
        Gateway.ProjectClient project = env.gateway().project(fresh("noingest"));
        String manage = env.gateway().key(project.projectId(), "webhooks.read", "webhooks.write");

        assertError(env.gateway().call("POST", "/events", EVENT, "X-Appwrite-Project", project.projectId(),
            "X-Appwrite-Key", manage), 401, "general_unauthorized_scope");
    }

    @Test
    void missingProjectHeaderIs401() {
        Gateway.ProjectClient project = env.gateway().project(fresh("nohdr"));

        String message = assertError(env.gateway().call("GET", "/webhooks", null, "X-Appwrite-Key", project.key()), 401,
            "user_unauthorized");
        assertThat(message).contains("X-Appwrite-Project");
        assertError(env.gateway().call("POST", "/webhooks", webhookBody("w1", URL, "users.*.create").encode(),
            "X-Appwrite-Key", project.key()), 401, "user_unauthorized");
        assertError(env.gateway().call("POST", "/events", EVENT, "X-Appwrite-Key", project.key()), 401,
            "user_unauthorized");
        assertThat(total(project)).isZero();
    }

    @Test
    void authIsCheckedBeforeTheBody() {
        // A malformed body without a key must not reveal validation details.
        assertError(env.gateway().call("POST", "/webhooks", "{not json", "X-Appwrite-Project", fresh("x")), 401,
            "user_unauthorized");
    }

    @Test
    void adminKeyActsOnAnyProject() {
        Gateway.ProjectClient project = env.gateway().project(fresh("adm"));

        env.gateway().call("POST", "/webhooks", webhookBody("byadmin", URL, "users.*.create").encode(),
            "X-Appwrite-Project", project.projectId(), "X-Appwrite-Key", Gateway.ADMIN_KEY).expect(201);

        assertThat(project.get("byadmin").getString("$id")).isEqualTo("byadmin");
    }
}
