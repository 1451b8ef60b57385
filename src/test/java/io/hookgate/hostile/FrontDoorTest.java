package io.hookgate.hostile;

import static io.hookgate.testsupport.AppwriteError.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.api.FrontDoor;
import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16, findings 2, 5 and 6a: the limits of the API port that hold before and while a request is
 * read, over raw sockets. Each test that holds connections uses a loopback address of its own
 * ({@code 127.0.0.4} and up), so that the per-address limits of one do not reach another.
 */
class FrontDoorTest {
    private static final int MIB = 1 << 20;
    private static final int HEAD_TIMEOUT_MS = 1_000;
    private static final int MIN_RATE = 1_000;
    /** RequestBodies checks the rate over windows of 5 s. */
    private static final int RATE_WINDOW_MS = 5_000;
    private static final int CONNECTIONS = 8;
    private static final int IN_FLIGHT = 24 * MIB;
    private static final int ANSWER_MS = 5_000;

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create(Map.of(
        ConfigKey.MAX_REQUEST_BYTES_IN_FLIGHT, String.valueOf(IN_FLIGHT),
        ConfigKey.REQUEST_HEAD_TIMEOUT_MS, String.valueOf(HEAD_TIMEOUT_MS),
        ConfigKey.MIN_BODY_BYTES_PER_SECOND, String.valueOf(MIN_RATE),
        ConfigKey.MAX_CONNECTIONS_PER_ADDRESS, String.valueOf(CONNECTIONS),
        ConfigKey.INGEST_RATE_PER_SECOND, "0"));

    private static Gateway.ProjectClient project;
    private static int port;

    @BeforeAll
    static void start() {
        project = env.gateway().project(FullPath.fresh("door"));
        port = URI.create(env.gateway().endpoint()).getPort();
    }

    private static FrontDoor door() {
        return env.gateway().hookgate().frontDoor();
    }

    /** The head of a kept-alive request of the project, announcing {@code length} body bytes (none when negative). */
    private static String head(String method, String path, long length) {
        return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
            + "X-Appwrite-Project: " + project.projectId() + "\r\nX-Appwrite-Key: " + project.key() + "\r\n"
            + (length >= 0 ? "Content-Length: " + length + "\r\n" : "") + "\r\n";
    }

    private static byte[] filler(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'x');
        return b;
    }

    private static String errorType(RawHttp.Response r) {
        return new JsonObject(r.bodyText()).getString("type");
    }

    @Test
    void anAuthenticatedBodyBeyondTheReplicasBudgetGets503WithRetryAfter() throws Exception {
        try (RawHttp.Connection a = RawHttp.Connection.open("127.0.0.5", port);
             RawHttp.Connection b = RawHttp.Connection.open("127.0.0.5", port)) {
            // A sends 12 of its 16 MiB and stops: 12 MiB of the replica's 24 are held.
            a.write(head("POST", "/v1/events", 16 * MIB));
            a.write(filler(12 * MIB));
            Await.until("the 12 MiB of A held", Duration.ofSeconds(10), () -> door().bodyBytes() >= 12 * MIB);

            // B's 16 MiB do not fit beside them.
            b.write(head("POST", "/v1/events", 16 * MIB));
            RawHttp.Response busy = b.read(ANSWER_MS);
            assertThat(busy.status()).as(busy.bodyText()).isEqualTo(503);
            assertThat(errorType(busy)).isEqualTo("general_service_unavailable");
            assertThat(busy.header("Retry-After")).isEqualTo("1");
            assertThat(b.closedWithin(ANSWER_MS)).as("B's connection closed, its body unread").isTrue();

            // A is unharmed: the rest of its body is read (and is no JSON).
            a.write(filler(4 * MIB));
            RawHttp.Response read = a.read(ANSWER_MS);
            assertThat(read.status()).as(read.bodyText()).isEqualTo(400);
            assertThat(new JsonObject(read.bodyText()).getString("message")).contains("not valid JSON");
        }
        Await.until("every body byte given back", Duration.ofSeconds(10), () -> door().bodyBytes() == 0);
        assertThat(door().bodyBytesPeak()).isLessThanOrEqualTo(IN_FLIGHT);
        // Given back, the budget takes a large body again.
        String payload = "{\"pad\":\"" + "p".repeat(512 * 1024) + "\"}";
        project.send("{\"event\":\"users.u1.create\",\"payload\":" + payload + "}").expect(202);
    }

    @Test
    void aMegabyteWebhookBodyIs413WhileEventsTakeLargeBodies() {
        JsonObject webhook = new JsonObject().put("webhookId", "big").put("url", "https://example.com/hook")
            .put("name", "n".repeat(MIB)).put("events", new JsonArray(List.of("users.*.create")));

        String message = assertError(project.call("POST", "/webhooks", webhook.encode()), 413, "general_payload_too_large");

        assertThat(message).contains("65536");
        project.send("{\"event\":\"users.u1.create\",\"payload\":{\"pad\":\"" + "p".repeat(200_000) + "\"}}").expect(202);
    }

    @Test
    void aRequestHeadTricklingInIsClosedAtTheDeadline() {
        try (RawHttp.Connection c = RawHttp.Connection.open("127.0.0.6", port)) {
            long started = System.nanoTime();
            c.write("GET /v1/webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            // A header line every 200 ms: each one used to restart the idle timeout.
            boolean closed = false;
            for (int i = 0; i < 50 && !closed; i++) {
                closed = c.closedWithin(200) || !c.write("X-Slow-" + i + ": 1\r\n");
            }
            long ms = (System.nanoTime() - started) / 1_000_000;

            assertThat(closed).as("closed within 10 s").isTrue();
            assertThat(ms).isBetween((long) HEAD_TIMEOUT_MS - 100, 3L * HEAD_TIMEOUT_MS);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(door().refusals(FrontDoor.Refusal.HEAD_TIMEOUT)).isPositive();
    }

    @Test
    void aKeptAliveConnectionMayIdleLongerThanTheHeadDeadlineBetweenRequests() throws Exception {
        try (RawHttp.Connection c = RawHttp.Connection.open("127.0.0.6", port)) {
            c.write(head("GET", "/v1/webhooks", -1));
            assertThat(c.read(ANSWER_MS).status()).isEqualTo(200);

            assertThat(c.closedWithin(3 * HEAD_TIMEOUT_MS)).as("closed while idle between requests").isFalse();

            c.write(head("GET", "/v1/webhooks", -1));
            assertThat(c.read(ANSWER_MS).status()).isEqualTo(200);
        }
    }

    @Test
    void aBodySlowerThanTheMinimumRateIsClosed() throws Exception {
        long slowBefore = door().refusals(FrontDoor.Refusal.BODY_TOO_SLOW);
        try (RawHttp.Connection c = RawHttp.Connection.open("127.0.0.7", port)) {
            c.write(head("POST", "/v1/events", 100_000));
            long started = System.nanoTime();
            // 100 bytes a second, a tenth of the minimum; each byte used to restart the idle timeout.
            boolean closed = false;
            for (int i = 0; i < 30 && !closed; i++) {
                closed = !c.write(filler(100)) || c.closedWithin(1_000);
            }
            long ms = (System.nanoTime() - started) / 1_000_000;

            assertThat(closed).as("closed within 30 s").isTrue();
            assertThat(ms).isBetween((long) RATE_WINDOW_MS - 500, 3L * RATE_WINDOW_MS);
        }
        assertThat(door().refusals(FrontDoor.Refusal.BODY_TOO_SLOW)).isEqualTo(slowBefore + 1);
        Await.until("its body bytes given back", Duration.ofSeconds(10), () -> door().bodyBytes() == 0);
    }

    @Test
    void connectionsPerClientAddressAreCapped() throws Exception {
        List<RawHttp.Connection> connections = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS + 4; i++) {
                connections.add(RawHttp.Connection.open("127.0.0.4", port));
            }
            List<RawHttp.Connection> refused = new ArrayList<>();
            Await.until("the connections over the cap closed", Duration.ofSeconds(10), () -> {
                for (RawHttp.Connection c : connections) {
                    if (!refused.contains(c) && c.closedWithin(20)) {
                        refused.add(c);
                    }
                }
                return refused.size() == 4;
            });
            List<RawHttp.Connection> kept = new ArrayList<>(connections);
            kept.removeAll(refused);
            for (RawHttp.Connection c : kept) {
                assertThat(c.closedWithin(200)).as("a connection under the cap").isFalse();
            }

            // Another address is not concerned; and a closed connection frees its place.
            try (RawHttp.Connection other = RawHttp.Connection.open("127.0.0.8", port)) {
                other.write(head("GET", "/v1/webhooks", -1));
                assertThat(other.read(ANSWER_MS).status()).isEqualTo(200);
            }
            kept.get(0).close();
            Await.until("a new connection of the address served", Duration.ofSeconds(10), () -> {
                try (RawHttp.Connection c = RawHttp.Connection.open("127.0.0.4", port)) {
                    c.write(head("GET", "/v1/webhooks", -1));
                    return c.read(2_000).status() == 200;
                } catch (IOException e) {
                    return false;
                }
            });
        } finally {
            connections.forEach(RawHttp.Connection::close);
        }
    }

    @Test
    void contentLengthWithTransferEncodingIs400AndTheConnectionCloses() throws Exception {
        String event = "{\"event\":\"users.u1.create\",\"payload\":{\"smuggled\":true}}";
        try (RawHttp.Connection c = RawHttp.Connection.open("127.0.0.1", port)) {
            c.write("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "X-Appwrite-Project: " + project.projectId() + "\r\nX-Appwrite-Key: " + project.key() + "\r\n"
                + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(event.length()) + "\r\n" + event + "\r\n0\r\n\r\n");

            // Before: chunked won, the event was accepted (202) and the connection stayed open.
            RawHttp.Response r = c.read(ANSWER_MS);
            assertThat(r.status()).as(r.bodyText()).isEqualTo(400);
            assertThat(new JsonObject(r.bodyText()).getString("message")).contains("Content-Length", "Transfer-Encoding");
            assertThat(c.closedWithin(ANSWER_MS)).as("connection closed after the 400").isTrue();
        }
    }
}
