package io.hookgate.testsupport;

import io.hookgate.Hookgate;
import io.hookgate.config.ConfigKey;
import io.hookgate.config.HookgateConfig;
import io.hookgate.net.HostResolver;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A whole gateway deployed in the test's JVM on its own Vert.x, against a given Redis, on free
 * loopback ports, with a known admin key and loopback targets allowed; plus a small synchronous
 * HTTP client for its API.
 */
public final class Gateway implements GatewayClient, AutoCloseable {
    public static final String ADMIN_KEY = "test-admin-key-0123456789";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        // HTTP/1.1: the default (HTTP/2) asks the server for a cleartext upgrade (h2c), after which the
        // JDK client sometimes never completed a larger answer, its request timeout notwithstanding.
        .version(HttpClient.Version.HTTP_1_1).build();

    private final Vertx vertx;
    private final Hookgate hookgate;

    private Gateway(Vertx vertx, Hookgate hookgate) {
        this.vertx = vertx;
        this.hookgate = hookgate;
    }

    /** Starts a gateway on {@code redisUrl}; {@code overrides} replace defaults (e.g. MAX_FAILED_ATTEMPTS). */
    public static Gateway start(String redisUrl, Map<ConfigKey, String> overrides) {
        return start(redisUrl, overrides, HostResolver.SYSTEM);
    }

    /** As {@link #start(String, Map)}, with the resolver deliveries use for host names (e.g. a name mapped to loopback). */
    public static Gateway start(String redisUrl, Map<ConfigKey, String> overrides, HostResolver resolver) {
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        for (ConfigKey k : ConfigKey.values()) {
            values.put(k, k.defaultValue());
        }
        values.put(ConfigKey.HTTP_HOST, "127.0.0.1");
        values.put(ConfigKey.HTTP_PORT, "0");
        values.put(ConfigKey.MANAGEMENT_PORT, "0");
        values.put(ConfigKey.REDIS_URL, redisUrl);
        values.put(ConfigKey.ADMIN_KEY, ADMIN_KEY);
        values.put(ConfigKey.ALLOWED_TARGET_CIDRS, "127.0.0.0/8,::1/128");
        values.put(ConfigKey.REPLICA_ID, "test-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        // One retry an hour later: a test sees exactly the tries it caused, unless it sets a schedule.
        values.put(ConfigKey.RETRY_SCHEDULE, "1h");
        values.putAll(overrides);
        Vertx vertx = Vertx.vertx();
        try {
            Hookgate gw = Hookgate.start(vertx, HookgateConfig.fromValues(values), resolver).await();
            return new Gateway(vertx, gw);
        } catch (RuntimeException e) {
            Hookgate.closeVertx(vertx);
            throw e;
        }
    }

    public static Gateway start(String redisUrl) {
        return start(redisUrl, Map.of());
    }

    public Vertx vertx() {
        return vertx;
    }

    public Hookgate hookgate() {
        return hookgate;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + hookgate.apiPort() + "/v1";
    }

    public int managementPort() {
        return hookgate.managementPort();
    }

    /** An HTTP answer: status, headers and body text. */
    public record Reply(int status, Map<String, List<String>> headers, String body) {
        public JsonObject json() {
            return new JsonObject(body);
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        /** Asserts the status, with the body in the message when it differs. */
        public Reply expect(int expected) {
            if (status != expected) {
                throw new AssertionError("expected HTTP " + expected + " but got " + status + ": " + body);
            }
            return this;
        }
    }

    /** A raw request; {@code headers} alternate name, value. */
    @Override
    public Reply call(String method, String path, String body, String... headers) {
        try {
            HttpResponse<String> r = HTTP.send(request(endpoint() + path, Duration.ofSeconds(30), method, body, headers),
                HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new AssertionError("request " + method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public String adminKey() {
        return ADMIN_KEY;
    }

    /** An API request: a JSON body if any, then {@code headers} (alternately name and value). */
    static HttpRequest request(String url, Duration timeout, String method, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b.build();
    }

    /** Calls as one project with one key. */
    public record ProjectClient(GatewayClient gateway, String projectId, String key) {
        public Reply call(String method, String path, String body) {
            return gateway.call(method, path, body, "X-Appwrite-Project", projectId, "X-Appwrite-Key", key);
        }

        /** Creates a webhook; answers its model (with the secret). */
        public JsonObject webhook(String id, String url, String... events) {
            return call("POST", "/webhooks", new JsonObject().put("webhookId", id).put("url", url).put("name", id)
                .put("events", new JsonArray(List.of(events))).encode()).expect(201).json();
        }

        public JsonObject webhook(JsonObject params) {
            return call("POST", "/webhooks", params.encode()).expect(201).json();
        }

        public Reply send(String eventJson) {
            return call("POST", "/events", eventJson);
        }

        public JsonObject get(String webhookId) {
            return call("GET", "/webhooks/" + webhookId, null).expect(200).json();
        }
    }

    /** Graceful shutdown, then the Vert.x instance closes. */
    @Override
    public void close() {
        try {
            hookgate.shutdown().await();
        } finally {
            Hookgate.closeVertx(vertx);
        }
    }
}
