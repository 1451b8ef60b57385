package io.hookgate.api;

import static io.hookgate.api.ApiAssertions.assertInvalid;
import static io.hookgate.api.ApiAssertions.fresh;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code X-Appwrite-Response-Format} decides the webhook fields' names on both of Appwrite's paths, as in
 * Appwrite 1.9.5: below 1.9.1 {@code security}, {@code httpUser}, {@code httpPass}, {@code signatureKey}
 * in answers and bodies; from 1.9.1 {@code tls}, {@code authUsername}, {@code authPassword},
 * {@code secret}; below 1.9.0 a create without {@code webhookId} gets one. Without the header each path
 * keeps its own names.
 */
class ResponseFormatApiTest {
    private static final String URL = "https://example.com/format";
    private static final List<String> OLD = List.of("security", "httpUser", "httpPass", "signatureKey");
    private static final List<String> NEW = List.of("tls", "authUsername", "authPassword", "secret");

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create();

    private static Gateway.Reply call(Gateway.ProjectClient p, String method, String path, String body, String format) {
        return env.gateway().call(method, path, body, "X-Appwrite-Project", p.projectId(), "X-Appwrite-Key", p.key(),
            "X-Appwrite-Response-Format", format);
    }

    private static JsonObject body(String id) {
        return new JsonObject().put("webhookId", id).put("url", URL).put("name", id)
            .put("events", new JsonArray().add("users.*.create"));
    }

    private static void assertNames(JsonObject model, List<String> present, List<String> absent) {
        assertThat(model.fieldNames()).containsAll(present).doesNotContainAnyElementsOf(absent);
    }

    @Test
    void anOldFormatOnTheCurrentPathTakesAndAnswersTheOldNames() {
        Gateway.ProjectClient p = env.gateway().project(fresh("fmt"));

        JsonObject created = call(p, "POST", "/webhooks", body("w1").put("security", true).put("httpUser", "u")
            .put("httpPass", "pw-1").put("signatureKey", "old-secret-1").encode(), "1.9.0").expect(201).json();

        assertNames(created, OLD, NEW);
        assertThat(created.getBoolean("security")).isTrue();
        assertThat(created.getString("httpUser")).isEqualTo("u");
        assertThat(created.getString("httpPass")).isEqualTo("pw-1");
        assertThat(created.getString("signatureKey")).isEqualTo("old-secret-1");
        assertNames(call(p, "GET", "/webhooks/w1", null, "1.9.0").expect(200).json(), OLD, NEW);
        JsonObject list = call(p, "GET", "/webhooks", null, "1.8.1").expect(200).json();
        assertNames(list.getJsonArray("webhooks").getJsonObject(0), OLD, NEW);
        JsonObject put = call(p, "PUT", "/webhooks/w1", new JsonObject().put("url", URL).put("name", "n")
            .put("events", new JsonArray().add("users.*")).put("httpUser", "v").encode(), "1.9.0").expect(200).json();
        assertThat(put.getString("httpUser")).isEqualTo("v");
        assertThat(put.getBoolean("security")).isFalse();
        JsonObject rotated = call(p, "PATCH", "/webhooks/w1/secret", "{}", "1.9.0").expect(200).json();
        assertThat(rotated.getString("signatureKey")).matches("[0-9a-f]{128}");

        // The same webhook without the header: the path's names.
        JsonObject current = p.get("w1");
        assertNames(current, NEW, OLD);
        assertThat(current.getString("authUsername")).isEqualTo("v");
    }

    @Test
    void theWebhookIdIsRequiredFromOneNineZeroAndGeneratedBelow() {
        Gateway.ProjectClient p = env.gateway().project(fresh("fmtid"));
        JsonObject noId = body("x");
        noId.remove("webhookId");

        assertInvalid(call(p, "POST", "/webhooks", noId.encode(), "1.9.0"), "webhookId");
        assertInvalid(call(p, "POST", "/webhooks", noId.encode(), "1.9.5"), "webhookId");
        JsonObject generated = call(p, "POST", "/webhooks", noId.encode(), "1.8.1").expect(201).json();
        assertThat(generated.getString("$id")).hasSize(20);
        assertNames(generated, OLD, NEW);
    }

    @Test
    void aCurrentFormatOnTheLegacyPathTakesAndAnswersTheNewNames() {
        Gateway.ProjectClient p = env.gateway().project(fresh("fmtleg"));
        String base = "/projects/" + p.projectId() + "/webhooks";

        // 1.9.5: the new names; the old ones are unknown parameters, ignored; the ID is required.
        JsonObject created = call(p, "POST", base, body("l1").put("tls", true).put("security", false)
            .put("authUsername", "u").put("httpUser", "ignored").put("secret", "new-secret-1").encode(), "1.9.5")
            .expect(201).json();
        assertNames(created, NEW, OLD);
        assertThat(created.getBoolean("tls")).isTrue();
        assertThat(created.getString("authUsername")).isEqualTo("u");
        assertThat(created.getString("secret")).isEqualTo("new-secret-1");
        JsonObject noId = body("x");
        noId.remove("webhookId");
        assertInvalid(call(p, "POST", base, noId.encode(), "1.9.5"), "webhookId");
        assertNames(call(p, "GET", base + "/l1", null, "1.9.5").expect(200).json(), NEW, OLD);
        assertNames(call(p, "GET", base, null, "1.9.1").expect(200).json().getJsonArray("webhooks").getJsonObject(0),
            NEW, OLD);
        assertThat(call(p, "PATCH", base + "/l1/signature", "{\"secret\":\"rotated-123\"}", "1.9.5").expect(200).json()
            .getString("secret")).isEqualTo("rotated-123");

        // Without the header the legacy path keeps its old names.
        JsonObject old = env.gateway().call("GET", base + "/l1", null, "X-Appwrite-Key", p.key()).expect(200).json();
        assertNames(old, OLD, NEW);
        assertThat(old.getBoolean("security")).isTrue();
    }

    @Test
    void anEmptyOrFalseFormatIsNoFormatAndOperationalWebhooksKeepTheirNames() {
        Gateway.ProjectClient p = env.gateway().project(fresh("fmtnone"));
        p.webhook(body("w1"));
        String base = "/projects/" + p.projectId() + "/webhooks";

        for (String none : List.of("", "0")) {
            assertNames(call(p, "GET", "/webhooks/w1", null, none).expect(200).json(), NEW, OLD);
            assertNames(call(p, "GET", base + "/w1", null, none).expect(200).json(), OLD, NEW);
        }
        // Hookgate's own routes have one set of names.
        call(p, "POST", "/operational-webhooks", new JsonObject().put("webhookId", "o1").put("url", URL)
            .put("name", "o1").encode(), "1.8.0").expect(201);
        assertNames(call(p, "GET", "/operational-webhooks/o1", null, "1.8.0").expect(200).json(), NEW, OLD);
    }
}
