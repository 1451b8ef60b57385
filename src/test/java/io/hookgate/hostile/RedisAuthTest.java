package io.hookgate.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import io.hookgate.config.ConfigKey;
import io.hookgate.config.HookgateConfig;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.LogCapture;
import io.hookgate.testsupport.RedisServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway against a Redis that refuses anonymous clients: an ACL user (the default user off)
 * or a plain {@code requirepass}. Right credentials serve everything; wrong ones stop the start-up
 * with a reason that names the refusal and never the password.
 */
class RedisAuthTest {
    private static final String USER = "hook";
    private static final String PASSWORD = "s3cret-pass";
    private static final String WRONG_PASSWORD = "wr0ng-pass-7d1e";
    private static final Duration START_BOUND = Duration.ofSeconds(30);

    private static RedisServer acl;

    @BeforeAll
    static void startRedis() {
        // Redis 7 ACL syntax: the default user disabled, one user with a password and every right.
        acl = RedisServer.start(RedisServer.Options.defaults()
            .withExtraArgs("--user", "default", "off", "--user", USER, "on", ">" + PASSWORD, "~*", "&*", "+@all")
            .withAuth(USER, PASSWORD));
    }

    @AfterAll
    static void stopRedis() {
        if (acl != null) {
            acl.close();
        }
    }

    private static String url(String user, String password, int port) {
        return "redis://" + user + ":" + password + "@127.0.0.1:" + port;
    }

    @Test
    void theServerRefusesAnonymousClients() throws IOException {
        assertThat(inlineCommand(acl.port(), "PING")).startsWith("-NOAUTH");
        assertThat(inlineCommand(acl.port(), "AUTH " + USER + " " + WRONG_PASSWORD)).startsWith("-WRONGPASS");
    }

    @Test
    void anAclUserServesTheWholePath() {
        String projectId;
        try (Gateway gateway = Gateway.start(url(USER, PASSWORD, acl.port()))) {
            projectId = FullPath.run(gateway).header("X-Appwrite-Webhook-Project-Id");
        }
        assertThat(acl.keys("hg:*")).contains("hg:projects", "hg:{p:" + projectId + "}:project");
    }

    @Test
    void aWrongPasswordStopsTheStartWithoutShowingThePassword() {
        Throwable failure;
        String logs;
        try (LogCapture capture = LogCapture.attach(org.slf4j.Logger.ROOT_LOGGER_NAME)
                 .open(Level.DEBUG, "io.hookgate", "io.vertx.redis")) {
            failure = assertTimeoutPreemptively(START_BOUND,
                () -> catchThrowable(() -> Gateway.start(url(USER, WRONG_PASSWORD, acl.port())).close()));
            logs = String.join("\n", capture.records());
        }

        assertThat(failure).as("Gateway.start with a wrong Redis password").isNotNull();
        String chain = describeChain(failure);
        assertThat(chain).containsIgnoringCase("WRONGPASS");
        assertThat(chain).doesNotContain(WRONG_PASSWORD).doesNotContain(PASSWORD);
        assertThat(logs).doesNotContain(WRONG_PASSWORD).doesNotContain(PASSWORD);
    }

    @Test
    void noPasswordAtAllStopsTheStart() {
        Throwable failure = assertTimeoutPreemptively(START_BOUND,
            () -> catchThrowable(() -> Gateway.start("redis://127.0.0.1:" + acl.port()).close()));

        assertThat(failure).isNotNull();
        assertThat(describeChain(failure)).containsIgnoringCase("NOAUTH");
    }

    @Test
    void theLoggedConfigurationMasksThePassword() {
        HookgateConfig config = HookgateConfig.fromValues(values(url(USER, PASSWORD, acl.port())));

        assertThat(config.describe()).contains("redisUrl=redis://" + USER + ":****@127.0.0.1:" + acl.port())
            .doesNotContain(PASSWORD);
        assertThat(config.toString()).doesNotContain(PASSWORD);
        assertThat(config.redis().toString()).doesNotContain(PASSWORD);
    }

    @Test
    void credentialsInTheQueryStringAreAcceptedByTheClient() {
        // The Vert.x client also reads ?user=&password= (RedisURI), so operators may write it this way.
        try (Gateway gateway = Gateway.start(queryUrl())) {
            gateway.admin("GET", "/projects", null).expect(200);
        }
    }

    @Test
    void credentialsInTheQueryStringAreMaskedInTheLoggedConfiguration() {
        HookgateConfig config = HookgateConfig.fromValues(values(queryUrl()));

        assertThat(config.describe()).doesNotContain(PASSWORD);
        assertThat(config.redis().toString()).doesNotContain(PASSWORD);
    }

    private static String queryUrl() {
        return "redis://127.0.0.1:" + acl.port() + "?user=" + USER + "&password=" + PASSWORD;
    }

    @Test
    void aPlainRequirepassServesTheWholePath() {
        String password = "only-a-pass-" + System.nanoTime();
        try (RedisServer redis = RedisServer.start(RedisServer.Options.defaults()
                .withExtraArgs("--requirepass", password).withAuth("default", password))) {
            assertThat(catchThrowable(() -> Gateway.start(redis.url()).close())).isNotNull();
            try (Gateway gateway = Gateway.start("redis://:" + password + "@127.0.0.1:" + redis.port())) {
                FullPath.run(gateway);
            }
        }
    }

    private static Map<ConfigKey, String> values(String redisUrl) {
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        for (ConfigKey k : ConfigKey.values()) {
            values.put(k, k.defaultValue());
        }
        values.put(ConfigKey.REDIS_URL, redisUrl);
        values.put(ConfigKey.ADMIN_KEY, Gateway.ADMIN_KEY);
        return values;
    }

    /** Every message and type of the cause chain (and suppressed exceptions), one per line. */
    static String describeChain(Throwable t) {
        List<String> lines = new ArrayList<>();
        collect(t, lines, 0);
        return String.join("\n", lines);
    }

    private static void collect(Throwable t, List<String> lines, int depth) {
        if (t == null || depth > 20) {
            return;
        }
        lines.add(t.toString());
        for (Throwable s : t.getSuppressed()) {
            collect(s, lines, depth + 1);
        }
        collect(t.getCause(), lines, depth + 1);
    }

    /** One inline command on a fresh plain connection; answers the first reply line. */
    private static String inlineCommand(int port, String command) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b >= 0 && b != '\n' && line.length() < 1000; b = in.read()) {
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }
    }
}
