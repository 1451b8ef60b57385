package io.hookgate.testsupport;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The gateway's API as a test calls it, whether the gateway runs in this JVM ({@link Gateway}) or
 * as a child process ({@link ChildGateway}).
 */
public interface GatewayClient {
    /** A raw request; {@code path} is below {@code /v1}; {@code headers} alternate name, value. */
    Gateway.Reply call(String method, String path, String body, String... headers);

    /** The admin key the gateway was started with. */
    String adminKey();

    default Gateway.Reply admin(String method, String path, String body) {
        return call(method, path, body, "X-Appwrite-Key", adminKey());
    }

    /** Creates a project and a key with every scope; answers a client bound to both. */
    default Gateway.ProjectClient project(String projectId) {
        admin("POST", "/projects", new JsonObject().put("projectId", projectId).put("name", projectId).encode())
            .expect(201);
        return new Gateway.ProjectClient(this, projectId, key(projectId, "webhooks.read", "webhooks.write", "events.write"));
    }

    /** A new key of the project with the given scopes; answers its secret. */
    default String key(String projectId, String... scopes) {
        return admin("POST", "/projects/" + projectId + "/keys",
            new JsonObject().put("name", "test").put("scopes", new JsonArray(List.of(scopes))).encode())
            .expect(201).json().getString("secret");
    }
}
