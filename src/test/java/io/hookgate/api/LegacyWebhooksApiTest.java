package io.hookgate.api;

import static io.hookgate.api.ApiAssertions.assertInvalid;
import static io.hookgate.api.ApiAssertions.fresh;
import static io.hookgate.testsupport.AppwriteError.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pre-1.9 project routes {@code /v1/projects/{projectId}/webhooks}: old field names in and out,
 * {@code PATCH .../signature}, usable with the admin key or the project's own key.
 */
class LegacyWebhooksApiTest {
    private static final String URL = "https://example.com/legacy";
    private static final List<String> LEGACY_FIELDS = List.of("$id", "$createdAt", "$updatedAt", "name", "url", "events",
        "security", "httpUser", "httpPass", "signatureKey", "enabled", "logs", "attempts", "status", "failingSince");

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create();

    private static JsonObject legacyBody(String id) {
        return new JsonObject().put("webhookId", id).put("url", URL).put("name", "legacy " + id)
            .put("events", new JsonArray().add("users.*.create")).put("security", true).put("httpUser", "alice")
            .put("httpPass", "s3cret");
    }

    private static String base(String projectId) {
        return "/projects/" + projectId + "/webhooks";
    }

    @Test
    void adminKeyCreatesWithOldNamesAndGetsTheOldModel() {
        Gateway.ProjectClient p = env.gateway().project(fresh("leg"));

        JsonObject w = env.gateway().admin("POST", base(p.projectId()), legacyBody("old").encode()).expect(201).json();

        assertThat(w.fieldNames()).containsExactlyInAnyOrderElementsOf(LEGACY_FIELDS);
        assertThat(w.getString("$id")).isEqualTo("old");
        assertThat(w.getBoolean("security")).isTrue();
        assertThat(w.getString("httpUser")).isEqualTo("alice");
        assertThat(w.getString("httpPass")).isEqualTo("s3cret");
        assertThat(w.getString("signatureKey")).matches("[0-9a-f]{128}");

        JsonObject got = env.gateway().admin("GET", base(p.projectId()) + "/old", null).expect(200).json();
        assertThat(got.fieldNames()).containsExactlyInAnyOrderElementsOf(LEGACY_FIELDS);
        assertThat(got.getString("signatureKey")).isEmpty();

        // The same webhook through the 1.9 routes, with the new names.
        JsonObject current = p.get("old");
        assertThat(current.getBoolean("tls")).isTrue();
        assertThat(current.getString("authUsername")).isEqualTo("alice");
        assertThat(current.getString("authPassword")).isEqualTo("s3cret");
        assertThat(current.getString("$createdAt")).isEqualTo(w.getString("$createdAt"));
    }

    @Test
    void legacyCreateWithoutIdGeneratesOneAndAcceptsAGivenSignatureKey() {
        Gateway.ProjectClient p = env.gateway().project(fresh("leg"));
        JsonObject body = legacyBody("x");
        body.remove("webhookId");

        JsonObject w = env.gateway()
            .admin("POST", base(p.projectId()), body.put("signatureKey", "given-key-123").encode()).expect(201).json();

        assertThat(w.getString("$id")).hasSize(20);
        assertThat(w.getString("signatureKey")).isEqualTo("given-key-123");
    }

    /**
     * Under the old names Appwrite's request filter renames {@code security} to {@code tls} (and so on) over
     * whatever was there: the new names are taken too, the old ones win, and unknown fields are ignored.
     */
    @Test
    void legacyRoutesTakeTheNewNamesTooButTheOldOnesWin() {
        Gateway.ProjectClient p = env.gateway().project(fresh("leg"));
        JsonObject body = new JsonObject().put("webhookId", "both").put("url", URL).put("name", "n")
            .put("events", new JsonArray().add("users.*.create")).put("tls", true).put("authUsername", "new")
            .put("authPassword", "new-pw").put("httpUser", "old").put("secret", "new-secret-1").put("unknown", 1);

        JsonObject w = env.gateway().admin("POST", base(p.projectId()), body.encode()).expect(201).json();

        assertThat(w.fieldNames()).containsExactlyInAnyOrderElementsOf(LEGACY_FIELDS);
        assertThat(w.getBoolean("security")).isTrue();
        assertThat(w.getString("httpUser")).isEqualTo("old");
        assertThat(w.getString("httpPass")).isEqualTo("new-pw");
        assertThat(w.getString("signatureKey")).isEqualTo("new-secret-1");
        assertInvalid(env.gateway().admin("POST", base(p.projectId()), legacyBody("n").put("security", "yes").encode()),
            "security", "boolean");
    }

    @Test
    void projectKeyWorksOnItsOwnLegacyRoutes() {
        Gateway.ProjectClient p = env.gateway().project(fresh("leg"));
        String[] key = {"X-Appwrite-Key", p.key()};

        env.gateway().call("POST", base(p.projectId()), legacyBody("mine").encode(), key).expect(201);
        JsonObject list = env.gateway().call("GET", base(p.projectId()), null, key).expect(200).json();

        assertThat(list.getInteger("total")).isEqualTo(1);
        JsonObject listed = list.getJsonArray("webhooks").getJsonObject(0);
        assertThat(listed.fieldNames()).containsExactlyInAnyOrderElementsOf(LEGACY_FIELDS);
        assertThat(listed.getString("signatureKey")).isEmpty();
    }

    @Test
    void putUsesOldNamesAndResetsOmittedOnes() {
        Gateway.ProjectClient p = env.gateway().project(fresh("leg"));
        env.gateway().admin("POST", base(p.projectId()), legacyBody("upd").encode()).expect(201);

        JsonObject updated = env.gateway().call("PUT", base(p.projectId()) + "/upd", new JsonObject().put("url", URL)
                .put("name", "renamed").put("events", new JsonArray().add("teams.*")).put("httpUser", "bob").encode(),
            "X-Appwrite-Key", p.key()).expect(200).json();

        assertThat(updated.getString("name")).isEqualTo("renamed");
        assertThat(updated.getString("httpUser")).isEqualTo("bob");
        assertThat(updated.getString("httpPass")).isEmpty();
        assertThat(updated.getBoolean("security")).isFalse();
    }

    @Test
    void patchSignatureRotatesWithAdminKeyAndWithProjectKey() {
        Gateway.ProjectClient p = env.gateway().project(fresh("leg"));
        String first = env.gateway().admin("POST", base(p.projectId()), legacyBody("sig").encode()).expect(201).json()
            .getString("signatureKey");

        JsonObject byAdmin = env.gateway().admin("PATCH", base(p.projectId()) + "/sig/signature", null).expect(200)
            .json();
        assertThat(byAdmin.fieldNames()).containsExactlyInAnyOrderElementsOf(LEGACY_FIELDS);
        assertThat(byAdmin.getString("signatureKey")).matches("[0-9a-f]{128}").isNotEqualTo(first);

        JsonObject byProject = env.gateway().call("PATCH", base(p.projectId()) + "/sig/signature", null,
            "X-Appwrite-Key", p.key()).expect(200).json();
        assertThat(byProject.getString("signatureKey")).matches("[0-9a-f]{128}")
            .isNotEqualTo(byAdmin.getString("signatureKey"));

        JsonObject given = env.gateway().admin("PATCH", base(p.projectId()) + "/sig/signature",
            "{\"signatureKey\":\"my-legacy-key\"}").expect(200).json();
        assertThat(given.getString("signatureKey")).isEqualTo("my-legacy-key");
    }

    @Test
    void deleteThroughLegacyRouteRemovesTheWebhook() {
        Gateway.ProjectClient p = env.gateway().project(fresh("leg"));
        env.gateway().admin("POST", base(p.projectId()), legacyBody("bye").encode()).expect(201);

        env.gateway().call("DELETE", base(p.projectId()) + "/bye", null, "X-Appwrite-Key", p.key()).expect(204);

        assertError(p.call("GET", "/webhooks/bye", null), 404, "webhook_not_found");
    }

    @Test
    void keyOfAnotherProjectIs401AndChangesNothing() {
        Gateway.ProjectClient victim = env.gateway().project(fresh("victim"));
        Gateway.ProjectClient other = env.gateway().project(fresh("other"));
        env.gateway().admin("POST", base(victim.projectId()), legacyBody("kept").encode()).expect(201);
        String[] wrong = {"X-Appwrite-Key", other.key()};

        assertError(env.gateway().call("POST", base(victim.projectId()), legacyBody("evil").encode(), wrong), 401,
            "user_unauthorized");
        assertError(env.gateway().call("GET", base(victim.projectId()), null, wrong), 401, "user_unauthorized");
        assertError(env.gateway().call("PATCH", base(victim.projectId()) + "/kept/signature", null, wrong), 401,
            "user_unauthorized");
        assertError(env.gateway().call("DELETE", base(victim.projectId()) + "/kept", null, wrong), 401,
            "user_unauthorized");
        // The path decides the project: a matching X-Appwrite-Project header does not help.
        assertError(env.gateway().call("GET", base(victim.projectId()), null, "X-Appwrite-Key", other.key(),
            "X-Appwrite-Project", other.projectId()), 401, "user_unauthorized");

        JsonObject list = victim.call("GET", "/webhooks", null).expect(200).json();
        assertThat(list.getInteger("total")).isEqualTo(1);
        assertThat(list.getJsonArray("webhooks").getJsonObject(0).getString("$id")).isEqualTo("kept");
    }

    @Test
    void legacyCreateOnAnUnknownProjectIs404() {
        assertError(env.gateway().admin("POST", base(fresh("ghost")), legacyBody("x").encode()), 404,
            "project_not_found");
    }
}
