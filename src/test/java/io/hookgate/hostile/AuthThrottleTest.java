package io.hookgate.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16, finding 6f: failed authentication was never throttled (6 100 admin-key guesses a second
 * from one client). Now each client address may fail {@code maxFailedAuthPerMinute} times a minute;
 * beyond that it gets 429 with {@code Retry-After}, and while it waits no key of it is checked, a
 * correct one neither (else a 200 among the 429s would tell a guess that hit). Other addresses are
 * not concerned. The guesser here is {@code 127.0.0.2}; everyone else is {@code 127.0.0.1}.
 */
class AuthThrottleTest {
    private static final int PER_MINUTE = 20;
    private static final String GUESSER = "127.0.0.2";
    private static final String OTHER = "127.0.0.1";

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create(Map.of(ConfigKey.MAX_FAILED_AUTH_PER_MINUTE, String.valueOf(PER_MINUTE)));

    private static int port() {
        return URI.create(env.gateway().endpoint()).getPort();
    }

    /** {@code GET /v1/projects} with {@code key}, from {@code from}, on a connection of its own. */
    private static RawHttp.Response listProjects(String from, String key) {
        try (RawHttp.Connection c = RawHttp.Connection.open(from, port())) {
            c.write("GET /v1/projects HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Appwrite-Key: " + key + "\r\n\r\n");
            return c.read(5_000);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anAddressThatGuessesTooOftenGets429UntilItsTimeIsUpAndOthersAreNotConcerned() {
        String guess = Gateway.ADMIN_KEY.replace('a', 'b');
        for (int i = 0; i < PER_MINUTE; i++) {
            RawHttp.Response r = listProjects(GUESSER, guess + i);
            assertThat(r.status()).as("guess %d: %s", i, r.bodyText()).isEqualTo(401);
        }

        RawHttp.Response throttled = listProjects(GUESSER, guess);
        assertThat(throttled.status()).as(throttled.bodyText()).isEqualTo(429);
        JsonObject body = new JsonObject(throttled.bodyText());
        assertThat(body.getString("type")).isEqualTo("general_rate_limit_exceeded");
        assertThat(body.getString("message")).contains("failed authentication");
        // One guess back every 60 / 20 = 3 s.
        assertThat(Long.parseLong(throttled.header("Retry-After"))).isBetween(1L, 3L);

        // The right key from the throttled address is not even checked.
        assertThat(listProjects(GUESSER, Gateway.ADMIN_KEY).status()).isEqualTo(429);
        // Another address is not concerned, its failures neither.
        assertThat(listProjects(OTHER, Gateway.ADMIN_KEY).status()).isEqualTo(200);
        assertThat(listProjects(OTHER, guess).status()).isEqualTo(401);

        // Once Retry-After has passed, the guesser's right key works again.
        Await.until("the right key accepted from the guesser again", Duration.ofSeconds(10),
            () -> listProjects(GUESSER, Gateway.ADMIN_KEY).status() == 200);
    }

    @Test
    void aWrongProjectKeyCountsLikeAWrongAdminKeyButAMissingScopeDoesNot() {
        Gateway.ProjectClient project = env.gateway().project(FullPath.fresh("thr"));
        String readOnly = env.gateway().key(project.projectId(), "webhooks.read");
        String from = "127.0.0.9";
        for (int i = 0; i < 2 * PER_MINUTE; i++) {
            // A real key without the scope: not a failed authentication.
            assertThat(call(from, project.projectId(), readOnly, "POST").status()).isEqualTo(401);
        }
        assertThat(call(from, project.projectId(), readOnly, "GET").status()).isEqualTo(200);
        for (int i = 0; i < PER_MINUTE; i++) {
            assertThat(call(from, project.projectId(), project.key() + "x", "GET").status()).isEqualTo(401);
        }
        assertThat(call(from, project.projectId(), project.key(), "GET").status()).isEqualTo(429);
    }

    /**
     * Appwrite answers 404 {@code project_not_found} for a project that does not exist, with or without a key,
     * and so tells anyone which projects exist; Hookgate tells no more: each such 404 counts like a wrong key
     * (but for the admin key), so guessing project IDs is throttled like guessing keys. A guest of a project
     * that exists (401, no scope) is not a failed authentication.
     */
    @Test
    void guessingProjectsCountsLikeGuessingKeysButNotForTheAdminKey() {
        Gateway.ProjectClient project = env.gateway().project(FullPath.fresh("enum"));
        String from = "127.0.0.10";
        for (int i = 0; i < 2 * PER_MINUTE; i++) {
            assertThat(call(from, project.projectId(), "", "GET").status()).isEqualTo(401);
            assertThat(call(from, "ghost-" + i, Gateway.ADMIN_KEY, "GET").status()).isEqualTo(404);
        }
        for (int i = 0; i < PER_MINUTE; i++) {
            RawHttp.Response r = call(from, "ghost-" + i, i % 2 == 0 ? "" : "standard_guess", "GET");
            assertThat(r.status()).as(r.bodyText()).isEqualTo(404);
        }
        RawHttp.Response throttled = call(from, "ghost-x", "", "GET");
        assertThat(throttled.status()).as(throttled.bodyText()).isEqualTo(429);
        // Throttled: no project is looked up for it, one that exists neither.
        assertThat(call(from, project.projectId(), "", "GET").status()).isEqualTo(429);
    }

    /** {@code GET} or {@code POST /v1/webhooks} (an empty body) as the project; {@code key} "" for none. */
    private static RawHttp.Response call(String from, String projectId, String key, String method) {
        try (RawHttp.Connection c = RawHttp.Connection.open(from, port())) {
            c.write(method + " /v1/webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Appwrite-Project: "
                + projectId + (key.isEmpty() ? "" : "\r\nX-Appwrite-Key: " + key) + "\r\nContent-Length: 0\r\n\r\n");
            return c.read(5_000);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
