package io.hookgate.api;

import static io.hookgate.api.ApiAssertions.fresh;
import static io.hookgate.api.ApiAssertions.webhookBody;
import static io.hookgate.testsupport.AppwriteError.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Keys, projects and scopes on the project routes, answered as Appwrite 1.9.5 answers them: a project
 * that does not exist is 404 {@code project_not_found} whatever the key; no key is Appwrite's guest (401
 * {@code general_unauthorized_scope}); a key that is not the project's is 401 {@code user_unauthorized};
 * a key without {@code X-Appwrite-Project} is 403 {@code project_id_missing}. Nothing changes.
 */
class AuthTest {
    private static final String URL = "https://example.com/hook";
    private static final String EVENT = "{\"event\":\"users.u1.create\",\"payload\":{\"a\":1}}";

    @RegisterExtension
    // Many refusals from one address on purpose: the throttle (AuthThrottleTest's subject) stays out of it.
    static final GatewayEnv env = GatewayEnv.create(Map.of(ConfigKey.MAX_FAILED_AUTH_PER_MINUTE, "0"));

    private static int total(Gateway.ProjectClient project) {
        return project.call("GET", "/webhooks", null).expect(200).json().getInteger("total");
    }

    @Test
    void missingKeyIsAppwritesGuestWithoutTheScope() {
        Gateway.ProjectClient project = env.gateway().project(fresh("nokey"));

        Gateway.Reply reply = env.gateway().call("POST", "/webhooks", webhookBody("w1", URL, "users.*.create").encode(),
            "X-Appwrite-Project", project.projectId());

        assertThat(assertError(reply, 401, "general_unauthorized_scope"))
            .isEqualTo("User (role: guests) missing scopes ([\"webhooks.write\"])");
        assertThat(assertError(env.gateway().call("GET", "/webhooks", null, "X-Appwrite-Project", project.projectId()),
            401, "general_unauthorized_scope")).isEqualTo("User (role: guests) missing scopes ([\"webhooks.read\"])");
        assertThat(assertError(env.gateway().call("POST", "/events", EVENT, "X-Appwrite-Project", project.projectId()),
            401, "general_unauthorized_scope")).isEqualTo("User (role: guests) missing scopes ([\"events.write\"])");
        // The legacy routes too: the project comes from the path.
        assertError(env.gateway().call("GET", "/projects/" + project.projectId() + "/webhooks", null), 401,
            "general_unauthorized_scope");
        assertThat(total(project)).isZero();
    }

    @Test
    void aProjectThatDoesNotExistIs404WhateverTheKey() {
        Gateway.ProjectClient other = env.gateway().project(fresh("other"));
        String missing = fresh("ghost");
        String body = webhookBody("w1", URL, "users.*.create").encode();

        for (String[] key : List.of(new String[0], new String[] {"X-Appwrite-Key", "standard_" + "0".repeat(256)},
            new String[] {"X-Appwrite-Key", other.key()}, new String[] {"X-Appwrite-Key", Gateway.ADMIN_KEY})) {
            List<String> headers = new ArrayList<>(List.of("X-Appwrite-Project", missing));
            headers.addAll(List.of(key));
            String[] as = headers.toArray(String[]::new);
            String message = assertError(env.gateway().call("POST", "/webhooks", body, as), 404, "project_not_found");
            assertThat(message).isEqualTo("Project with the requested ID could not be found. Please check the value"
                + " of the X-Appwrite-Project header to ensure the correct project ID is being used.");
            assertError(env.gateway().call("GET", "/webhooks", null, as), 404, "project_not_found");
            assertError(env.gateway().call("POST", "/events", EVENT, as), 404, "project_not_found");
            String[] legacy = Arrays.copyOfRange(as, 2, as.length);
            assertError(env.gateway().call("GET", "/projects/" + missing + "/webhooks", null, legacy), 404,
                "project_not_found");
        }
        assertError(env.gateway().admin("GET", "/projects/" + missing, null), 404, "project_not_found");
        assertThat(total(other)).isZero();
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
    void aKeyWithoutProjectHeaderIs403ProjectIdMissing() {
        Gateway.ProjectClient project = env.gateway().project(fresh("nohdr"));

        String message = assertError(env.gateway().call("GET", "/webhooks", null, "X-Appwrite-Key", project.key()), 403,
            "project_id_missing");
        assertThat(message).isEqualTo("When using project API key, make sure to pass x-appwrite-project header with"
            + " your project ID.");
        assertError(env.gateway().call("POST", "/webhooks", webhookBody("w1", URL, "users.*.create").encode(),
            "X-Appwrite-Key", project.key()), 403, "project_id_missing");
        assertError(env.gateway().call("POST", "/events", EVENT, "X-Appwrite-Key", project.key()), 403,
            "project_id_missing");
        // Neither a project nor a key: Appwrite's guest (of its console).
        assertThat(assertError(env.gateway().call("GET", "/webhooks", null), 401, "general_unauthorized_scope"))
            .isEqualTo("User (role: guests) missing scopes ([\"webhooks.read\"])");
        assertThat(total(project)).isZero();
    }

    @Test
    void authIsCheckedBeforeTheBody() {
        // A malformed body without a key must not reveal validation details.
        assertError(env.gateway().call("POST", "/webhooks", "{not json", "X-Appwrite-Project", fresh("x")), 404,
            "project_not_found");
        Gateway.ProjectClient project = env.gateway().project(fresh("body"));
        assertError(env.gateway().call("POST", "/webhooks", "{not json", "X-Appwrite-Project", project.projectId()),
            401, "general_unauthorized_scope");
        assertError(env.gateway().call("POST", "/webhooks", "{not json", "X-Appwrite-Project", project.projectId(),
            "X-Appwrite-Key", project.key() + "x"), 401, "user_unauthorized");
    }

    @Test
    void adminKeyActsOnAnyProject() {
        Gateway.ProjectClient project = env.gateway().project(fresh("adm"));

        env.gateway().call("POST", "/webhooks", webhookBody("byadmin", URL, "users.*.create").encode(),
            "X-Appwrite-Project", project.projectId(), "X-Appwrite-Key", Gateway.ADMIN_KEY).expect(201);

        assertThat(project.get("byadmin").getString("$id")).isEqualTo("byadmin");
    }
}
