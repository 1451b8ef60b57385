package io.hookgate.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@link RedisKeys#CHANGES} on a dedicated connection. Reconnecting is this class's job: on
 * every (re)subscription it calls {@code onSubscribed} first, so the owner reloads everything it may
 * have missed while the connection was down, then passes each change to {@code onChange}.
 */
public final class ChangeFeed {
    /** What any replica changed: the messages the repositories' scripts publish. */
    public sealed interface Change {
    }

    /** A project was created or deleted ({@code "p PID"}). */
    public record ProjectChanged(String projectId) implements Change {
    }

    /** A project's keys changed ({@code "k PID"}). */
    public record KeysChanged(String projectId) implements Change {
    }

    /** One webhook changed or was deleted ({@code "w PID WID VERSION"}): the project's version after it. */
    public record WebhookChanged(String projectId, String webhookId, long version) implements Change {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    private static final long MAX_BACKOFF_MS = 5_000;

    private final Vertx vertx;
    private final Redis redis;
    private final Runnable onSubscribed;
    private final Consumer<Change> onChange;
    private RedisConnection connection;
    private boolean stopped;
    private long backoffMs = 100;

    public ChangeFeed(Vertx vertx, Redis redis, Runnable onSubscribed, Consumer<Change> onChange) {
        this.vertx = vertx;
        this.redis = redis;
        this.onSubscribed = onSubscribed;
        this.onChange = onChange;
    }

    /** Subscribes; the future completes after the first subscription succeeded. */
    public Future<Void> start() {
        return subscribe();
    }

    private Future<Void> subscribe() {
        return redis.connect().compose(conn -> {
            connection = conn;
            conn.handler(this::onPush);
            conn.exceptionHandler(err -> lost(conn, err.getMessage()));
            conn.endHandler(v -> lost(conn, "connection closed"));
            return conn.send(Request.cmd(Command.SUBSCRIBE).arg(RedisKeys.CHANGES));
        }).map(r -> {
            backoffMs = 100;
            onSubscribed.run();
            return null;
        });
    }

    private void onPush(Response r) {
        // RESP3 push or RESP2 array: ["message", channel, payload]
        if (r != null && r.size() == 3 && "message".equals(r.get(0).toString())) {
            Change change = parse(r.get(2).toString());
            if (change == null) {
                LOG.warn("ignoring unknown change message '{}'", r.get(2));
            } else {
                onChange.accept(change);
            }
        }
    }

    /** A message of {@link RedisKeys#CHANGES}; null when it is none of the known forms. */
    static Change parse(String message) {
        String[] parts = message.split(" ");
        if (parts.length == 2 && parts[0].equals("p")) {
            return new ProjectChanged(parts[1]);
        }
        if (parts.length == 2 && parts[0].equals("k")) {
            return new KeysChanged(parts[1]);
        }
        if (parts.length == 4 && parts[0].equals("w")) {
            try {
                return new WebhookChanged(parts[1], parts[2], Long.parseLong(parts[3]));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private void lost(RedisConnection conn, String why) {
        if (stopped || conn != connection) {
            return;
        }
        connection = null;
        LOG.warn("change feed lost ({}), reconnecting", why);
        conn.close();
        retry();
    }

    private void retry() {
        long delay = backoffMs;
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        vertx.setTimer(delay, t -> {
            if (!stopped) {
                subscribe().onFailure(err -> {
                    LOG.warn("change feed subscribe failed ({}), retrying in {} ms", err.getMessage(), backoffMs);
                    retry();
                });
            }
        });
    }

    public boolean connected() {
        return connection != null;
    }

    public Future<Void> stop() {
        stopped = true;
        RedisConnection c = connection;
        connection = null;
        return c == null ? Future.succeededFuture() : c.close();
    }
}
