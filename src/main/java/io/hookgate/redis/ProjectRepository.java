package io.hookgate.redis;

import io.hookgate.model.Project;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Projects in Redis (see {@link RedisKeys}). */
public final class ProjectRepository {
    private static final LuaScript CREATE = LuaScript.load("project_create");
    private static final LuaScript DELETE = LuaScript.load("project_delete");

    private final Redis redis;

    public ProjectRepository(Redis redis) {
        this.redis = redis;
    }

    /** Creates the project; false when one with this ID exists. */
    public Future<Boolean> create(Project p) {
        // Membership first: a crash in between leaves a listed ID without a project, which listing skips.
        return redis.send(Request.cmd(Command.SADD).arg(RedisKeys.PROJECTS).arg(p.id()))
            .compose(x -> CREATE.run(redis, List.of(RedisKeys.project(p.id())),
                List.of(p.id(), p.name(), p.createdAt(), RedisKeys.CHANGES, RedisKeys.projectChanged(p.id()))))
            .map(r -> "OK".equals(r.toString()));
    }

    public Future<Optional<Project>> get(String projectId) {
        return redis.send(Request.cmd(Command.HGETALL).arg(RedisKeys.project(projectId)))
            .map(r -> parse(Responses.toMap(r)));
    }

    public Future<List<String>> ids() {
        return redis.send(Request.cmd(Command.SMEMBERS).arg(RedisKeys.PROJECTS)).map(r -> {
            List<String> ids = new ArrayList<>();
            if (r != null) {
                r.forEach(x -> ids.add(x.toString()));
            }
            return ids;
        });
    }

    public Future<List<Project>> list() {
        return ids().compose(ids -> {
            List<Future<Optional<Project>>> all = ids.stream().map(this::get).toList();
            return Future.all(all).map(x -> all.stream().map(Future::result).flatMap(Optional::stream)
                .sorted(java.util.Comparator.comparingLong(Project::createdAt).thenComparing(Project::id)).toList());
        });
    }

    /** Deletes the project and everything under it; false when it did not exist. */
    public Future<Boolean> delete(String projectId) {
        return DELETE.run(redis,
                List.of(RedisKeys.project(projectId), RedisKeys.keys(projectId), RedisKeys.webhooks(projectId),
                    RedisKeys.operationalWebhooks(projectId)),
                List.of(RedisKeys.tag(projectId) + "wh:", RedisKeys.CHANGES, RedisKeys.projectChanged(projectId)))
            .compose(r -> {
                boolean existed = "OK".equals(r.toString());
                return redis.send(Request.cmd(Command.SREM).arg(RedisKeys.PROJECTS).arg(projectId)).map(existed);
            });
    }

    static Optional<Project> parse(Map<String, String> h) {
        if (h.isEmpty() || h.get("id") == null) {
            return Optional.empty();
        }
        return Optional.of(new Project(h.get("id"), h.getOrDefault("name", ""),
            Long.parseLong(h.getOrDefault("createdAt", "0")), Long.parseLong(h.getOrDefault("updatedAt", "0"))));
    }
}
