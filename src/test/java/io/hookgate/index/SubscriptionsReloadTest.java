package io.hookgate.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.HookgateConfig;
import io.hookgate.health.GatewayMetrics;
import io.hookgate.model.Project;
import io.hookgate.model.Webhook;
import io.hookgate.model.WebhookQuery;
import io.hookgate.redis.FieldCipher;
import io.hookgate.redis.KeyRepository;
import io.hookgate.redis.ProjectRepository;
import io.hookgate.redis.RedisKeys;
import io.hookgate.redis.RedisStore;
import io.hookgate.redis.WebhookRepository;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.RedisServer;
import io.hookgate.testsupport.Teardown;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A project reload whose reads were answered before a webhook change made through this replica, and that ends
 * after the change was applied to the index (at once, and by its own change message), must not undo it: a
 * later change of another webhook brings the index's version up to Redis's, and lists (and fan-out) then
 * trust the index without reloading. SecretsTest once listed only "l" after creating "w" then "l": the
 * change feed's reload of the new project ("p PID") had read no webhook and ended after "w" was applied.
 * The reload's reads are sent at once; only their replies are held back, so the interleaving is exact.
 */
class SubscriptionsReloadTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final FieldCipher CIPHER = FieldCipher.fromBase64(FieldCipher.newKey());
    private static RedisServer redis;
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        Teardown.close(null, vertx, redis);
    }

    @BeforeEach
    void empty() {
        redis.command("FLUSHALL");
    }

    @Test
    void aReloadThatReadTheProjectBeforeAWebhookWasCreatedHereDoesNotDropIt() throws Exception {
        String pid = "reload-create";
        try (Replica r = new Replica()) {
            // The project is created through this replica (AdminService.createProject); the change feed's
            // "p PID" reloads it, and that reload's listing of the project's webhooks (still none) is answered late.
            r.held.hold("ZRANGE " + RedisKeys.webhooks(pid) + " ");
            long now = System.currentTimeMillis();
            r.on(() -> r.projects.create(new Project(pid, pid, now, now)).map(ok -> {
                r.subscriptions.projectCreated(pid);
                return ok;
            }));
            Await.until("the feed's reload read the empty listing", WAIT, r.held::caught);

            // w is created through this replica (AdminService.createWebhook) and its change message is applied.
            r.create(webhook(pid, "w", now));
            r.release();

            // l is created, its change message applied: the index's version is Redis's again.
            r.create(webhook(pid, "l", now + 1));
            assertThat(r.listed(pid)).as("the list right after l's creation").containsExactly("w", "l");
        }
    }

    @Test
    void aReloadThatReadAWebhookBeforeItWasDeletedHereDoesNotBringItBack() throws Exception {
        String pid = "reload-delete";
        try (Replica r = new Replica()) {
            long now = System.currentTimeMillis();
            r.on(() -> r.projects.create(new Project(pid, pid, now, now)).map(ok -> {
                r.subscriptions.projectCreated(pid);
                return ok;
            }));
            r.create(webhook(pid, "d", now));
            r.create(webhook(pid, "k", now + 1));

            // A reload (as freshen or an unknown project's lookup start one) reads d, answered late.
            r.held.hold("HGETALL " + RedisKeys.webhook(pid, "d"));
            r.on(() -> {
                r.subscriptions.reloadProject(pid);
                return Future.succeededFuture();
            });
            Await.until("the reload read d", WAIT, r.held::caught);

            // d is deleted through this replica (AdminService.deleteWebhook), its change message applied.
            r.held.forget("HGETALL " + RedisKeys.webhook(pid, "d"));
            String deleted = r.on(() -> r.webhooks.delete(pid, "d", false).map(existed -> {
                r.subscriptions.webhookDeleted(pid, "d");
                return existed.toString();
            }));
            assertThat(deleted).isEqualTo("true");
            r.awaitApplied(pid, "d");
            r.release();

            r.create(webhook(pid, "n", now + 2));
            assertThat(r.listed(pid)).as("the list after d's deletion").containsExactly("k", "n");
        }
    }

    private static Webhook webhook(String pid, String id, long createdAt) {
        return new Webhook(id, pid, id, "http://127.0.0.1:9/" + id, List.of("users.*.create"), false, "", "", "s-" + id,
            true, "", 0, createdAt, createdAt, List.of());
    }

    /** One replica's index on its own event loop, its repositories on a client whose replies can be held. */
    private static final class Replica implements AutoCloseable {
        final Context ctx = vertx.getOrCreateContext();
        final Held held = new Held(Redis.createClient(vertx, redis.url()));
        final RedisStore store = RedisStore.connect(vertx, new HookgateConfig.RedisConfig(List.of(redis.url()),
            "standalone", "", 4, "", false, 0, 0), new GatewayMetrics());
        final ProjectRepository projects = new ProjectRepository(held);
        final WebhookRepository webhooks = new WebhookRepository(held, CIPHER);
        final Subscriptions subscriptions = new Subscriptions(store, projects, new KeyRepository(held), webhooks);

        Replica() throws Exception {
            on(subscriptions::start);
        }

        <T> T on(Supplier<Future<T>> task) throws Exception {
            return SubscriptionsReloadTest.on(ctx, task);
        }

        /**
         * As AdminService.createWebhook: written to Redis, then put into the index at once; then waits for its change
         * message to be applied.
         */
        void create(Webhook w) throws Exception {
            held.forget("HGETALL " + RedisKeys.webhook(w.projectId(), w.id()));
            String result = on(() -> webhooks.create(w, 100).map(r -> {
                if (WebhookRepository.OK.equals(r)) {
                    subscriptions.webhookChanged(w);
                }
                return r;
            }));
            assertThat(result).isEqualTo(WebhookRepository.OK);
            awaitApplied(w.projectId(), w.id());
        }

        /** The change message of the webhook has been applied (its read answered, and the index updated after it). */
        void awaitApplied(String pid, String id) throws Exception {
            String read = "HGETALL " + RedisKeys.webhook(pid, id);
            Await.until(id + "'s change message applied", WAIT, () -> held.answered(read));
            on(() -> Future.succeededFuture(null));
        }

        /** The held reply is answered now; the reload that waited for it ends. */
        void release() throws Exception {
            held.release();
            on(() -> Future.succeededFuture(null));
        }

        List<String> listed(String pid) throws Exception {
            WebhookQuery query = new WebhookQuery(List.of(), List.of(), 25, 0, null, false, true);
            return on(() -> subscriptions.list(pid, false, query)).orElseThrow().webhooks().stream().map(Webhook::id)
                .toList();
        }

        @Override
        public void close() throws Exception {
            on(subscriptions::stop);
            store.close().await(10, TimeUnit.SECONDS);
            held.close().await(10, TimeUnit.SECONDS);
        }
    }

    /** Runs {@code task} on the index's event loop (it is not thread-safe) and awaits its result. */
    private static <T> T on(Context ctx, Supplier<Future<T>> task) throws Exception {
        CompletableFuture<T> done = new CompletableFuture<>();
        ctx.runOnContext(x -> task.get().onComplete(ar -> {
            if (ar.succeeded()) {
                done.complete(ar.result());
            } else {
                done.completeExceptionally(ar.cause());
            }
        }));
        return done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A client that sends every request at once, but holds back the reply of the first request whose text
     * starts with the armed prefix until {@link #release}; and remembers the requests answered.
     */
    private static final class Held implements Redis {
        private final Redis delegate;
        private final Queue<String> answered = new ConcurrentLinkedQueue<>();
        private volatile String prefix;
        private volatile Promise<Response> heldBack;
        private volatile AsyncResult<Response> heldReply;
        private volatile Context heldOn;

        Held(Redis delegate) {
            this.delegate = delegate;
        }

        void hold(String requestPrefix) {
            prefix = requestPrefix;
        }

        boolean caught() {
            return heldReply != null;
        }

        /** Forgets the answers so far to requests starting with the prefix. */
        void forget(String requestPrefix) {
            answered.removeIf(r -> r.startsWith(requestPrefix));
        }

        boolean answered(String requestPrefix) {
            return answered.stream().anyMatch(r -> r.startsWith(requestPrefix));
        }

        void release() {
            Promise<Response> p = heldBack;
            AsyncResult<Response> reply = heldReply;
            heldOn.runOnContext(x -> p.handle(reply));
        }

        @Override
        public Future<Response> send(Request request) {
            String text = words(request);
            String armed = prefix;
            if (armed != null && text.startsWith(armed)) {
                prefix = null;
                Promise<Response> p = Promise.promise();
                heldBack = p;
                heldOn = Vertx.currentContext();
                delegate.send(request).onComplete(ar -> heldReply = ar);
                return p.future();
            }
            return delegate.send(request).onComplete(ar -> answered.add(text));
        }

        /** The request as its words joined by spaces, from its RESP encoding ("*N", then "$LEN" and a word each). */
        private static String words(Request request) {
            String[] lines = request.toString().split("\r\n");
            StringBuilder out = new StringBuilder();
            for (int i = 2; i < lines.length; i += 2) {
                out.append(out.length() == 0 ? lines[i].toUpperCase(Locale.ROOT) : " " + lines[i]);
            }
            return out.toString();
        }

        @Override
        public Future<List<Response>> batch(List<Request> requests) {
            return delegate.batch(requests);
        }

        @Override
        public Future<RedisConnection> connect() {
            return delegate.connect();
        }

        @Override
        public Future<Void> close() {
            return delegate.close();
        }
    }
}
