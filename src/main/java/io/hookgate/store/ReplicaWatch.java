package io.hookgate.store;

import io.hookgate.health.GatewayMetrics;
import io.hookgate.redis.RecordLayout;
import io.hookgate.redis.ReplicaRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this replica writing only what every replica sharing the Redis reads: at start, before the
 * first event is taken, and every 5 s it says which record layouts it reads and lowers (or restores)
 * the {@link RecordLayout} written from the others' answers (see {@link ReplicaRepository}). So a
 * rolling update from a version that cannot read {@code recordLayout} loses nothing: the new replicas
 * write the old layout until the last old replica is gone, then the configured one. Shown in the log
 * and in {@code hookgate_record_layout}.
 */
final class ReplicaWatch {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaWatch.class);
    private static final long EVERY_MS = 5_000;

    private final Vertx vertx;
    private final ReplicaRepository replicas;
    private final RecordLayout layout;
    private final String self;
    private long timer = -1;

    ReplicaWatch(Vertx vertx, ReplicaRepository replicas, RecordLayout layout, String self, GatewayMetrics metrics) {
        this.vertx = vertx;
        this.replicas = replicas;
        this.layout = layout;
        this.self = self;
        metrics.gauge("hookgate.record.layout", "The record layout written now: recordLayout, or older while a"
            + " replica that reads only older ones shares the Redis", layout::current);
    }

    void start() {
        timer = vertx.setPeriodic(EVERY_MS, t -> check().onFailure(err ->
            LOG.warn("reading which record layouts the other replicas read failed (layout {} kept): {}",
                layout.current(), err.toString())));
    }

    /** Once this replica's fan-out has stopped: no more checks, and it leaves ({@link ReplicaRepository#leave}). */
    Future<Void> leave() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        return replicas.leave(self).recover(err -> {
            LOG.debug("leaving the events' group failed: {}", err.toString());
            return Future.succeededFuture();
        });
    }

    /** Asks now and sets the layout written; logs a change. */
    Future<Integer> check() {
        return replicas.readable(self).map(readers -> {
            int before = layout.current();
            int now = layout.limitTo(readers.layout());
            if (now < before) {
                LOG.warn("replicas {} share this Redis and read record layouts up to {} only: writing layout {} until"
                    + " they are gone (recordLayout {})", readers.older(), readers.layout(), now, layout.configured());
            } else if (now > before) {
                LOG.info("no replica reading older record layouts runs any more: writing layout {} again", now);
            }
            return now;
        });
    }
}
