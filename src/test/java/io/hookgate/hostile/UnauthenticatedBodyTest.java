package io.hookgate.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.api.FrontDoor;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16, finding 2: bodies were read, up to {@code maxRequestBytes} (16 MB), before the caller was
 * known; forty unauthenticated connections that announced 16 MB and held back the last byte took a
 * replica from 220 MB to 1.46 GB. Now the key is checked from the headers first: such a request is
 * answered before its body is sent, its connection closes, and none of its bytes is held. The gateway
 * runs with the default limits, as the attacker found it.
 */
class UnauthenticatedBodyTest {
    private static final int ANNOUNCED = 16 * 1024 * 1024;
    private static final int ANSWER_MS = 5_000;
    private static final int CLOSE_MS = 10_000;

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create();

    private static Gateway.ProjectClient project;
    private static int port;

    @BeforeAll
    static void start() {
        project = env.gateway().project(FullPath.fresh("unauth"));
        port = URI.create(env.gateway().endpoint()).getPort();
    }

    private static FrontDoor door() {
        return env.gateway().hookgate().frontDoor();
    }

    /** A kept-alive {@code POST /v1/events} announcing 16 MB, with a key that is not the project's. */
    private static String head() {
        return "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
            + "X-Appwrite-Project: " + project.projectId() + "\r\nX-Appwrite-Key: " + project.key() + "-guess\r\n"
            + "Content-Length: " + ANNOUNCED + "\r\n\r\n";
    }

    @Test
    void aSlowUnauthenticatedBodyIsAnswered401BeforeItIsSentAndItsConnectionCloses() throws Exception {
        try (RawHttp.Connection c = RawHttp.Connection.open("127.0.0.1", port)) {
            c.write(head() + "{\"event\":\"users.u1.create\",\"payload\":{\"pad\":\"" + "x".repeat(1000));

            // Before: no answer, the gateway waited for the other 16 MB.
            RawHttp.Response r = c.read(ANSWER_MS);
            assertThat(r.status()).as(r.bodyText()).isEqualTo(401);
            assertThat(new JsonObject(r.bodyText()).getString("type")).isEqualTo("user_unauthorized");
            assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(c.closedWithin(CLOSE_MS)).as("connection closed after the 401").isTrue();
        }
    }

    @Test
    void sixtyUnauthenticatedBodiesAreRefusedWithoutHoldingTheirBytes() throws Exception {
        long peakBefore = door().bodyBytesPeak();
        long heapBefore = usedHeapAfterGc();
        List<RawHttp.Connection> connections = new ArrayList<>();
        long heapWhileOpen;
        try {
            for (int i = 0; i < 60; i++) {
                // Another client address than the other tests', so that none of them is throttled by these.
                RawHttp.Connection c = RawHttp.Connection.open("127.0.0.3", port);
                connections.add(c);
                c.write(head());
                // A megabyte each, of the 16 announced: held, these would be 60 MB at least.
                c.write(new byte[1 << 20]);
            }
            for (RawHttp.Connection c : connections) {
                RawHttp.Response r = c.read(ANSWER_MS);
                // 401, or 429 once the address has guessed too often: both before the body is read.
                assertThat(r.status()).as(r.bodyText()).isIn(401, 429);
            }
            heapWhileOpen = usedHeapAfterGc();
            for (RawHttp.Connection c : connections) {
                assertThat(c.closedWithin(CLOSE_MS)).as("connection closed after the refusal").isTrue();
            }
        } finally {
            connections.forEach(RawHttp.Connection::close);
        }

        assertThat(door().bodyBytesPeak()).as("most body bytes held at once").isEqualTo(peakBefore);
        assertThat(door().bodyBytes()).isZero();
        assertThat(heapWhileOpen - heapBefore).as("heap growth while the 60 connections were open")
            .isLessThan(32L << 20);
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
