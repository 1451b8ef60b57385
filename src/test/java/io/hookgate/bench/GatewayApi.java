package io.hookgate.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's management API as the benchmark uses it: projects, keys, webhooks (created
 * concurrently, a bounded number at a time) and the management port's {@code /metrics}.
 */
final class GatewayApi {
    /** A webhook to create: its ID, URL and subscriptions. */
    record WebhookSpec(String id, String url, List<String> events) {
    }

    private final WebClient client;
    private final String adminKey;

    GatewayApi(Vertx vertx, String adminKey) {
        this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(5_000).setIdleTimeout(60)
            .setFollowRedirects(false).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(64));
        this.adminKey = adminKey;
    }

    /** A project and a key with every scope; answers the key's secret. */
    Future<String> project(int apiPort, String projectId) {
        return call(apiPort, HttpMethod.POST, "/v1/projects", null, adminKey,
                new JsonObject().put("projectId", projectId).put("name", projectId), 201)
            .compose(x -> call(apiPort, HttpMethod.POST, "/v1/projects/" + projectId + "/keys", null, adminKey,
                new JsonObject().put("name", "bench")
                    .put("scopes", new JsonArray(List.of("webhooks.read", "webhooks.write", "events.write"))), 201))
            .map(r -> r.bodyAsJsonObject().getString("secret"));
    }

    /** Creates the webhooks, {@code concurrency} at a time, all with the same secret. */
    Future<Void> createWebhooks(int apiPort, String projectId, String key, String secret, List<WebhookSpec> specs,
                                int concurrency) {
        Promise<Void> done = Promise.promise();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        int lanes = Math.min(concurrency, specs.size());
        if (lanes == 0) {
            return Future.succeededFuture();
        }
        running.set(lanes);
        for (int i = 0; i < lanes; i++) {
            createNext(apiPort, projectId, key, secret, specs, next, running, done);
        }
        return done.future();
    }

    private void createNext(int apiPort, String projectId, String key, String secret, List<WebhookSpec> specs,
                            AtomicInteger next, AtomicInteger running, Promise<Void> done) {
        int i = next.getAndIncrement();
        if (i >= specs.size() || done.future().isComplete()) {
            if (running.decrementAndGet() == 0) {
                done.tryComplete();
            }
            return;
        }
        WebhookSpec w = specs.get(i);
        JsonObject body = new JsonObject().put("webhookId", w.id()).put("name", w.id()).put("url", w.url())
            .put("events", new JsonArray(w.events())).put("secret", secret).put("enabled", true);
        call(apiPort, HttpMethod.POST, "/v1/webhooks", projectId, key, body, 201)
            .onSuccess(x -> createNext(apiPort, projectId, key, secret, specs, next, running, done))
            .onFailure(done::tryFail);
    }

    /** Posts one events request; answers the 202 body (any other status fails). */
    Future<JsonObject> postEvents(int apiPort, String projectId, String key, JsonObject body) {
        return call(apiPort, HttpMethod.POST, "/v1/events", projectId, key, body, 202).map(HttpResponse::bodyAsJsonObject);
    }

    Future<Void> deleteWebhook(int apiPort, String projectId, String key, String webhookId) {
        return call(apiPort, HttpMethod.DELETE, "/v1/webhooks/" + webhookId, projectId, key, null, 204).mapEmpty();
    }

    /** The Prometheus text of a replica's management port. */
    Future<String> metrics(int managementPort) {
        return client.get(managementPort, "127.0.0.1", "/metrics").timeout(10_000).send()
            .map(HttpResponse::bodyAsString);
    }

    private Future<HttpResponse<Buffer>> call(int port, HttpMethod method, String path, String projectId, String key,
                                              JsonObject body, int expected) {
        var req = client.request(method, port, "127.0.0.1", path).timeout(30_000).putHeader("X-Appwrite-Key", key);
        if (projectId != null) {
            req.putHeader("X-Appwrite-Project", projectId);
        }
        Future<HttpResponse<Buffer>> sent = body == null ? req.send() : req.sendJsonObject(body);
        return sent.compose(r -> r.statusCode() == expected ? Future.succeededFuture(r)
            : Future.failedFuture(method + " " + path + " answered " + r.statusCode() + ": " + r.bodyAsString()));
    }
}
