package io.hookgate.api;

import static io.hookgate.api.ApiAssertions.assertInvalid;
import static io.hookgate.api.ApiAssertions.assertTimestamp;
import static io.hookgate.api.ApiAssertions.fresh;
import static io.hookgate.testsupport.AppwriteError.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Project API keys: Appwrite's key model, listing without secrets, expiry, revocation. */
class KeysApiTest {
    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create();

    private static Gateway.Reply createKey(String projectId, String name, String... scopes) {
        return env.gateway().admin("POST", "/projects/" + projectId + "/keys",
            new JsonObject().put("name", name).put("scopes", new JsonArray(List.of(scopes))).encode());
    }

    private static String newProject() {
        String id = fresh("keys");
        env.gateway().admin("POST", "/projects", new JsonObject().put("projectId", id).put("name", id).encode())
            .expect(201);
        return id;
    }

    @Test
    void createAnswers201WithAppwritesKeyModelAndTheSecret() {
        String project = newProject();

        JsonObject key = createKey(project, "ci", "webhooks.write", "webhooks.read").expect(201).json();

        assertThat(key.fieldNames()).contains("$id", "$createdAt", "name", "scopes", "secret", "expire", "accessedAt",
            "sdks");
        assertThat(key.getString("$id")).isNotBlank();
        assertTimestamp(key.getString("$createdAt"));
        assertThat(key.getString("name")).isEqualTo("ci");
        assertThat(key.getJsonArray("scopes").getList()).containsExactlyInAnyOrder("webhooks.read", "webhooks.write");
        assertThat(key.getString("secret")).isNotBlank().hasSizeGreaterThanOrEqualTo(32);
        assertThat(key.getValue("expire")).isInstanceOf(String.class);
        assertThat(key.getValue("accessedAt")).isInstanceOf(String.class);
        assertThat(key.getJsonArray("sdks")).isEmpty();
    }

    @Test
    void listShowsEveryKeyWithAnEmptySecret() {
        String project = newProject();
        JsonObject a = createKey(project, "a", "webhooks.read").expect(201).json();
        JsonObject b = createKey(project, "b", "events.write").expect(201).json();

        JsonObject list = env.gateway().admin("GET", "/projects/" + project + "/keys", null).expect(200).json();

        assertThat(list.getInteger("total")).isEqualTo(2);
        JsonArray keys = list.getJsonArray("keys");
        assertThat(keys.stream().map(k -> ((JsonObject) k).getString("$id")).toList())
            .containsExactlyInAnyOrder(a.getString("$id"), b.getString("$id"));
        for (Object k : keys) {
            assertThat(((JsonObject) k).getString("secret")).isEmpty();
        }
        assertThat(list.encode()).doesNotContain(a.getString("secret"), b.getString("secret"));
    }

    @Test
    void theSecretOfANewKeyWorksAndStopsWorkingOnceTheKeyIsDeleted() {
        String project = newProject();
        JsonObject key = createKey(project, "temp", "webhooks.read").expect(201).json();
        String secret = key.getString("secret");

        env.gateway().call("GET", "/webhooks", null, "X-Appwrite-Project", project, "X-Appwrite-Key", secret)
            .expect(200);

        Gateway.Reply deleted = env.gateway()
            .admin("DELETE", "/projects/" + project + "/keys/" + key.getString("$id"), null).expect(204);

        assertThat(deleted.header("Content-Type")).isNull();
        assertError(env.gateway().call("GET", "/webhooks", null, "X-Appwrite-Project", project,
            "X-Appwrite-Key", secret), 401, "user_unauthorized");
        assertThat(env.gateway().admin("GET", "/projects/" + project + "/keys", null).expect(200).json()
            .getInteger("total")).isZero();
    }

    @Test
    void deletingOneKeyLeavesTheOthersWorking() {
        String project = newProject();
        JsonObject doomed = createKey(project, "doomed", "webhooks.read").expect(201).json();
        String kept = createKey(project, "kept", "webhooks.read").expect(201).json().getString("secret");

        env.gateway().admin("DELETE", "/projects/" + project + "/keys/" + doomed.getString("$id"), null).expect(204);

        env.gateway().call("GET", "/webhooks", null, "X-Appwrite-Project", project, "X-Appwrite-Key", kept).expect(200);
    }

    @Test
    void deleteOfAnUnknownKeyIs404() {
        String project = newProject();
        assertError(env.gateway().admin("DELETE", "/projects/" + project + "/keys/nope", null), 404, "key_not_found");
    }

    @Test
    void unknownScopeIs400NamingItAndNoKeyIsCreated() {
        String project = newProject();

        String message = assertInvalid(createKey(project, "bad", "webhooks.read", "users.write"), "scopes",
            "users.write");

        assertThat(message).isNotEmpty();
        assertThat(env.gateway().admin("GET", "/projects/" + project + "/keys", null).expect(200).json()
            .getInteger("total")).isZero();
    }

    @Test
    void missingScopesOrNameIs400NamingTheField() {
        String project = newProject();
        assertInvalid(env.gateway().admin("POST", "/projects/" + project + "/keys", "{\"name\":\"n\"}"), "scopes");
        assertInvalid(env.gateway().admin("POST", "/projects/" + project + "/keys", "{\"scopes\":[]}"), "name");
        assertInvalid(env.gateway().admin("POST", "/projects/" + project + "/keys",
            "{\"name\":\"n\",\"scopes\":\"webhooks.read\"}"), "scopes");
    }

    @Test
    void keyForAnUnknownProjectIs404() {
        assertError(createKey(fresh("ghost"), "k", "webhooks.read"), 404, "project_not_found");
    }

    private static Gateway.Reply createKey(String projectId, Object expire) {
        return env.gateway().admin("POST", "/projects/" + projectId + "/keys", new JsonObject().put("name", "k")
            .put("scopes", new JsonArray().add("webhooks.read").add("events.write")).put("expire", expire).encode());
    }

    private static Gateway.Reply listWebhooks(String project, String secret) {
        return env.gateway().call("GET", "/webhooks", null, "X-Appwrite-Project", project, "X-Appwrite-Key", secret);
    }

    @Test
    void expireIsStoredAndAnsweredAsAppwriteDoesNullMeaningNever() {
        String project = newProject();

        JsonObject dated = createKey(project, "2030-01-01T00:00:00.000+00:00").expect(201).json();
        JsonObject offset = createKey(project, "2030-01-01T02:00:00+02:00").expect(201).json();
        JsonObject spaced = createKey(project, "2030-01-01 00:00:00").expect(201).json(); // UTC, as PHP reads it
        JsonObject never = createKey(project, null).expect(201).json();
        JsonObject absent = createKey(project, "k", "webhooks.read").expect(201).json();

        assertThat(dated.getString("expire")).isEqualTo("2030-01-01T00:00:00.000+00:00");
        assertThat(offset.getString("expire")).isEqualTo("2030-01-01T00:00:00.000+00:00");
        assertThat(spaced.getString("expire")).isEqualTo("2030-01-01T00:00:00.000+00:00");
        assertThat(never.getString("expire")).isEmpty();
        assertThat(absent.getString("expire")).isEmpty();
        // Kept in Redis: the listing reads the keys back from there.
        JsonArray listed = env.gateway().admin("GET", "/projects/" + project + "/keys", null).expect(200).json()
            .getJsonArray("keys");
        assertThat(listed.stream().map(k -> (JsonObject) k)
            .collect(java.util.stream.Collectors.toMap(k -> k.getString("$id"), k -> k.getString("expire"))))
            .isEqualTo(java.util.Map.of(dated.getString("$id"), "2030-01-01T00:00:00.000+00:00",
                offset.getString("$id"), "2030-01-01T00:00:00.000+00:00",
                spaced.getString("$id"), "2030-01-01T00:00:00.000+00:00", never.getString("$id"), "",
                absent.getString("$id"), ""));
        listWebhooks(project, dated.getString("secret")).expect(200);
        listWebhooks(project, never.getString("secret")).expect(200);
    }

    @Test
    void aKeyPastItsExpireIs401ProjectKeyExpiredOnEveryProjectRoute() {
        String project = newProject();
        String secret = createKey(project, "2020-01-01T00:00:00.000+00:00").expect(201).json().getString("secret");

        for (Gateway.Reply reply : List.of(listWebhooks(project, secret),
            env.gateway().call("GET", "/webhooks/w1", null, "X-Appwrite-Project", project, "X-Appwrite-Key", secret),
            env.gateway().call("POST", "/events", "{\"event\":\"users.u1.create\",\"payload\":{}}",
                "X-Appwrite-Project", project, "X-Appwrite-Key", secret))) {
            assertThat(assertError(reply, 401, "project_key_expired"))
                .isEqualTo("The project key has expired. Please generate a new key using the Appwrite console.");
        }
        // Another project's ID with it is still the plain 401: the key does not belong there.
        assertError(listWebhooks(newProject(), secret), 401, "user_unauthorized");
    }

    @Test
    void aKeyWorksUntilItsExpireAndNotAfter() {
        String project = newProject();
        OffsetDateTime expire = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(2);
        String secret = createKey(project, expire.toString()).expect(201).json().getString("secret");

        listWebhooks(project, secret).expect(200);

        Gateway.Reply expired = Await.until("the key to expire", Duration.ofSeconds(10), () -> {
            Gateway.Reply r = listWebhooks(project, secret);
            return r.status() == 200 ? null : r;
        });
        assertThat(OffsetDateTime.now(ZoneOffset.UTC)).isAfter(expire);
        assertError(expired, 401, "project_key_expired");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "tomorrow", "2030-13-01T00:00:00Z", "2030-01-01T25:00:00Z", "10000-01-01T00:00:00Z",
        "+10000-01-01T00:00:00Z", "2030-01-01T00:00:00+25:00", "1735689600"})
    void anExpireThatIsNotAnIso8601DateIs400AndNoKeyIsCreated(String expire) {
        String project = newProject();

        assertThat(assertInvalid(createKey(project, expire), "expire"))
            .isEqualTo("Invalid `expire` param: Value must be valid date.");

        assertThat(env.gateway().admin("GET", "/projects/" + project + "/keys", null).expect(200).json()
            .getInteger("total")).isZero();
    }

    @Test
    void listingKeysOfAnUnknownProjectIs404() {
        assertError(env.gateway().admin("GET", "/projects/" + fresh("ghost") + "/keys", null), 404,
            "project_not_found");
    }
}
