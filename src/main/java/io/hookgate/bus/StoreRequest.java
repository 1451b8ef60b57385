package io.hookgate.bus;

import io.hookgate.model.EventRecord;
import io.hookgate.model.Scope;
import io.hookgate.model.WebhookQuery;
import java.util.List;
import java.util.Set;

/**
 * Every request the subscription store answers on {@link Addresses#STORE}. Each record names the
 * reply it gets; failures carry an {@link ErrorCode}.
 */
public sealed interface StoreRequest {

    /**
     * Resolves an API key ({@code key} empty: a caller without one, Appwrite's guest); {@code projectId} is
     * empty for admin calls. Reply: {@link Replies.Authentication}.
     */
    record Authenticate(String projectId, String key) implements StoreRequest {
    }

    /** Reply: {@link io.hookgate.model.Project}. */
    record CreateProject(String projectId, String name) implements StoreRequest {
    }

    /** Reply: {@link Replies.ProjectList}. */
    record ListProjects() implements StoreRequest {
    }

    /** Reply: {@link io.hookgate.model.Project}. */
    record GetProject(String projectId) implements StoreRequest {
    }

    /** Reply: {@link Replies.Done}. */
    record DeleteProject(String projectId) implements StoreRequest {
    }

    /** Reply: {@link Replies.CreatedKey}. */
    record CreateKey(String projectId, String name, Set<Scope> scopes, long expireAt) implements StoreRequest {
    }

    /** Reply: {@link Replies.KeyList}. */
    record ListKeys(String projectId) implements StoreRequest {
    }

    /** Reply: {@link Replies.Done}. */
    record DeleteKey(String projectId, String keyId) implements StoreRequest {
    }

    /*
     * The webhook requests name which kind they mean: a webhook ({@code operational} false) or an
     * operational webhook, which receives Hookgate's notices about the project's webhooks; each kind is
     * not found through the other's routes.
     */

    /** Reply: {@link io.hookgate.model.Webhook} with its secret. {@code secret} null: generate one. */
    record CreateWebhook(String projectId, String webhookId, WebhookSpec spec, String secret, boolean operational)
        implements StoreRequest {
    }

    /** A page of the project's webhooks, as the query asks. Reply: {@link Replies.WebhookList}. */
    record ListWebhooks(String projectId, WebhookQuery query, boolean operational) implements StoreRequest {
    }

    /** Reply: {@link io.hookgate.model.Webhook}. */
    record GetWebhook(String projectId, String webhookId, boolean operational) implements StoreRequest {
    }

    /** Full replacement of the editable fields, as Appwrite's PUT. Reply: {@link io.hookgate.model.Webhook}. */
    record UpdateWebhook(String projectId, String webhookId, WebhookSpec spec, boolean operational)
        implements StoreRequest {
    }

    /**
     * Reply: {@link io.hookgate.model.Webhook} with its new secret. {@code secret} null: generate one.
     * {@code graceSeconds > 0} keeps the previous secret signing that long; 0 ends every grace period.
     */
    record RotateSecret(String projectId, String webhookId, String secret, long graceSeconds, boolean operational)
        implements StoreRequest {
    }

    /** Reply: {@link Replies.Done}. */
    record DeleteWebhook(String projectId, String webhookId, boolean operational) implements StoreRequest {
    }

    /**
     * Persists validated events, each with its expansion and idempotency key ("" for none); answered
     * only once they are in Redis. Reply: {@link Replies.Ingested}.
     */
    record IngestEvents(String projectId, List<EventRecord> events, List<List<String>> expansions,
                        List<String> idempotencyKeys) implements StoreRequest {
    }

    /** A page of a webhook's deliveries; {@code status} null for all. Reply: {@link Replies.DeliveryPage}. */
    record ListDeliveries(String projectId, String webhookId, String status, int limit, String cursor)
        implements StoreRequest {
    }

    /** One delivery of a webhook. Reply: {@link Replies.DeliveryDetail}. */
    record GetDelivery(String projectId, String webhookId, String deliveryId) implements StoreRequest {
    }

    /** Sends a delivery again now. Reply: {@link Replies.DeliveryDetail}. */
    record RetryDelivery(String projectId, String webhookId, String deliveryId) implements StoreRequest {
    }

    /** Requeues every failed delivery of a webhook created since {@code sinceMs}. Reply: {@link Replies.Count}. */
    record RecoverDeliveries(String projectId, String webhookId, long sinceMs) implements StoreRequest {
    }

    /** Whether Redis answers, and its memory and eviction policy. Reply: {@link Replies.RedisMemory}. */
    record Ping() implements StoreRequest {
    }

    /** Starts the queue pumps, once the dispatchers are deployed. Reply: {@link Replies.Done}. */
    record StartQueue() implements StoreRequest {
    }

    /** Stops taking new work and waits for the deliveries under way. Reply: {@link Replies.Done}. */
    record DrainQueue() implements StoreRequest {
    }

    /** The editable fields of a webhook, already validated by the API. */
    record WebhookSpec(String name, String url, List<String> events, boolean enabled, boolean tls,
                       String authUsername, String authPassword) {
    }
}
