package io.hookgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What one project may make every replica hold: webhooks per project, subscriptions per webhook, URL
 * length, secrets valid at once. Each limit answers in the API's error shape and changes nothing.
 */
class QuotaTest {
    private static final int WEBHOOKS = 5;

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create(java.util.Map.of(
        ConfigKey.MAX_WEBHOOKS_PER_PROJECT, Integer.toString(WEBHOOKS),
        ConfigKey.MAX_SUBSCRIPTIONS_PER_WEBHOOK, "3",
        ConfigKey.MAX_URL_LENGTH, "100"));

    private static JsonObject webhook(String id, String url, String... events) {
        return new JsonObject().put("webhookId", id).put("name", id).put("url", url)
            .put("events", new JsonArray(List.of((Object[]) events)));
    }

    @Test
    void aProjectHoldsAtMostItsQuotaOfWebhooksEvenWhenCreatesRace() throws Exception {
        Gateway.ProjectClient p = env.gateway().project("quota-race");
        Gateway.ProjectClient other = env.gateway().project("quota-other");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Gateway.Reply>> calls = new ArrayList<>();
            for (int i = 0; i < 3 * WEBHOOKS; i++) {
                JsonObject body = webhook("w" + i, "http://127.0.0.1:9/w" + i, "users.*.create");
                calls.add(pool.submit(() -> p.call("POST", "/webhooks", body.encode())));
            }
            List<Gateway.Reply> replies = new ArrayList<>();
            for (Future<Gateway.Reply> f : calls) {
                replies.add(f.get(30, TimeUnit.SECONDS));
            }
            assertThat(replies).filteredOn(r -> r.status() == 201).hasSize(WEBHOOKS);
            List<Gateway.Reply> refused = replies.stream().filter(r -> r.status() != 201).toList();
            assertThat(refused).hasSize(2 * WEBHOOKS).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(403);
                assertThat(r.json().getString("type")).isEqualTo("webhook_limit_exceeded");
                assertThat(r.json().getString("message")).contains(Integer.toString(WEBHOOKS));
            });
        } finally {
            pool.shutdownNow();
        }
        assertThat(p.call("GET", "/webhooks?queries[]=" + java.net.URLEncoder.encode(
            "{\"method\":\"limit\",\"values\":[100]}", java.nio.charset.StandardCharsets.UTF_8), null)
            .expect(200).json().getInteger("total")).isEqualTo(WEBHOOKS);

        // Another project has a quota of its own; a deletion makes room again.
        other.webhook("mine", "http://127.0.0.1:9/mine", "users.*.create");
        String some = p.call("GET", "/webhooks", null).expect(200).json().getJsonArray("webhooks").getJsonObject(0)
            .getString("$id");
        p.call("DELETE", "/webhooks/" + some, null).expect(204);
        p.webhook("after-delete", "http://127.0.0.1:9/again", "users.*.create");
        p.call("POST", "/webhooks", webhook("one-too-many", "http://127.0.0.1:9/x", "users.*.create").encode())
            .expect(403);
    }

    @Test
    void subscriptionsAndUrlsOverTheirLimitsAreRefused() {
        Gateway.ProjectClient p = env.gateway().project("quota-fields");
        Gateway.Reply tooMany = p.call("POST", "/webhooks", webhook("subs", "http://127.0.0.1:9/s",
            "users.*.create", "users.*.delete", "users.*.update", "teams.*.create").encode()).expect(400);
        assertThat(tooMany.json().getString("type")).isEqualTo("general_argument_invalid");
        assertThat(tooMany.json().getString("message")).contains("events").contains("3");

        String longUrl = "http://127.0.0.1:9/" + "x".repeat(100);
        Gateway.Reply tooLong = p.call("POST", "/webhooks", webhook("url", longUrl, "users.*.create").encode())
            .expect(400);
        assertThat(tooLong.json().getString("message")).contains("url").contains("100");

        p.webhook("ok", "http://127.0.0.1:9/ok", "users.*.create", "users.*.delete", "users.*.update");
        Gateway.Reply update = p.call("PUT", "/webhooks/ok", new JsonObject().put("name", "ok").put("url", longUrl)
            .put("events", new JsonArray().add("users.*.create")).encode()).expect(400);
        assertThat(update.json().getString("message")).contains("url");
        assertThat(p.get("ok").getString("url")).isEqualTo("http://127.0.0.1:9/ok");
    }

    @Test
    void atMostFiveSecretsAreValidAtOnce() {
        Gateway.ProjectClient p = env.gateway().project("quota-secrets");
        p.webhook("rot", "http://127.0.0.1:9/rot", "users.*.create");
        for (int i = 0; i < 4; i++) {
            p.call("PATCH", "/webhooks/rot/secret", new JsonObject().put("graceSeconds", 3600).encode()).expect(200);
        }
        String current = p.call("PATCH", "/webhooks/rot/secret", new JsonObject().encode()).expect(200).json()
            .getString("secret");
        // The rotation without grace ended every grace period: four more with grace fit again.
        List<String> secrets = new ArrayList<>(Collections.singletonList(current));
        IntStream.range(0, 4).forEach(i -> secrets.add(p.call("PATCH", "/webhooks/rot/secret",
            new JsonObject().put("graceSeconds", 3600).encode()).expect(200).json().getString("secret")));
        Gateway.Reply fifth = p.call("PATCH", "/webhooks/rot/secret", new JsonObject().put("graceSeconds", 3600)
            .encode()).expect(400);
        assertThat(fifth.json().getString("message")).contains("graceSeconds").contains("5");
        assertThat(secrets).doesNotHaveDuplicates();
    }
}
