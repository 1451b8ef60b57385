package io.hookgate.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real HTTP server with Micrometer metrics: a connection Vert.x accepted without its socket metric (as one
 * accepted between the port's bind and the metrics' set-up, made here by clearing it) is closed before it reads
 * a request, and a metered one is served.
 */
class UnmeteredConnectionsTest {
    private final List<Boolean> refused = new CopyOnWriteArrayList<>();
    private Vertx vertx;

    @AfterEach
    void close() throws Exception {
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private int serve(boolean metrics, Consumer<HttpConnection> before) throws Exception {
        VertxOptions options = new VertxOptions();
        if (metrics) {
            options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true));
        }
        vertx = metrics
            ? Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(new SimpleMeterRegistry())).build()
            : Vertx.vertx(options);
        HttpServer server = vertx.createHttpServer()
            .connectionHandler(c -> {
                before.accept(c);
                refused.add(UnmeteredConnections.refuse(c));
            })
            .requestHandler(r -> r.response().end("ok"));
        return server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    }

    private static HttpResponse<String> get(int port) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aMeteredConnectionIsServed() throws Exception {
        int port = serve(true, c -> { });
        assertThat(get(port).body()).isEqualTo("ok");
        assertThat(refused).containsExactly(false);
    }

    @Test
    void aConnectionWithoutItsSocketMetricIsClosedBeforeItsRequest() throws Exception {
        int port = serve(true, c -> ((ConnectionBase) c).metric(null));
        assertThatThrownBy(() -> get(port)).isInstanceOf(IOException.class);
        assertThat(refused).isNotEmpty().containsOnly(true);
    }

    @Test
    void withoutMetricsNothingIsRefused() throws Exception {
        int port = serve(false, c -> ((ConnectionBase) c).metric(null));
        assertThat(get(port).body()).isEqualTo("ok");
        assertThat(refused).containsExactly(false);
    }
}
