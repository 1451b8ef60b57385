package io.hookgate.api;

import io.hookgate.model.ApiKey;
import io.hookgate.model.Project;
import io.hookgate.model.Scope;
import io.hookgate.model.Timestamps;
import io.hookgate.model.Webhook;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Appwrite's response models. Secrets appear only where the caller passes them in. */
final class Models {
    private Models() {
    }

    /**
     * Appwrite's webhook model in a response format's names ({@code tls}, {@code authUsername},
     * {@code authPassword}, {@code secret}, or before 1.9.1 {@code security}, {@code httpUser},
     * {@code httpPass}, {@code signatureKey}); {@code withSecret} only for create and rotate.
     */
    static JsonObject webhook(Webhook w, boolean withSecret, ResponseFormat format) {
        return new JsonObject()
            .put("$id", w.id())
            .put("$createdAt", Timestamps.format(w.createdAt()))
            .put("$updatedAt", Timestamps.format(w.updatedAt()))
            .put("name", w.name())
            .put("url", w.url())
            .put("events", new JsonArray(w.events()))
            .put(format.name("tls"), w.tls())
            .put(format.name("authUsername"), w.authUsername())
            .put(format.name("authPassword"), w.authPassword())
            .put(format.name("secret"), withSecret ? w.secret() : "")
            .put("enabled", w.enabled())
            .put("logs", w.logs())
            .put("attempts", w.attempts())
            // Hookgate's own, read-only: healthy, failing (tries failing in a row, or its circuit open) or
            // disabled, and since when it has been failing ("" while healthy).
            .put("status", w.status())
            .put("failingSince", w.health().failingSince() == 0 ? "" : Timestamps.format(w.health().failingSince()));
    }

    static JsonObject project(Project p) {
        return new JsonObject()
            .put("$id", p.id())
            .put("$createdAt", Timestamps.format(p.createdAt()))
            .put("$updatedAt", Timestamps.format(p.updatedAt()))
            .put("name", p.name());
    }

    /** Appwrite's key model; {@code secret} is the plain secret at creation, else "". */
    static JsonObject key(ApiKey k, String secret) {
        JsonArray scopes = new JsonArray();
        k.scopes().stream().map(Scope::value).sorted().forEach(scopes::add);
        return new JsonObject()
            .put("$id", k.id())
            .put("$createdAt", Timestamps.format(k.createdAt()))
            .put("$updatedAt", Timestamps.format(k.updatedAt()))
            .put("name", k.name())
            .put("expire", k.expireAt() == ApiKey.NEVER ? "" : Timestamps.format(k.expireAt()))
            .put("scopes", scopes)
            .put("secret", secret)
            .put("accessedAt", "")
            .put("sdks", new JsonArray());
    }
}
