package io.hookgate.bus;

import io.hookgate.model.ApiKey;
import io.hookgate.model.Project;
import io.hookgate.model.Scope;
import io.hookgate.model.Webhook;
import java.util.List;
import java.util.Set;

/** Reply bodies of {@link StoreRequest}s that are not plain model records. */
public final class Replies {
    private Replies() {
    }

    /** The answer to {@link StoreRequest.Authenticate}: who is calling, or why the call is refused. */
    public sealed interface Authentication permits Principal, Refusal {
    }

    /** Who is calling: the admin, a project key with its scopes, or a guest (no key: no scopes). */
    public record Principal(boolean admin, String projectId, Set<Scope> scopes) implements Authentication {
    }

    /**
     * A refused authentication. {@code failedKey}: the caller did not give a key of the project (or the
     * project does not exist and the key is not the admin key); it counts against the caller's address.
     */
    public record Refusal(ErrorCode code, String message, boolean failedKey) implements Authentication {
    }

    public record ProjectList(List<Project> projects) {
    }

    /** A new key: the secret appears here once and is stored only as a hash. */
    public record CreatedKey(ApiKey key, String secret) {
    }

    public record KeyList(List<ApiKey> keys) {
    }

    public record WebhookList(int total, List<Webhook> webhooks) {
    }

    /** The effective IDs of ingested events (a repeated idempotency key gives the first event's ID). */
    public record Ingested(List<String> eventIds) {
    }

    /**
     * A delivery with its event (payload and the acting user's ID included when asked for one delivery,
     * else null).
     */
    public record DeliveryDetail(io.hookgate.model.DeliveryRecord delivery, List<String> expansion, byte[] payload,
                                 String userId) {
    }

    public record DeliveryPage(List<DeliveryDetail> deliveries, String nextCursor) {
    }

    public record Count(int count) {
    }

    /**
     * Redis's memory as {@code INFO memory} reports it: bytes used, {@code maxmemory} (0: no limit) and
     * {@code maxmemory-policy}. Any policy but {@code noeviction} lets a full Redis evict keys, queued
     * events and delivery records among them.
     */
    public record RedisMemory(long usedBytes, long maxBytes, String policy) {
        public static final String NO_EVICTION = "noeviction";

        public boolean mayEvict() {
            return !NO_EVICTION.equals(policy);
        }
    }

    /** A request that succeeded with nothing to return. */
    public record Done() {
        public static final Done INSTANCE = new Done();
    }
}
