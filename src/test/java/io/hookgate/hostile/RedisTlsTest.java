package io.hookgate.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.RedisServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway against a TLS-only Redis ({@code --port 0 --tls-port}) whose certificate comes from a
 * CA made with {@code openssl} for this run: trusting that CA through {@code REDIS_CA_FILE} serves
 * everything; the JVM's trust store, or another CA, does not get a connection at all.
 */
class RedisTlsTest {
    private static final Duration START_BOUND = Duration.ofSeconds(30);

    @TempDir
    static Path certificates;

    private static OpensslCa ca;
    private static OpensslCa otherCa;
    private static RedisServer redis;

    @BeforeAll
    static void start() throws IOException {
        ca = OpensslCa.create(Files.createDirectory(certificates.resolve("ca")));
        otherCa = OpensslCa.create(Files.createDirectory(certificates.resolve("other")));
        redis = RedisServer.start(RedisServer.Options.defaults().withTls(ca.redisTls()));
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void theServerSpeaksOnlyTls() throws IOException {
        assertThat(redis.url()).startsWith("rediss://127.0.0.1:");
        assertThat(redis.command("PING")).isEqualTo("PONG");
        // A plain-text PING on the TLS port gets no RESP answer: the server waits for a handshake
        // or drops the connection.
        assertThat(plainPing(redis.port())).doesNotStartWith("+PONG");
    }

    @Test
    void trustingTheCaServesTheWholePath() {
        try (Gateway gateway = Gateway.start(redis.url(), Map.of(ConfigKey.REDIS_CA_FILE, ca.caFile().toString()))) {
            FullPath.run(gateway);
        }
    }

    @Test
    void withoutCaFileTheGatewayDoesNotStart() {
        Throwable failure = startFailure(Map.of());

        assertThat(failure).as("Gateway.start over TLS without REDIS_CA_FILE").isNotNull();
    }

    @Test
    void withoutCaFileTheJvmTrustStoreIsConsulted() {
        Throwable failure = startFailure(Map.of());

        assertThat(failure).isNotNull();
        assertThat(RedisAuthTest.describeChain(failure)).containsIgnoringCase("certif")
            .doesNotContain("hostname verification algorithm");
    }

    @Test
    void anotherCaDoesNotTrustTheServer() {
        Throwable failure = startFailure(Map.of(ConfigKey.REDIS_CA_FILE, otherCa.caFile().toString()));

        assertThat(failure).as("Gateway.start over TLS trusting another CA").isNotNull();
        assertThat(RedisAuthTest.describeChain(failure)).containsIgnoringCase("certif");
    }

    @Test
    void plainRedisOnTheTlsPortDoesNotStart() {
        Throwable failure = assertTimeoutPreemptively(START_BOUND, () -> catchThrowable(() -> Gateway.start(
            "redis://127.0.0.1:" + redis.port(), Map.of(ConfigKey.REDIS_CA_FILE, ca.caFile().toString())).close()));

        assertThat(failure).as("Gateway.start with redis:// against the TLS port").isNotNull();
    }

    private static Throwable startFailure(Map<ConfigKey, String> overrides) {
        return assertTimeoutPreemptively(START_BOUND,
            () -> catchThrowable(() -> Gateway.start(redis.url(), overrides).close()));
    }

    /** A plain-text inline PING; answers the first line, or what happened instead. */
    private static String plainPing(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(5);
            return new String(head, StandardCharsets.ISO_8859_1);
        } catch (SocketTimeoutException e) {
            return "(no answer)";
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }
}
