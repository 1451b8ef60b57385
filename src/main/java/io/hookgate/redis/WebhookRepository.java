package io.hookgate.redis;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hookgate.model.RetiredSecret;
import io.hookgate.model.Webhook;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Webhooks in Redis: one hash per webhook ({@code hg:{p:PID}:wh:WID}) with the fields id, projectId,
 * name, url, events (JSON array), tls, enabled (0/1), authUsername, authPassword and secret (both
 * encrypted, see {@link FieldCipher}), retired (secrets in a rotation's grace period, JSON), logs,
 * attempts, createdAt, updatedAt, and the failure state (failingSince, circuit, probes, probeAt; the probe's
 * lease is {@code hg:{p:PID}:probe:WID}); and the project's {@code webhooks} and {@code ops} sorted sets,
 * its webhooks and operational webhooks by creation time, from which a replica loads its index (list
 * pages are served from that index: index.WebhookListing, not from Redis). Every write publishes a
 * {@code "w PID WID VERSION"} change so every replica's match index follows; a change that can alter
 * matching (create, update, delete, disable) first increments the project's {@code version}, which
 * fan-out compares with the version its index has applied.
 */
public final class WebhookRepository {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Outcome words returned by the scripts. */
    public static final String OK = "OK";
    public static final String NO_PROJECT = "NOPROJECT";
    public static final String EXISTS = "EXISTS";
    public static final String NOT_FOUND = "NOTFOUND";
    /** The project holds its quota of webhooks already. */
    public static final String LIMIT = "LIMIT";

    private static final LuaScript CREATE = LuaScript.load("webhook_create");
    private static final LuaScript UPDATE = LuaScript.load("webhook_update");
    private static final LuaScript DELETE = LuaScript.load("webhook_delete");
    private static final LuaScript FAILURE = LuaScript.load("webhook_failure");
    private static final LuaScript SUCCESS = LuaScript.load("webhook_success");
    private static final LuaScript PROBE = LuaScript.load("probe_acquire");
    private static final LuaScript PROBE_RELEASE = LuaScript.load("probe_release");

    private final Redis redis;
    private final FieldCipher cipher;

    public WebhookRepository(Redis redis, FieldCipher cipher) {
        this.redis = redis;
        this.cipher = cipher;
    }

    /**
     * Creates it unless the project has {@code maxPerProject} webhooks already; answers {@link #OK},
     * {@link #NO_PROJECT}, {@link #EXISTS} or {@link #LIMIT}.
     */
    public Future<String> create(Webhook w, int maxPerProject) {
        List<Object> args = new ArrayList<>(List.of(w.createdAt(), w.id(), RedisKeys.CHANGES,
            RedisKeys.webhookChanged(w.projectId(), w.id()), maxPerProject));
        args.addAll(fields(w));
        return CREATE.run(redis, List.of(RedisKeys.project(w.projectId()), listing(w.projectId(), w.operational()),
            RedisKeys.webhook(w.projectId(), w.id())), args).map(Object::toString);
    }

    /**
     * Replaces the editable fields (and the secret); empty when the webhook does not exist.
     * {@code resetAttempts}: a PUT with {@code enabled = true} starts the failure count afresh; a
     * secret rotation does not.
     */
    public Future<Optional<Webhook>> update(Webhook w, boolean resetAttempts) {
        List<Object> args = new ArrayList<>(List.of(RedisKeys.CHANGES, RedisKeys.webhookChanged(w.projectId(), w.id()),
            resetAttempts ? "1" : "0"));
        args.addAll(List.of("name", w.name(), "url", w.url(), "events", eventsJson(w.events()),
            "enabled", w.enabled() ? "1" : "0", "tls", w.tls() ? "1" : "0", "authUsername", w.authUsername(),
            "authPassword", cipher.encrypt("authPassword", w.authPassword()), "secret", cipher.encrypt("secret", w.secret()),
            "retired", retiredJson(w.retiredSecrets()), "updatedAt", w.updatedAt()));
        return UPDATE.run(redis, List.of(RedisKeys.webhook(w.projectId(), w.id())), args).map(this::parseReply);
    }

    /** The zset that lists a project's webhooks, or its operational ones. */
    private static String listing(String projectId, boolean operational) {
        return operational ? RedisKeys.operationalWebhooks(projectId) : RedisKeys.webhooks(projectId);
    }

    public Future<Boolean> delete(String projectId, String webhookId, boolean operational) {
        return DELETE.run(redis, List.of(RedisKeys.webhook(projectId, webhookId), listing(projectId, operational)),
                List.of(webhookId, RedisKeys.CHANGES, RedisKeys.webhookChanged(projectId, webhookId)))
            .map(r -> OK.equals(r.toString()));
    }

    public Future<Optional<Webhook>> get(String projectId, String webhookId) {
        return redis.send(Request.cmd(Command.HGETALL).arg(RedisKeys.webhook(projectId, webhookId)))
            .map(r -> parse(Responses.toMap(r)));
    }

    /** The project's webhook version (0 before its first webhook change). */
    public Future<Long> version(String projectId) {
        return redis.send(Request.cmd(Command.GET).arg(RedisKeys.version(projectId)))
            .map(r -> r == null ? 0L : Long.parseLong(r.toString()));
    }

    /** The IDs of all a project's webhooks, operational ones too. */
    public Future<List<String>> ids(String projectId) {
        Future<Response> regular = redis.send(Request.cmd(Command.ZRANGE).arg(RedisKeys.webhooks(projectId)).arg(0).arg(-1));
        Future<Response> ops = redis.send(Request.cmd(Command.ZRANGE).arg(RedisKeys.operationalWebhooks(projectId))
            .arg(0).arg(-1));
        return Future.all(regular, ops).map(x -> {
            List<String> ids = new ArrayList<>();
            for (Response r : List.of(regular.result(), ops.result())) {
                if (r != null) {
                    r.forEach(id -> ids.add(id.toString()));
                }
            }
            return ids;
        });
    }

    /** Every webhook of a project (index loading). */
    public Future<List<Webhook>> all(String projectId) {
        return ids(projectId).compose(ids -> loadChunks(projectId, ids, 0, new ArrayList<>()));
    }

    private static final int LOAD_CHUNK = 500;

    /**
     * Reads webhooks in chunks of {@link #LOAD_CHUNK}, one chunk after the other: a project of 100 000
     * webhooks must not queue 100 000 commands on the client at once (its wait queue is bounded).
     */
    private Future<List<Webhook>> loadChunks(String projectId, List<String> ids, int from, List<Webhook> out) {
        if (from >= ids.size()) {
            return Future.succeededFuture(out);
        }
        List<Future<Optional<Webhook>>> gets = new ArrayList<>();
        for (String id : ids.subList(from, Math.min(ids.size(), from + LOAD_CHUNK))) {
            gets.add(get(projectId, id));
        }
        return Future.all(gets).compose(x -> {
            gets.forEach(g -> g.result().ifPresent(out::add));
            return loadChunks(projectId, ids, from + LOAD_CHUNK, out);
        });
    }

    /**
     * What a failed try does to its webhook, as the failure policy says (see {@code lua/webhook_failure.lua}).
     *
     * @param disableAfterMs -1: disable at {@code maxAttempts} (Appwrite's policy); else also only once the
     *                       webhook has been failing this long
     * @param openAfter consecutive failed tries that open the circuit; 0: no circuit
     * @param probeStepsMs the waits before successive probes of an open circuit
     * @param probeToken the lease token when this try was the circuit's probe, else ""
     * @param gone a {@code 410 Gone}: disable at once
     */
    public record Failure(String logs, long nowMs, int maxAttempts, long disableAfterMs, int openAfter,
                          List<Long> probeStepsMs, String probeToken, boolean gone) {
    }

    /** Records one failed try; empty when the webhook is gone. */
    public Future<Optional<Bookkeeping>> recordFailure(String projectId, String webhookId, Failure f) {
        StringBuilder steps = new StringBuilder();
        f.probeStepsMs().forEach(ms -> steps.append(steps.length() == 0 ? "" : ",").append(ms));
        return FAILURE.run(redis, List.of(RedisKeys.webhook(projectId, webhookId), RedisKeys.probe(projectId, webhookId)),
                List.of(f.logs(), f.nowMs(), f.maxAttempts(), f.disableAfterMs(), f.openAfter(), steps.toString(),
                    f.probeToken(), f.gone() ? "1" : "0", RedisKeys.CHANGES, RedisKeys.webhookChanged(projectId, webhookId)))
            .map(r -> r == null ? Optional.empty()
                : Optional.of(new Bookkeeping(r.get(0).toInteger(), "1".equals(String.valueOf(r.get(1))),
                    r.get(2).toInteger() == 1, r.get(3).toInteger() == 1, r.get(4).toLong())));
    }

    /**
     * Resets the failure state after a success (attempts, the streak, the circuit), when it was not
     * healthy already; answers whether this closed the webhook's circuit.
     */
    public Future<Boolean> recordSuccess(String projectId, String webhookId, String probeToken) {
        return SUCCESS.run(redis, List.of(RedisKeys.webhook(projectId, webhookId), RedisKeys.probe(projectId, webhookId)),
            List.of(probeToken, RedisKeys.CHANGES, RedisKeys.webhookChanged(projectId, webhookId)))
            .map(r -> r.toInteger() == 1);
    }

    /** Gives the probe's lease back if {@code token} holds it (the probe was not sent). */
    public Future<Void> releaseProbe(String projectId, String webhookId, String token) {
        return PROBE_RELEASE.run(redis, List.of(RedisKeys.probe(projectId, webhookId)), List.of(token)).mapEmpty();
    }

    /**
     * Whether a try may go now: the circuit is closed, or this try holds the probe's lease, or when to ask
     * again; and, with a closed circuit, whether Redis has the webhook enabled (false when it is gone).
     */
    public record Probe(boolean allowed, boolean probe, long retryAtMs, boolean enabled) {
    }

    /**
     * Asks for the webhook's probe lease with {@code token}, held at most {@code leaseMs}; while another
     * probe is under way, to ask again {@code recheckMs} later (see {@code lua/probe_acquire.lua}).
     */
    public Future<Probe> acquireProbe(String projectId, String webhookId, String token, long nowMs, long leaseMs,
                                      long recheckMs) {
        return PROBE.run(redis, List.of(RedisKeys.webhook(projectId, webhookId), RedisKeys.probe(projectId, webhookId)),
            List.of(token, nowMs, leaseMs, recheckMs)).map(r -> switch (r.get(0).toString()) {
                case "CLOSED" -> new Probe(true, false, 0, r.size() > 2 && r.get(2).toInteger() == 1);
                case "PROBE" -> new Probe(true, true, 0, true);
                default -> new Probe(false, false, r.get(1).toLong(), true);
            });
    }

    /**
     * The failure state after a failed try; {@code disabledNow} / {@code openedNow} when this very try
     * disabled the webhook / opened its circuit.
     */
    public record Bookkeeping(int attempts, boolean enabled, boolean disabledNow, boolean openedNow, long failingSince) {
    }

    private List<Object> fields(Webhook w) {
        return List.of("id", w.id(), "projectId", w.projectId(), "name", w.name(), "url", w.url(),
            "events", eventsJson(w.events()), "tls", w.tls() ? "1" : "0", "enabled", w.enabled() ? "1" : "0",
            "authUsername", w.authUsername(), "authPassword", cipher.encrypt("authPassword", w.authPassword()),
            "secret", cipher.encrypt("secret", w.secret()), "retired", retiredJson(w.retiredSecrets()),
            "logs", w.logs(), "attempts", w.attempts(), "createdAt", w.createdAt(), "updatedAt", w.updatedAt(),
            "kind", w.operational() ? "operational" : "webhook");
    }

    /** Retired secrets, each encrypted: [{"s": sealed secret, "u": valid until}], newest first. */
    private String retiredJson(List<RetiredSecret> retired) {
        var array = JSON.createArrayNode();
        for (RetiredSecret r : retired) {
            array.addObject().put("s", cipher.encrypt("secret", r.secret())).put("u", r.validUntil());
        }
        return array.toString();
    }

    private List<RetiredSecret> retired(String json) {
        List<RetiredSecret> out = new ArrayList<>();
        if (json == null || json.isEmpty()) {
            return out;
        }
        try {
            for (var n : JSON.readTree(json)) {
                out.add(new RetiredSecret(cipher.decrypt("secret", n.path("s").asText()), n.path("u").asLong()));
            }
        } catch (IOException e) {
            return List.of();
        }
        return List.copyOf(out);
    }

    private Optional<Webhook> parseReply(Response r) {
        if (r == null || (!r.isArray() && !r.isMap())) {
            return Optional.empty();
        }
        return parse(Responses.toMap(r));
    }

    Optional<Webhook> parse(Map<String, String> h) {
        if (h.isEmpty() || h.get("id") == null) {
            return Optional.empty();
        }
        List<String> events;
        try {
            events = List.copyOf(JSON.readValue(h.getOrDefault("events", "[]"), new TypeReference<List<String>>() { }));
        } catch (IOException e) {
            events = List.of();
        }
        return Optional.of(new Webhook(h.get("id"), h.get("projectId"), h.getOrDefault("name", ""),
            h.getOrDefault("url", ""), events, "1".equals(h.get("tls")), h.getOrDefault("authUsername", ""),
            cipher.decrypt("authPassword", h.get("authPassword")), cipher.decrypt("secret", h.get("secret")),
            "1".equals(h.get("enabled")), h.getOrDefault("logs", ""), Integer.parseInt(h.getOrDefault("attempts", "0")),
            Long.parseLong(h.getOrDefault("createdAt", "0")), Long.parseLong(h.getOrDefault("updatedAt", "0")),
            retired(h.get("retired")), new Webhook.Health(Long.parseLong(h.getOrDefault("failingSince", "0")),
                "open".equals(h.get("circuit"))), "operational".equals(h.get("kind"))));
    }

    private static String eventsJson(List<String> events) {
        try {
            return JSON.writeValueAsString(events);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
