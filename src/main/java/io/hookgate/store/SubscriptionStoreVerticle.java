package io.hookgate.store;

import io.hookgate.bus.Addresses;
import io.hookgate.bus.DeliveryOutcome;
import io.hookgate.bus.ErrorCode;
import io.hookgate.bus.Replies;
import io.hookgate.bus.RequestFailure;
import io.hookgate.bus.StoreRequest;
import io.hookgate.config.HookgateConfig;
import io.hookgate.engine.DeliveryPump;
import io.hookgate.engine.EventCache;
import io.hookgate.engine.FanoutPump;
import io.hookgate.engine.QueueMaintenance;
import io.hookgate.events.EventCatalogue;
import io.hookgate.events.ExpansionCache;
import io.hookgate.events.InvalidEventException;
import io.hookgate.health.GatewayMetrics;
import io.hookgate.index.InOrder;
import io.hookgate.index.SubscriptionIndex;
import io.hookgate.model.ApiKey;
import io.hookgate.model.DeliveryRecord;
import io.hookgate.model.DeliveryStatus;
import io.hookgate.model.EventRecord;
import io.hookgate.model.Ids;
import io.hookgate.model.Project;
import io.hookgate.model.RetiredSecret;
import io.hookgate.model.Webhook;
import io.hookgate.signing.Hashing;
import io.hookgate.policy.RetrySchedule;
import io.hookgate.redis.ChangeFeed;
import io.hookgate.redis.EventQueue;
import io.hookgate.redis.FieldCipher;
import io.hookgate.redis.KeyRepository;
import io.hookgate.redis.ProjectRepository;
import io.hookgate.redis.RateLimiter;
import io.hookgate.redis.RedisClient;
import io.hookgate.redis.StreamEntry;
import io.hookgate.redis.WebhookRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only owner of Redis: projects, keys and webhooks (through the repositories), this replica's
 * in-memory match index (kept current by the change feed), and the queue pumps that fan events out
 * and feed the dispatchers. Answers {@link StoreRequest}s on {@link Addresses#STORE}.
 */
public final class SubscriptionStoreVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionStoreVerticle.class);
    /** Payload bytes kept in memory for delivery without a Redis read. */
    private static final long EVENT_CACHE_BYTES = 64L << 20;
    private static final int EXPANSION_CACHE_NAMES = 16_384;
    /** A deleted webhook's deliveries are purged again this long after the delivery timeout. */
    private static final long PURGE_AGAIN_AFTER_MS = 5_000;
    /** Secrets valid at once during rotations' grace periods: the current one and retired ones. */
    private static final int MAX_VALID_SECRETS = 5;

    private final HookgateConfig.RedisConfig redisConfig;
    private final HookgateConfig.StoreConfig config;
    private final GatewayMetrics metrics;
    private Redis redis;
    private ProjectRepository projects;
    private KeyRepository keys;
    private WebhookRepository webhooks;
    private RateLimiter rateLimiter;
    private EventQueue queue;
    private ChangeFeed feed;
    private final InOrder changesInOrder = new InOrder();
    private FanoutPump fanout;
    private DeliveryPump pump;
    private QueueMaintenance maintenance;
    private final SubscriptionIndex index = new SubscriptionIndex();
    private final EventCache cache = new EventCache(EVENT_CACHE_BYTES);
    /** Event loads under way, by project and event ID (see PumpDeliveries.event). */
    private final Map<EventCache.Key, Future<EventCache.Entry>> loading = new HashMap<>();
    private final ExpansionCache expansions;
    private String adminKeyHash;
    private boolean loaded;

    public SubscriptionStoreVerticle(HookgateConfig.RedisConfig redisConfig, HookgateConfig.StoreConfig config,
                                     EventCatalogue catalogue, GatewayMetrics metrics) {
        this.redisConfig = redisConfig;
        this.config = config;
        this.expansions = new ExpansionCache(catalogue, EXPANSION_CACHE_NAMES);
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        redis = RedisClient.create(vertx, redisConfig, metrics);
        projects = new ProjectRepository(redis);
        keys = new KeyRepository(redis);
        rateLimiter = new RateLimiter(redis, config.ingestRatePerSecond(), config.ingestBurst());
        queue = new EventQueue(redis, config.queuePartitions(), config.replicaId(), config.deliveryRetentionSeconds(),
            config.deliveryRetentionCount(), config.idempotencyWindowSeconds());
        feed = new ChangeFeed(vertx, redis, this::reloadAfterReconnect, this::onChange);
        MessageConsumer<StoreRequest> consumer = vertx.eventBus().localConsumer(Addresses.STORE, this::handle);
        String generated = "admin_" + Ids.randomHex(32);
        return keys.adminKey(config.adminKey(), generated)
            .compose(admin -> {
                adminKeyHash = admin.hash();
                if (admin.generatedNow()) {
                    // Shown once, at the first start of the first replica: only its hash is stored.
                    LOG.warn("generated the admin key (store it now, it is not shown again): {}", generated);
                }
                return keys.encryptionKey(config.encryptionKey());
            })
            .compose(key -> {
                if (config.encryptionKey().isEmpty()) {
                    LOG.warn("no encryptionKey configured: secrets are encrypted with a key kept in Redis itself,"
                        + " which protects single leaked values only; set HOOKGATE_ENCRYPTION_KEY");
                }
                FieldCipher cipher = FieldCipher.fromBase64(key);
                webhooks = new WebhookRepository(redis, cipher);
                return keys.checkEncryptionKey(cipher);
            })
            .compose(x -> queue.ensureGroups())
            .compose(x -> feed.start())
            .compose(x -> reloadAll())
            .compose(x -> consumer.completion());
    }

    @Override
    public Future<?> stop() {
        return drainQueue().compose(x -> feed.stop()).eventually(() -> redis.close());
    }

    /** Stops taking work; completes when the tries under way are finished and recorded. */
    private Future<Void> drainQueue() {
        if (fanout == null) {
            return Future.succeededFuture();
        }
        maintenance.stop();
        return Future.all(fanout.stop(), pump.stop()).mapEmpty();
    }

    // ---- index maintenance -------------------------------------------------------------------

    private void reloadAfterReconnect() {
        if (loaded) {
            reloadAll().onFailure(err -> LOG.warn("index reload failed: {}", err.getMessage()));
        }
    }

    /** Loads every project's keys and webhooks into a fresh index. */
    private Future<Void> reloadAll() {
        return projects.ids().compose(ids -> {
            for (String known : index.projectIds()) {
                if (!ids.contains(known)) {
                    index.removeProject(known);
                }
            }
            // One project after the other: bounded work in flight however many there are.
            Future<Void> chain = Future.succeededFuture();
            for (String id : ids) {
                chain = chain.compose(x -> reloadProject(id));
            }
            return chain;
        }).map(x -> {
            loaded = true;
            LOG.info("index loaded: {} projects, {} webhooks", index.projectIds().size(), index.webhookCount());
            return null;
        });
    }

    private Future<Void> reloadProject(String projectId) {
        // The version is read first: what is loaded after it is at least that recent.
        return webhooks.version(projectId).compose(version -> {
            Future<Optional<Project>> project = projects.get(projectId);
            Future<List<ApiKey>> projectKeys = keys.list(projectId);
            Future<List<Webhook>> hooks = webhooks.all(projectId);
            return Future.all(project, projectKeys, hooks).map(x -> {
                if (project.result().isEmpty()) {
                    index.removeProject(projectId);
                } else {
                    index.putProject(projectId, projectKeys.result(), hooks.result());
                    index.applied(projectId, version);
                }
                return null;
            });
        });
    }

    /**
     * Before a batch is fanned out: every project in it must be known to the index at least at the
     * version Redis holds now, so a webhook created (through any replica) before an event was
     * accepted always gets it. A project whose change message has not arrived yet is reloaded.
     */
    private Future<Void> freshen(java.util.Set<String> projectIds) {
        List<Future<?>> all = new ArrayList<>();
        for (String pid : projectIds) {
            if (pid.isEmpty()) {
                continue;
            }
            all.add(webhooks.version(pid).compose(v -> v > index.version(pid) ? reloadProject(pid)
                : Future.succeededFuture()));
        }
        return Future.all(all).mapEmpty();
    }

    /** A change published by any replica: "p PID", "k PID" or "w PID WID VERSION". */
    private void onChange(String message) {
        String[] parts = message.split(" ");
        Future<?> done;
        if (parts.length == 2 && parts[0].equals("p")) {
            done = reloadProject(parts[1]);
        } else if (parts.length == 2 && parts[0].equals("k")) {
            done = keys.list(parts[1]).map(list -> {
                index.replaceKeys(parts[1], list);
                return null;
            });
        } else if (parts.length == 4 && parts[0].equals("w")) {
            // One webhook's changes are read back one after the other (see InOrder).
            done = changesInOrder.run(parts[1] + "/" + parts[2], () -> webhooks.get(parts[1], parts[2])).map(w -> {
                if (w.isPresent()) {
                    index.putWebhook(w.get());
                } else {
                    index.removeWebhook(parts[1], parts[2]);
                }
                index.applied(parts[1], Long.parseLong(parts[3]));
                return null;
            });
        } else {
            LOG.warn("ignoring unknown change message '{}'", message);
            return;
        }
        done.onFailure(err -> LOG.warn("applying change '{}' failed: {}", message, err.getMessage()));
    }

    // ---- requests ---------------------------------------------------------------------------

    private void handle(Message<StoreRequest> message) {
        Future<?> result;
        try {
            result = dispatch(message.body());
        } catch (RequestFailure f) {
            result = Future.failedFuture(f);
        }
        result.onComplete(ar -> {
            if (ar.succeeded()) {
                message.reply(ar.result());
            } else if (ar.cause() instanceof RequestFailure f) {
                message.fail(f.code().failureCode(), f.wireMessage());
            } else {
                // Redis unreachable or failing: the caller gets 503; the stack trace adds nothing.
                LOG.warn("store request {} failed: {}", message.body().getClass().getSimpleName(), ar.cause().toString());
                message.fail(ErrorCode.UNAVAILABLE.failureCode(), "storage unavailable");
            }
        });
    }

    private Future<?> dispatch(StoreRequest request) {
        if (request instanceof StoreRequest.Authenticate r) {
            return authenticate(r);
        } else if (request instanceof StoreRequest.IngestEvents r) {
            return ingest(r);
        } else if (request instanceof StoreRequest.CreateProject r) {
            long now = System.currentTimeMillis();
            Project p = new Project(r.projectId(), r.name(), now, now);
            return projects.create(p).map(created -> {
                if (!created) {
                    throw new RequestFailure(ErrorCode.PROJECT_ALREADY_EXISTS, "A project with the requested ID already exists.");
                }
                index.putProject(p.id(), List.of(), List.of());
                return p;
            });
        } else if (request instanceof StoreRequest.ListProjects) {
            return projects.list().map(Replies.ProjectList::new);
        } else if (request instanceof StoreRequest.GetProject r) {
            return projects.get(r.projectId()).map(p -> p.orElseThrow(SubscriptionStoreVerticle::projectNotFound));
        } else if (request instanceof StoreRequest.DeleteProject r) {
            return webhooks.ids(r.projectId()).compose(ids -> projects.delete(r.projectId()).map(existed -> {
                if (!existed) {
                    throw projectNotFound();
                }
                index.removeProject(r.projectId());
                purgeDeliveries(r.projectId(), ids);
                return Replies.Done.INSTANCE;
            }));
        } else if (request instanceof StoreRequest.CreateKey r) {
            return createKey(r);
        } else if (request instanceof StoreRequest.ListKeys r) {
            return requireProject(r.projectId()).compose(x -> keys.list(r.projectId())).map(Replies.KeyList::new);
        } else if (request instanceof StoreRequest.DeleteKey r) {
            return keys.delete(r.projectId(), r.keyId()).compose(existed -> {
                if (!existed) {
                    throw new RequestFailure(ErrorCode.KEY_NOT_FOUND, "Key with the requested ID could not be found.");
                }
                return keys.list(r.projectId()).map(list -> {
                    index.replaceKeys(r.projectId(), list);
                    return Replies.Done.INSTANCE;
                });
            });
        } else if (request instanceof StoreRequest.CreateWebhook r) {
            return createWebhook(r);
        } else if (request instanceof StoreRequest.ListWebhooks r) {
            return webhooks.list(r.projectId(), r.limit(), r.offset())
                .map(page -> new Replies.WebhookList(page.total(), page.webhooks()));
        } else if (request instanceof StoreRequest.GetWebhook r) {
            return webhooks.get(r.projectId(), r.webhookId()).map(w -> w.orElseThrow(SubscriptionStoreVerticle::webhookNotFound));
        } else if (request instanceof StoreRequest.UpdateWebhook r) {
            return updateWebhook(r.projectId(), r.webhookId(), r.spec(), null, 0);
        } else if (request instanceof StoreRequest.RotateSecret r) {
            return updateWebhook(r.projectId(), r.webhookId(), null, r.secret() == null ? newSecret() : r.secret(),
                r.graceSeconds());
        } else if (request instanceof StoreRequest.DeleteWebhook r) {
            return webhooks.delete(r.projectId(), r.webhookId()).map(existed -> {
                if (!existed) {
                    throw webhookNotFound();
                }
                index.removeWebhook(r.projectId(), r.webhookId());
                purgeDeliveries(r.projectId(), List.of(r.webhookId()));
                return Replies.Done.INSTANCE;
            });
        } else if (request instanceof StoreRequest.Ping) {
            return redis.send(Request.cmd(Command.PING)).map(Replies.Done.INSTANCE);
        } else if (request instanceof StoreRequest.StartQueue) {
            startQueue();
            return Future.succeededFuture(Replies.Done.INSTANCE);
        } else if (request instanceof StoreRequest.DrainQueue) {
            return drainQueue().map(Replies.Done.INSTANCE);
        } else if (request instanceof StoreRequest.ListDeliveries r) {
            return listDeliveries(r);
        } else if (request instanceof StoreRequest.GetDelivery r) {
            return requireWebhook(r.projectId(), r.webhookId()).compose(w -> delivery(r.projectId(), r.webhookId(),
                r.deliveryId(), true));
        } else if (request instanceof StoreRequest.RetryDelivery r) {
            return requireWebhook(r.projectId(), r.webhookId())
                .compose(w -> delivery(r.projectId(), r.webhookId(), r.deliveryId(), false))
                .compose(d -> queue.requeue(d.delivery().partition(), r.projectId(), r.webhookId(), List.of(r.deliveryId())))
                .compose(n -> delivery(r.projectId(), r.webhookId(), r.deliveryId(), false));
        } else if (request instanceof StoreRequest.RecoverDeliveries r) {
            return requireWebhook(r.projectId(), r.webhookId())
                .compose(w -> queue.recover(r.projectId(), r.webhookId(), r.sinceMs())).map(Replies.Count::new);
        }
        throw new IllegalArgumentException("unknown store request " + request);
    }

    /**
     * The admin key acts on any existing project; a project key only on its own. A key this replica's
     * index does not know yet (created a moment ago through another replica) is looked up once more
     * in Redis before the call is refused.
     */
    private Future<Replies.Principal> authenticate(StoreRequest.Authenticate r) {
        String hash = Hashing.sha256Hex(r.key());
        if (Hashing.sameHash(hash, adminKeyHash)) {
            Replies.Principal admin = new Replies.Principal(true, r.projectId(),
                java.util.EnumSet.allOf(io.hookgate.model.Scope.class));
            if (r.projectId().isEmpty() || index.hasProject(r.projectId())) {
                return Future.succeededFuture(admin);
            }
            return projects.get(r.projectId()).map(p -> {
                p.orElseThrow(SubscriptionStoreVerticle::projectNotFound);
                return admin;
            });
        }
        ApiKey known = index.keyByHash(hash);
        if (known != null || r.projectId().isEmpty()) {
            return Future.succeededFuture(projectPrincipal(known, r.projectId()));
        }
        return reloadProject(r.projectId()).map(x -> projectPrincipal(index.keyByHash(hash), r.projectId()));
    }

    private static Replies.Principal projectPrincipal(ApiKey key, String projectId) {
        if (key == null || projectId.isEmpty() || !key.projectId().equals(projectId)) {
            throw new RequestFailure(ErrorCode.UNAUTHORIZED, "The current user is not authorized to perform the requested action.");
        }
        if (key.expiredAt(System.currentTimeMillis())) {
            // Appwrite's type and message (app/config/errors.php, PROJECT_KEY_EXPIRED).
            throw new RequestFailure(ErrorCode.KEY_EXPIRED,
                "The project key has expired. Please generate a new key using the Appwrite console.");
        }
        return new Replies.Principal(false, key.projectId(), key.scopes());
    }

    private Future<?> requireProject(String projectId) {
        return projects.get(projectId).map(p -> p.orElseThrow(SubscriptionStoreVerticle::projectNotFound));
    }

    private Future<?> createKey(StoreRequest.CreateKey r) {
        String secret = "standard_" + Ids.randomHex(128);
        long now = System.currentTimeMillis();
        ApiKey key = new ApiKey(Ids.unique(), r.projectId(), r.name(), r.scopes(), Hashing.sha256Hex(secret), now, now,
            r.expireAt());
        return keys.create(key).map(result -> {
            if (!"OK".equals(result)) {
                throw projectNotFound();
            }
            index.addKey(key);
            return new Replies.CreatedKey(key, secret);
        });
    }

    private Future<?> createWebhook(StoreRequest.CreateWebhook r) {
        long now = System.currentTimeMillis();
        StoreRequest.WebhookSpec s = r.spec();
        Webhook w = new Webhook(r.webhookId(), r.projectId(), s.name(), s.url(), s.events(), s.tls(), s.authUsername(),
            s.authPassword(), r.secret() == null ? newSecret() : r.secret(), s.enabled(), "", 0, now, now, List.of());
        int quota = config.quotas().maxWebhooksPerProject();
        return webhooks.create(w, quota).map(result -> {
            switch (result) {
                case WebhookRepository.OK -> {
                    index.putWebhook(w);
                    return w;
                }
                case WebhookRepository.EXISTS -> throw new RequestFailure(ErrorCode.WEBHOOK_ALREADY_EXISTS,
                    "Webhook with the requested ID already exists. Try again with a different ID or use ID.unique() to generate a unique ID.");
                case WebhookRepository.LIMIT -> throw new RequestFailure(ErrorCode.WEBHOOK_LIMIT_EXCEEDED,
                    "The project has reached its limit of " + quota + " webhooks (maxWebhooksPerProject). Delete one,"
                        + " or ask the operator to raise the limit.");
                default -> throw projectNotFound();
            }
        });
    }

    /**
     * A PUT (spec given) or a secret rotation (secret given): read, change, write back. Disabling a
     * webhook parks its retrying deliveries; enabling it again requeues every parked one.
     */
    private Future<?> updateWebhook(String projectId, String webhookId, StoreRequest.WebhookSpec spec, String secret,
                                    long graceSeconds) {
        boolean[] wasEnabled = {false};
        return webhooks.get(projectId, webhookId).compose(current -> {
            Webhook c = current.orElseThrow(SubscriptionStoreVerticle::webhookNotFound);
            wasEnabled[0] = c.enabled();
            long now = Math.max(System.currentTimeMillis(), c.createdAt());
            Webhook next = spec != null
                ? new Webhook(c.id(), projectId, spec.name(), spec.url(), spec.events(), spec.tls(), spec.authUsername(),
                    spec.authPassword(), c.secret(), spec.enabled(), c.logs(), spec.enabled() ? 0 : c.attempts(),
                    c.createdAt(), now, c.retiredSecrets())
                : new Webhook(c.id(), projectId, c.name(), c.url(), c.events(), c.tls(), c.authUsername(),
                    c.authPassword(), secret, c.enabled(), c.logs(), c.attempts(), c.createdAt(), now,
                    retire(c, graceSeconds, now));
            return webhooks.update(next, spec != null && spec.enabled());
        }).compose(updated -> {
            Webhook w = updated.orElseThrow(SubscriptionStoreVerticle::webhookNotFound);
            index.putWebhook(w);
            if (wasEnabled[0] && !w.enabled()) {
                return queue.parkRetrying(projectId, webhookId).map(w);
            }
            if (!wasEnabled[0] && w.enabled()) {
                return queue.unpark(projectId, webhookId).map(n -> {
                    if (n > 0) {
                        LOG.info("webhook {} of project {} enabled again: {} parked deliveries requeued", webhookId,
                            projectId, n);
                    }
                    return w;
                });
            }
            return Future.succeededFuture(w);
        });
    }

    /**
     * The retired secrets after a rotation: with a grace period, the secret being replaced joins
     * those still valid (newest first); without one, every grace period ends. At most
     * {@value #MAX_VALID_SECRETS} secrets are valid at once: each signs every delivery (one
     * {@code webhook-signature} entry each) and every replica holds them, so endless rotations with a
     * grace period must not grow either without bound.
     */
    private static List<RetiredSecret> retire(Webhook current, long graceSeconds, long now) {
        if (graceSeconds <= 0) {
            return List.of();
        }
        List<RetiredSecret> out = new ArrayList<>();
        out.add(new RetiredSecret(current.secret(), now + graceSeconds * 1000));
        current.retiredSecrets().stream().filter(r -> r.validUntil() > now).forEach(out::add);
        if (out.size() >= MAX_VALID_SECRETS) {
            throw new RequestFailure(ErrorCode.ARGUMENT_INVALID, "Invalid `graceSeconds` param: at most "
                + MAX_VALID_SECRETS + " secrets can be valid at once. Wait for a grace period to end, or rotate with"
                + " graceSeconds = 0 to end them all.");
        }
        return List.copyOf(out);
    }

    /**
     * Removes the delivery records and indexes of deleted webhooks, in the background and one webhook after
     * the other, and once more when a try under way at the deletion has ended (it records its outcome).
     * Only records created up to the deletion go: a webhook made again under the same ID keeps its own.
     * What a failure leaves behind expires with the records' TTL, but for the index entries.
     */
    private void purgeDeliveries(String projectId, List<String> webhookIds) {
        long deletedAt = System.currentTimeMillis();
        purgeEach(projectId, webhookIds, deletedAt, 0);
        vertx.setTimer(config.deliveryTimeoutMs() + PURGE_AGAIN_AFTER_MS,
            t -> purgeEach(projectId, webhookIds, deletedAt, 0));
    }

    private void purgeEach(String projectId, List<String> webhookIds, long deletedAt, int from) {
        if (from >= webhookIds.size()) {
            return;
        }
        String webhookId = webhookIds.get(from);
        queue.purgeWebhook(projectId, webhookId, deletedAt).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warn("could not remove the deliveries of deleted webhook {}/{}: {}", projectId, webhookId,
                    ar.cause().getMessage());
            } else if (ar.result() > 0) {
                LOG.info("removed {} delivery records of deleted webhook {}/{}", ar.result(), projectId, webhookId);
            }
            purgeEach(projectId, webhookIds, deletedAt, from + 1);
        });
    }

    private Future<Webhook> requireWebhook(String projectId, String webhookId) {
        return webhooks.get(projectId, webhookId).map(w -> w.orElseThrow(SubscriptionStoreVerticle::webhookNotFound));
    }

    /** A delivery of this webhook with its event's expansion (and payload when {@code withPayload}). */
    private Future<Replies.DeliveryDetail> delivery(String projectId, String webhookId, String deliveryId,
                                                    boolean withPayload) {
        return queue.delivery(deliveryId).compose(d -> {
            if (d == null || !d.projectId().equals(projectId) || !d.webhookId().equals(webhookId)) {
                throw new RequestFailure(ErrorCode.DELIVERY_NOT_FOUND, "Delivery with the requested ID could not be found.");
            }
            return detail(d, withPayload);
        });
    }

    private Future<Replies.DeliveryDetail> detail(DeliveryRecord d, boolean withPayload) {
        List<String> expansion = expansionOf(d.eventName());
        if (!withPayload) {
            return Future.succeededFuture(new Replies.DeliveryDetail(d, expansion, null));
        }
        return queue.loadEvent(d.partition(), d.projectId(), d.eventId(), d.id())
            .map(ev -> new Replies.DeliveryDetail(d, expansion, ev == null ? null : ev.payload()));
    }

    private List<String> expansionOf(String eventName) {
        try {
            return expansions.of(eventName).names();
        } catch (InvalidEventException e) {
            return List.of();
        }
    }

    private Future<?> listDeliveries(StoreRequest.ListDeliveries r) {
        DeliveryStatus status = r.status() == null ? null : DeliveryStatus.of(r.status()).orElseThrow(() ->
            new RequestFailure(ErrorCode.ARGUMENT_INVALID, "Invalid `status` param: one of pending, delivered, retrying,"
                + " parked, failed."));
        return requireWebhook(r.projectId(), r.webhookId())
            .compose(w -> queue.list(r.projectId(), r.webhookId(), status, r.limit(), r.cursor()))
            .compose(page -> {
                List<Future<Replies.DeliveryDetail>> details = page.deliveries().stream().map(d -> detail(d, false)).toList();
                return Future.all(details).map(x -> new Replies.DeliveryPage(
                    details.stream().map(Future::result).toList(), page.nextCursor()));
            });
    }

    private Future<?> ingest(StoreRequest.IngestEvents r) {
        if (!index.hasProject(r.projectId())) {
            throw projectNotFound();
        }
        List<EventQueue.NewEvent> events = new ArrayList<>(r.events().size());
        for (int i = 0; i < r.events().size(); i++) {
            events.add(new EventQueue.NewEvent(r.events().get(i), r.idempotencyKeys().get(i)));
        }
        return rateLimiter.take(r.projectId(), events.size()).compose(waitMs -> {
            if (waitMs > 0) {
                // Nothing of the request is taken: the whole batch may be sent again after the wait.
                throw RequestFailure.rateLimited(Math.max(1, (waitMs + 999) / 1000));
            }
            return queue.ingest(r.projectId(), events);
        }).map(ingested -> {
            List<String> ids = new ArrayList<>(ingested.size());
            int fresh = 0;
            for (int i = 0; i < ingested.size(); i++) {
                ids.add(ingested.get(i).id());
                if (ingested.get(i).fresh()) {
                    // The API expanded every name it accepted: the fan-out need not do it again.
                    expansions.put(r.events().get(i).name(), r.expansions().get(i));
                    fresh++;
                }
            }
            metrics.eventsAccepted(fresh);
            return new Replies.Ingested(ids);
        });
    }

    // ---- queue ------------------------------------------------------------------------------

    private void startQueue() {
        if (fanout != null) {
            return;
        }
        fanout = new FanoutPump(vertx, queue, this::freshen, this::match, new FirstTries());
        pump = new DeliveryPump(vertx, queue, new PumpDeliveries(), new RetrySchedule(config.retrySchedule()), metrics,
            config.maxInFlight(), config.maxInFlightPerWebhook(), config.deliveryTimeoutMs());
        maintenance = new QueueMaintenance(vertx, queue, fanout, pump, config.reclaimIdleMs(), metrics);
        fanout.start();
        pump.start();
        maintenance.start();
    }

    private List<String> match(String projectId, String eventId, String eventName) {
        List<String> expansion;
        try {
            expansion = expansions.of(eventName).names();
        } catch (InvalidEventException e) {
            LOG.warn("event {} has a name that is no longer valid ({}); no deliveries", eventId, e.getMessage());
            return List.of();
        }
        return index.match(projectId, expansion).stream().map(Webhook::id).toList();
    }

    /** The event with its expansion; null when its name is no longer valid (the queue records why). */
    private EventCache.Entry withExpansion(EventRecord ev) {
        try {
            return EventCache.entry(ev, expansions.of(ev.name()));
        } catch (InvalidEventException e) {
            return null;
        }
    }

    /** First tries straight from the fan-out: the webhook from the index, the payload from the event's stream entry. */
    private final class FirstTries implements FanoutPump.FirstTries {
        @Override
        public boolean start(StreamEntry event, String deliveryId, String webhookId, long createdAt) {
            Webhook w = index.webhook(event.field("pr"), webhookId);
            if (w == null || event.event() == null) {
                return false;
            }
            EventCache.Entry ev = withExpansion(event.event());
            return ev != null && pump.startFirstTry(event, deliveryId, w, ev, createdAt);
        }

        @Override
        public boolean holds(StreamEntry event) {
            return pump.holdsEvent(event);
        }

        @Override
        public void queued(StreamEntry event) {
            EventRecord carried = event.event();
            if (carried != null) {
                keep(carried);
            }
        }
    }

    private EventCache.Entry keep(EventRecord ev) {
        EventCache.Entry kept = cache.get(ev.projectId(), ev.id());
        if (kept != null) {
            return kept;
        }
        try {
            return cache.put(ev, expansions.of(ev.name()));
        } catch (InvalidEventException err) {
            LOG.warn("event {} has a name that is no longer valid ({})", ev.id(), err.getMessage());
            return null;
        }
    }

    /** What the delivery pump needs from the store. */
    private final class PumpDeliveries implements DeliveryPump.Deliveries {
        @Override
        public Future<Webhook> webhook(String projectId, String webhookId) {
            Webhook w = index.webhook(projectId, webhookId);
            if (w != null) {
                return Future.succeededFuture(w);
            }
            return webhooks.get(projectId, webhookId).map(o -> o.orElse(null));
        }

        @Override
        public Future<EventCache.Entry> event(int partition, String projectId, String eventId, String deliveryId) {
            EventCache.Entry e = cache.get(projectId, eventId);
            if (e != null) {
                return Future.succeededFuture(e);
            }
            // Tries of one event that miss together (a restart, a reclaim) share one read.
            EventCache.Key key = new EventCache.Key(projectId, eventId);
            Future<EventCache.Entry> under = loading.get(key);
            if (under != null) {
                return under;
            }
            Future<EventCache.Entry> load = queue.loadEvent(partition, projectId, eventId, deliveryId)
                .map(ev -> ev == null ? null : keep(ev))
                .eventually(() -> {
                    loading.remove(key);
                    return Future.succeededFuture();
                });
            if (!load.isComplete()) {
                loading.put(key, load);
            }
            return load;
        }

        @Override
        public Future<Boolean> outcome(Webhook w, DeliveryOutcome outcome) {
            if (outcome instanceof DeliveryOutcome.Delivered) {
                Webhook current = index.webhook(w.projectId(), w.id());
                if (current == null || current.attempts() == 0) {
                    return Future.succeededFuture(true);
                }
                index.putWebhook(current.withBookkeeping(current.enabled(), current.logs(), 0));
                return webhooks.recordSuccess(w.projectId(), w.id()).map(true);
            }
            DeliveryOutcome.Failed failed = (DeliveryOutcome.Failed) outcome;
            // 410 Gone: the receiver says this endpoint is gone for good; disable at once.
            int limit = failed.status() == 410 ? 1 : config.maxFailedAttempts();
            return webhooks.recordFailure(w.projectId(), w.id(), failed.logs(), limit).compose(book -> {
                if (book.isEmpty()) {
                    return Future.succeededFuture(false);
                }
                Webhook current = index.webhook(w.projectId(), w.id());
                if (current != null) {
                    index.putWebhook(current.withBookkeeping(book.get().enabled(), failed.logs(), book.get().attempts()));
                }
                if (book.get().disabledNow()) {
                    LOG.warn("webhook {} of project {} disabled after {} consecutive failures (last: {})", w.id(),
                        w.projectId(), book.get().attempts(), failed.error());
                    return queue.parkRetrying(w.projectId(), w.id()).map(false);
                }
                return Future.succeededFuture(book.get().enabled());
            });
        }
    }

    private static String newSecret() {
        return Ids.randomHex(64);
    }

    private static RequestFailure projectNotFound() {
        return new RequestFailure(ErrorCode.PROJECT_NOT_FOUND, "Project with the requested ID could not be found.");
    }

    private static RequestFailure webhookNotFound() {
        return new RequestFailure(ErrorCode.WEBHOOK_NOT_FOUND, "Webhook with the requested ID could not be found.");
    }
}
