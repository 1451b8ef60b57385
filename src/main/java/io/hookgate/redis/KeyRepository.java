package io.hookgate.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.model.ApiKey;
import io.hookgate.model.Scope;
import io.hookgate.signing.Hashing;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Project API keys and the admin key. A key is kept as JSON in the project's {@code keys} hash with
 * the SHA-256 of its secret, never the secret, and its {@code expireAt} (epoch ms) when it has one;
 * the admin key likewise under {@link RedisKeys#ADMIN}.
 */
public final class KeyRepository {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LuaScript CREATE = LuaScript.load("key_create");
    private static final LuaScript DELETE = LuaScript.load("key_delete");

    private final Redis redis;

    public KeyRepository(Redis redis) {
        this.redis = redis;
    }

    /** Stores a new key; answers "NOPROJECT" when the project does not exist. */
    public Future<String> create(ApiKey key) {
        return CREATE.run(redis, List.of(RedisKeys.project(key.projectId()), RedisKeys.keys(key.projectId())),
                List.of(key.id(), toJson(key), RedisKeys.CHANGES, RedisKeys.keysChanged(key.projectId())))
            .map(Object::toString);
    }

    public Future<List<ApiKey>> list(String projectId) {
        return redis.send(Request.cmd(Command.HGETALL).arg(RedisKeys.keys(projectId))).map(r -> {
            List<ApiKey> keys = new ArrayList<>();
            for (String json : Responses.toMap(r).values()) {
                parse(projectId, json).ifPresent(keys::add);
            }
            keys.sort(Comparator.comparingLong(ApiKey::createdAt).thenComparing(ApiKey::id));
            return keys;
        });
    }

    /** Removes a key; false when it did not exist. */
    public Future<Boolean> delete(String projectId, String keyId) {
        return DELETE.run(redis, List.of(RedisKeys.keys(projectId)),
                List.of(keyId, RedisKeys.CHANGES, RedisKeys.keysChanged(projectId)))
            .map(r -> "OK".equals(r.toString()));
    }

    /**
     * The admin key's hash: the configured key's, or the one stored at first start. When neither
     * exists, stores the hash of {@code generated} (SET NX, so concurrent first starts agree) and
     * answers it with {@code generatedNow = true}.
     */
    public Future<AdminKey> adminKey(String configured, String generated) {
        if (!configured.isEmpty()) {
            return Future.succeededFuture(new AdminKey(Hashing.sha256Hex(configured), false));
        }
        String hash = Hashing.sha256Hex(generated);
        return redis.send(Request.cmd(Command.SET).arg(RedisKeys.ADMIN).arg(hash).arg("NX")).compose(r -> {
            if (r != null && "OK".equals(r.toString())) {
                return Future.succeededFuture(new AdminKey(hash, true));
            }
            return redis.send(Request.cmd(Command.GET).arg(RedisKeys.ADMIN)).map(s -> new AdminKey(s.toString(), false));
        });
    }

    /**
     * The key that encrypts secret fields: the configured one, else the one stored at the first
     * start (generated then, SET NX so concurrent first starts agree). Answers whether it is stored
     * in Redis, which the caller warns about.
     */
    public Future<String> encryptionKey(String configured) {
        if (!configured.isEmpty()) {
            return Future.succeededFuture(configured);
        }
        return redis.send(Request.cmd(Command.SET).arg(RedisKeys.ENCRYPTION_KEY).arg(FieldCipher.newKey()).arg("NX"))
            .compose(r -> redis.send(Request.cmd(Command.GET).arg(RedisKeys.ENCRYPTION_KEY)))
            .map(Object::toString);
    }

    /**
     * Makes sure every replica encrypts with the same key: the first start stores a value sealed with
     * it ({@link RedisKeys#ENCRYPTION_CHECK}); a replica whose key cannot open that value fails to
     * start, instead of failing to read every webhook and fanning events out to nobody.
     */
    public Future<Void> checkEncryptionKey(FieldCipher cipher) {
        String sealed = cipher.encrypt("check", "hookgate");
        return redis.send(Request.cmd(Command.SET).arg(RedisKeys.ENCRYPTION_CHECK).arg(sealed).arg("NX"))
            .compose(r -> redis.send(Request.cmd(Command.GET).arg(RedisKeys.ENCRYPTION_CHECK)))
            .compose(stored -> {
                try {
                    cipher.decrypt("check", stored.toString());
                    return Future.succeededFuture();
                } catch (IllegalStateException e) {
                    return Future.failedFuture(new IllegalStateException("HOOKGATE_ENCRYPTION_KEY differs from the key"
                        + " the data in this Redis was written with; every replica needs the same key"));
                }
            });
    }

    /** The admin key's hash, and whether this call generated it (so it is printed once). */
    public record AdminKey(String hash, boolean generatedNow) {
    }

    static String toJson(ApiKey k) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", k.id());
        n.put("name", k.name());
        var scopes = n.putArray("scopes");
        k.scopes().forEach(s -> scopes.add(s.value()));
        n.put("hash", k.secretHash());
        n.put("createdAt", k.createdAt());
        n.put("updatedAt", k.updatedAt());
        if (k.expireAt() != ApiKey.NEVER) {
            n.put("expireAt", k.expireAt());
        }
        return n.toString();
    }

    static Optional<ApiKey> parse(String projectId, String json) {
        try {
            JsonNode n = JSON.readTree(json);
            Set<Scope> scopes = EnumSet.noneOf(Scope.class);
            n.path("scopes").forEach(s -> Scope.of(s.asText()).ifPresent(scopes::add));
            return Optional.of(new ApiKey(n.path("id").asText(), projectId, n.path("name").asText(),
                Set.copyOf(scopes), n.path("hash").asText(), n.path("createdAt").asLong(),
                n.path("updatedAt").asLong(), n.path("expireAt").asLong(ApiKey.NEVER)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
