package io.hookgate.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/** The driver's view of the {@link BenchReceiver}: its counters per group, and resets. */
final class ReceiverStats {
    /** One group's counters at one moment. */
    record Group(long requests, long unique, long duplicates, long signaturesChecked, long signaturesBad,
                 long missingT, long firstMicros, long lastMicros, JsonArray latency) {
        static final Group EMPTY = new Group(0, 0, 0, 0, 0, 0, 0, 0, new JsonArray());

        static Group of(JsonObject j) {
            if (j == null) {
                return EMPTY;
            }
            JsonArray latency = j.getJsonArray("latency");
            return new Group(j.getLong("requests"), j.getLong("unique"), j.getLong("duplicates"),
                j.getLong("signaturesChecked"), j.getLong("signaturesBad"), j.getLong("missingT"),
                j.getLong("firstMicros"), j.getLong("lastMicros"), latency == null ? new JsonArray() : latency);
        }

        LatencyHistogram histogram() {
            LatencyHistogram h = new LatencyHistogram();
            h.add(latency);
            return h;
        }
    }

    private final WebClient client;
    private final int port;

    ReceiverStats(Vertx vertx, int port) {
        this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(2_000).setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(4));
        this.port = port;
    }

    /** Every group, with latency histograms when {@code withLatency}. */
    Future<JsonObject> all(boolean withLatency) {
        return client.get(port, "127.0.0.1", "/stats").addQueryParam("latency", Boolean.toString(withLatency))
            .timeout(10_000).send().map(r -> r.bodyAsJsonObject());
    }

    Future<Group> group(String name, boolean withLatency) {
        return all(withLatency).map(j -> Group.of(j.getJsonObject(name)));
    }

    /** Clears a group's latency histogram ({@code what = "latency"}) or the whole group ({@code "all"}). */
    Future<Void> reset(String group, String what) {
        var req = client.post(port, "127.0.0.1", "/reset").addQueryParam("what", what).timeout(10_000);
        if (group != null) {
            req.addQueryParam("group", group);
        }
        return req.send().mapEmpty();
    }
}
