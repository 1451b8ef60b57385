package io.hookgate.testsupport;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A private {@code redis-server} child process for integration tests: real Redis, never a mock.
 *
 * <p>Each instance owns a free loopback port and a fresh temporary data directory. The server is
 * started with {@code --bind 127.0.0.1 --save "" --daemonize no}, logs to {@code redis.log} in its
 * data directory (standard output goes to {@code stdout.log} there) and is only handed out once it
 * answers {@code PING} with {@code PONG} and reports the pid of the child this class started (so a
 * foreign server that grabbed the port cannot be mistaken for ours).
 *
 * <p>Persistence is off by default ({@link Options#defaults()}); use {@link Options#durable()}
 * ({@code appendonly yes}, {@code appendfsync always}) when a test kills or restarts the server
 * and expects its data back. {@link #restart()} reuses the same port and data directory, so the
 * append-only file is replayed; {@link #restartEmpty()} wipes the data first.
 *
 * <p>{@link #command(String...)} and {@link #call(String...)} are a tiny synchronous RESP2 client
 * over a plain socket (one connection per call, 10 s read timeout) for assertions such as
 * {@code DBSIZE}, {@code HGET}, {@code XLEN} or {@code KEYS}; they need no Vert.x.
 *
 * <p>{@link Options#withAuth(String, String)} makes this class's own client authenticate (for a
 * server started with ACL users or {@code requirepass} through {@link Options#withExtraArgs});
 * {@link Options#withTls(Tls)} serves TLS only on the port, and the client verifies the server
 * against the given CA.
 *
 * <p>Processes never outlive the JVM: a shutdown hook SIGKILLs every server that was started and
 * not yet closed. {@link #close()} kills the server and deletes its data directory.
 *
 * <p>The binary is {@code redis-server} from the {@code PATH}, or the path in the system
 * property {@code hookgate.redis.server}.
 */
public final class RedisServer implements AutoCloseable {

    /** How long start-up (including AOF replay) may take before {@link #start()} fails. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int SOCKET_TIMEOUT_MILLIS = 10_000;
    private static final int START_ATTEMPTS = 5;
    private static final String LOG_FILE = "redis.log";
    private static final String STDOUT_FILE = "stdout.log";

    private static final Set<RedisServer> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (RedisServer server : LIVE) {
                server.destroyQuietly();
            }
        }, "redis-server-reaper"));
    }

    /**
     * Start-up options.
     *
     * @param appendOnly {@code appendonly yes|no}
     * @param appendFsync {@code appendfsync always|everysec|no} (only meaningful with append-only)
     * @param extraArgs further {@code redis-server} arguments, e.g. {@code "--maxmemory", "10mb"}
     * @param auth credentials this class's own client sends ({@code AUTH}) before every command,
     *     or null; the server side (ACL users, {@code requirepass}) is set up through {@code extraArgs}
     * @param tls serve TLS only (the plain port is off) with these files, or null
     */
    public record Options(boolean appendOnly, String appendFsync, List<String> extraArgs, Auth auth, Tls tls) {

        /** Validates the fsync policy and copies the argument list. */
        public Options {
            if (!List.of("always", "everysec", "no").contains(appendFsync)) {
                throw new IllegalArgumentException("appendfsync must be always, everysec or no: " + appendFsync);
            }
            extraArgs = List.copyOf(extraArgs);
        }

        /**
         * Plain TCP, no credentials.
         *
         * @param appendOnly {@code appendonly yes|no}
         * @param appendFsync {@code appendfsync always|everysec|no}
         * @param extraArgs further {@code redis-server} arguments
         */
        public Options(boolean appendOnly, String appendFsync, List<String> extraArgs) {
            this(appendOnly, appendFsync, extraArgs, null, null);
        }

        /**
         * No persistence at all: fastest, data is lost on any restart.
         *
         * @return appendonly no, appendfsync everysec, no extra arguments
         */
        public static Options defaults() {
            return new Options(false, "everysec", List.of());
        }

        /**
         * Append-only file fsynced on every write: every acknowledged write survives SIGKILL.
         *
         * @return appendonly yes, appendfsync always, no extra arguments
         */
        public static Options durable() {
            return new Options(true, "always", List.of());
        }

        /**
         * @param on whether the append-only file is enabled
         * @return a copy with {@code appendonly} changed
         */
        public Options withAppendOnly(boolean on) {
            return new Options(on, appendFsync, extraArgs, auth, tls);
        }

        /**
         * @param policy {@code always}, {@code everysec} or {@code no}
         * @return a copy with {@code appendfsync} changed
         */
        public Options withAppendFsync(String policy) {
            return new Options(appendOnly, policy, extraArgs, auth, tls);
        }

        /**
         * @param args arguments appended after the ones already present
         * @return a copy with more {@code redis-server} arguments
         */
        public Options withExtraArgs(String... args) {
            List<String> all = new ArrayList<>(extraArgs);
            all.addAll(Arrays.asList(args));
            return new Options(appendOnly, appendFsync, all, auth, tls);
        }

        /**
         * @param user the ACL user name ({@code default} for a plain {@code requirepass})
         * @param password its password
         * @return a copy whose readiness check and {@link #command(String...)} authenticate first
         */
        public Options withAuth(String user, String password) {
            return new Options(appendOnly, appendFsync, extraArgs, new Auth(user, password), tls);
        }

        /**
         * @param files the server certificate, its key and the CA that signed it (PEM)
         * @return a copy that serves TLS on {@link #port()} and no plain port ({@code --port 0
         *     --tls-port}), without client certificates; this class's own client verifies the
         *     server against the CA
         */
        public Options withTls(Tls files) {
            return new Options(appendOnly, appendFsync, extraArgs, auth, files);
        }
    }

    /**
     * Credentials of this class's own client.
     *
     * @param user the ACL user name
     * @param password its password
     */
    public record Auth(String user, String password) {
        @Override
        public String toString() {
            return "Auth[user=" + user + ", password=****]";
        }
    }

    /**
     * PEM files of a TLS-only server.
     *
     * @param certFile the server certificate ({@code --tls-cert-file})
     * @param keyFile its private key ({@code --tls-key-file})
     * @param caFile the CA certificate ({@code --tls-ca-cert-file}), also trusted by this class's client
     */
    public record Tls(Path certFile, Path keyFile, Path caFile) {
    }

    /**
     * An error reply ({@code -ERR ...}) as returned by {@link #call(String...)}.
     *
     * @param message the error text without the leading dash
     */
    public record ErrorReply(String message) {
    }

    private final Options options;
    private final Path dataDir;
    private volatile int port;
    private volatile List<String> relaunchArgs = List.of();
    private volatile Process process;
    private volatile boolean closed;

    private RedisServer(Options options, Path dataDir) {
        this.options = options;
        this.dataDir = dataDir;
    }

    /**
     * Starts a server with {@link Options#defaults()} (no persistence).
     *
     * @return a running server that answers PING
     */
    public static RedisServer start() {
        return start(Options.defaults());
    }

    /**
     * Starts a server with the given options on a free loopback port, retrying with another port
     * if the chosen one was taken in the meantime.
     *
     * @param options persistence settings and extra arguments
     * @return a running server that answers PING
     * @throws IllegalStateException if the server does not come up within {@link #START_TIMEOUT}
     */
    public static RedisServer start(Options options) {
        Path dir;
        try {
            dir = Files.createTempDirectory("hookgate-redis-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a Redis data directory", e);
        }
        RedisServer server = new RedisServer(options, dir);
        LIVE.add(server);
        try {
            for (int attempt = 1; ; attempt++) {
                server.port = FreePort.find();
                try {
                    server.launch();
                    return server;
                } catch (PortInUseException e) {
                    if (attempt >= START_ATTEMPTS) {
                        throw new IllegalStateException("no usable port after " + attempt + " attempts", e);
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    /**
     * Starts a Redis Sentinel ({@code redis-server --sentinel}) that monitors {@code master} under
     * {@code masterName}, with a quorum of 1 (it is the only sentinel), so it fails over on its own.
     *
     * @param masterName the name clients ask for
     * @param master the server to monitor (its replicas are found through it)
     * @param downAfter how long the master must not answer before it is taken as down
     * @return a running sentinel that answers PING
     */
    public static RedisServer startSentinel(String masterName, RedisServer master, Duration downAfter) {
        return startSentinel(masterName, master, 1, downAfter);
    }

    /**
     * Starts one Redis Sentinel of a group that monitors {@code master} under {@code masterName}: the
     * master is taken as down (and failed over) once {@code quorum} sentinels agree. The sentinels
     * of a group find each other, and the master's replicas, through the master; wait until each
     * knows the others ({@code SENTINEL SENTINELS}) before relying on the quorum.
     *
     * @param masterName the name clients ask for
     * @param master the server to monitor
     * @param quorum how many sentinels must take the master as down
     * @param downAfter how long the master must not answer before a sentinel takes it as down
     * @return a running sentinel that answers PING
     */
    public static RedisServer startSentinel(String masterName, RedisServer master, int quorum, Duration downAfter) {
        return startSentinel(masterName, master.port(), quorum, downAfter, Duration.ofSeconds(10));
    }

    /**
     * As {@link #startSentinel(String, RedisServer, int, Duration)}, for a master at
     * {@code 127.0.0.1:masterPort} (e.g. behind a {@link TcpProxy}), with Sentinel's
     * {@code failover-timeout}: among others, a failover whose election found no leader (the
     * sentinels' votes split) is tried again after twice this.
     *
     * @param masterPort the port the sentinels, and through them the clients, reach the master on
     * @param failoverTimeout Sentinel's {@code failover-timeout}
     * @return a running sentinel that answers PING
     */
    public static RedisServer startSentinel(String masterName, int masterPort, int quorum, Duration downAfter,
                                            Duration failoverTimeout) {
        return start(Options.defaults().withExtraArgs("--sentinel",
            "--sentinel", "monitor", masterName, "127.0.0.1", Integer.toString(masterPort), Integer.toString(quorum),
            "--sentinel", "down-after-milliseconds", masterName, Long.toString(downAfter.toMillis()),
            "--sentinel", "failover-timeout", masterName, Long.toString(failoverTimeout.toMillis())));
    }

    /**
     * @return the TCP port on 127.0.0.1; stays the same across restarts
     */
    public int port() {
        return port;
    }

    /**
     * @return {@code redis://127.0.0.1:<port>} ({@code rediss://} with TLS), as accepted by the
     *     Vert.x Redis client; never with credentials
     */
    public String url() {
        return (options.tls() == null ? "redis" : "rediss") + "://127.0.0.1:" + port;
    }

    /**
     * @return the data directory holding the AOF, {@code redis.log} and {@code stdout.log}
     */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * @return the options this server was started with
     */
    public Options options() {
        return options;
    }

    /**
     * @return whether the child process is alive
     */
    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /**
     * @return the pid of the current child process
     * @throws IllegalStateException if the server is not running
     */
    public long pid() {
        Process p = process;
        if (p == null) {
            throw new IllegalStateException("redis-server is not running");
        }
        return p.pid();
    }

    /**
     * Kills the server with SIGKILL (no shutdown, no final fsync) and waits until it has exited
     * and its port is closed. Does nothing if it is not running.
     */
    public synchronized void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        waitForExit(p, STOP_TIMEOUT);
        process = null;
    }

    /**
     * Freezes the server (SIGSTOP): it keeps its sockets but reads and answers nothing, as a server
     * that hangs; a replica frozen so stops acknowledging its master's writes. {@link #resume()} (or
     * {@link #kill()}, {@link #close()}) ends it.
     */
    public void pause() {
        signal("STOP");
    }

    /** Lets a {@link #pause() frozen} server go on (SIGCONT). */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).redirectErrorStream(true).start();
            if (!kill.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + pid() + " failed: "
                    + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling redis-server", e);
        }
    }

    /**
     * Stops the server gracefully with {@code SHUTDOWN NOSAVE} (the AOF, if enabled, is flushed),
     * falling back to SIGTERM and then SIGKILL, and waits for the exit. Does nothing if it is not
     * running.
     */
    public synchronized void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        if (p.isAlive()) {
            try {
                // A successful SHUTDOWN closes the connection without a reply.
                exchange(List.of("SHUTDOWN", "NOSAVE"));
            } catch (IOException | RuntimeException expected) {
                // Reply-less close or the server is already gone: wait below either way.
            }
            if (!exited(p, STOP_TIMEOUT)) {
                p.destroy();
                if (!exited(p, STOP_TIMEOUT)) {
                    p.destroyForcibly();
                }
            }
        }
        waitForExit(p, STOP_TIMEOUT);
        process = null;
    }

    /**
     * Restarts on the same port with the same data directory: with append-only enabled the data
     * comes back. A running server is stopped gracefully first; call {@link #kill()} before to
     * simulate a crash instead.
     *
     * @throws IllegalStateException if the port was taken meanwhile or start-up fails
     */
    public synchronized void restart() {
        checkNotClosed();
        stop();
        launchOnSamePort();
    }

    /**
     * As {@link #restart()}, with {@code args} after the options' arguments from now on: e.g.
     * {@code "--replicaof", "127.0.0.1", port} brings a dead master back as the replica of the one that
     * took its place, as a supervisor that asks the sentinels for the current master does.
     *
     * @param args further {@code redis-server} arguments
     */
    public synchronized void restartWith(String... args) {
        checkNotClosed();
        stop();
        relaunchArgs = List.of(args);
        launchOnSamePort();
    }

    /**
     * Restarts on the same port with all data removed (the server is killed, then the data
     * directory is emptied except for the log files).
     *
     * @throws IllegalStateException if the port was taken meanwhile or start-up fails
     */
    public synchronized void restartEmpty() {
        checkNotClosed();
        kill();
        try (Stream<Path> entries = Files.list(dataDir)) {
            for (Path entry : entries.collect(Collectors.toList())) {
                String name = entry.getFileName().toString();
                if (!name.equals(LOG_FILE) && !name.equals(STDOUT_FILE)) {
                    deleteRecursively(entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot wipe " + dataDir, e);
        }
        launchOnSamePort();
    }

    /**
     * Sends one command and renders the reply readably: simple and bulk strings as their text,
     * integers as decimal digits, a null reply as {@code (nil)}, arrays as {@code [a, b, c]}
     * (nested arrays likewise), errors as {@code (error) <message>}.
     *
     * <p>Examples: {@code command("SET", "k", "v")} gives {@code OK}, {@code command("DBSIZE")}
     * gives {@code 1}, {@code command("GET", "missing")} gives {@code (nil)}.
     *
     * @param args the command and its arguments, sent as UTF-8 bulk strings
     * @return the rendered reply
     * @throws UncheckedIOException if the server cannot be reached
     */
    public String command(String... args) {
        return render(call(args));
    }

    /**
     * Sends one command and returns the parsed reply: {@link String} for simple and bulk strings
     * (UTF-8), {@link Long} for integers, {@code null} for null replies, {@link List} for arrays
     * and {@link ErrorReply} for errors.
     *
     * @param args the command and its arguments
     * @return the parsed reply
     * @throws UncheckedIOException if the server cannot be reached
     */
    public Object call(String... args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("no command");
        }
        try {
            return exchange(Arrays.asList(args));
        } catch (IOException e) {
            throw new UncheckedIOException("redis " + args[0] + " on 127.0.0.1:" + port + " failed", e);
        }
    }

    /**
     * Sends commands one after the other on one connection, each once the previous one answered, and
     * returns their parsed replies (as {@link #call(String...)}): for commands that act on what their
     * connection did before, such as {@code WAIT} after a write.
     *
     * @param commands each a command and its arguments
     * @return the parsed replies, in order
     * @throws UncheckedIOException if the server cannot be reached
     */
    public List<Object> callOnOneConnection(List<List<String>> commands) {
        if (commands.isEmpty() || commands.stream().anyMatch(List::isEmpty)) {
            throw new IllegalArgumentException("no command");
        }
        try {
            return exchangeAll(commands);
        } catch (IOException e) {
            throw new UncheckedIOException("redis " + commands.get(0).get(0) + "... on 127.0.0.1:" + port + " failed", e);
        }
    }

    /**
     * Convenience for {@code KEYS pattern} with the result sorted (Redis returns keys unordered).
     *
     * @param pattern a glob-style pattern such as {@code hookgate:*}
     * @return the matching keys in natural order
     */
    public List<String> keys(String pattern) {
        Object reply = call("KEYS", pattern);
        if (!(reply instanceof List<?> list)) {
            throw new IllegalStateException("unexpected KEYS reply: " + render(reply));
        }
        return list.stream().map(String::valueOf).sorted().collect(Collectors.toList());
    }

    /**
     * @param lines how many lines at most
     * @return the last lines of {@code stdout.log} and {@code redis.log}, for failure messages
     */
    public String logTail(int lines) {
        return tail(dataDir.resolve(STDOUT_FILE), lines) + tail(dataDir.resolve(LOG_FILE), lines);
    }

    /**
     * Kills the server (SIGKILL) and deletes its data directory. Safe to call more than once.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            kill();
        } finally {
            deleteRecursively(dataDir);
            LIVE.remove(this);
        }
    }

    @Override
    public String toString() {
        return "RedisServer[127.0.0.1:" + port + ", " + (isRunning() ? "running" : "stopped") + ", dir=" + dataDir + "]";
    }

    private void launchOnSamePort() {
        try {
            launch();
        } catch (PortInUseException e) {
            throw new IllegalStateException("port " + port + " was taken while redis-server was down", e);
        }
    }

    private void launch() {
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("hookgate.redis.server", "redis-server")));
        if (options.extraArgs().contains("--sentinel")) {
            // Sentinel mode needs a config file it can rewrite; its directives come as arguments.
            Path conf = dataDir.resolve("sentinel.conf");
            try {
                if (!Files.exists(conf)) {
                    Files.createFile(conf);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + conf, e);
            }
            cmd.add(conf.toString());
        }
        Tls tls = options.tls();
        if (tls == null) {
            cmd.addAll(List.of("--port", Integer.toString(port)));
        } else {
            cmd.addAll(List.of("--port", "0", "--tls-port", Integer.toString(port),
                    "--tls-cert-file", tls.certFile().toString(),
                    "--tls-key-file", tls.keyFile().toString(),
                    "--tls-ca-cert-file", tls.caFile().toString(),
                    "--tls-auth-clients", "no"));
        }
        cmd.addAll(List.of(
                "--bind", "127.0.0.1",
                "--save", "",
                "--daemonize", "no",
                "--dir", dataDir.toString(),
                "--logfile", dataDir.resolve(LOG_FILE).toString(),
                "--appendonly", options.appendOnly() ? "yes" : "no",
                "--appendfsync", options.appendFsync()));
        cmd.addAll(options.extraArgs());
        cmd.addAll(relaunchArgs);
        Process p;
        try {
            p = new ProcessBuilder(cmd)
                    .directory(dataDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve(STDOUT_FILE).toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd.get(0) + " (is redis-server on the PATH?)", e);
        }
        process = p;
        try {
            awaitReady(p);
        } catch (RuntimeException e) {
            p.destroyForcibly();
            waitForExit(p, STOP_TIMEOUT);
            process = null;
            throw e;
        }
    }

    /** Polls until this child answers PONG and reports its own pid, or fails fast if it exits. */
    private void awaitReady(Process p) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() - deadline < 0) {
            if (!p.isAlive()) {
                String log = logTail(20);
                if (log.contains("Address already in use")) {
                    throw new PortInUseException(port);
                }
                throw new IllegalStateException("redis-server exited with " + p.exitValue()
                        + " during start-up on port " + port + ":\n" + log);
            }
            try {
                if ("PONG".equals(exchange(List.of("PING")))
                        && serverPid() == p.pid()) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting redis-server", e);
            }
        }
        throw new IllegalStateException("redis-server on port " + port + " did not answer PING within "
                + START_TIMEOUT.toSeconds() + " s (last: " + last + "):\n" + logTail(20));
    }

    private long serverPid() throws IOException {
        Object info = exchange(List.of("INFO", "server"));
        if (info instanceof String text) {
            for (String line : text.split("\r?\n")) {
                if (line.startsWith("process_id:")) {
                    return Long.parseLong(line.substring("process_id:".length()).trim());
                }
            }
        }
        return -1;
    }

    /**
     * Opens a connection (TLS verified against the CA when the server is TLS-only), authenticates
     * when {@link Options#auth()} is set, sends one RESP2 array of bulk strings and reads one reply.
     */
    private Object exchange(List<String> args) throws IOException {
        return exchangeAll(List.of(args)).get(0);
    }

    /** As {@link #exchange}, with several commands one after the other on the one connection. */
    private List<Object> exchangeAll(List<List<String>> commands) throws IOException {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", port), SOCKET_TIMEOUT_MILLIS);
            plain.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
            Socket socket = plain;
            if (options.tls() != null) {
                SSLSocket ssl = (SSLSocket) sslContext(options.tls().caFile()).getSocketFactory()
                        .createSocket(plain, "127.0.0.1", port, true);
                SSLParameters parameters = ssl.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(parameters);
                ssl.startHandshake();
                socket = ssl;
            }
            try {
                OutputStream out = new BufferedOutputStream(socket.getOutputStream());
                InputStream in = new BufferedInputStream(socket.getInputStream());
                Auth auth = options.auth();
                if (auth != null) {
                    writeCommand(out, List.of("AUTH", auth.user(), auth.password()));
                    Object reply = readReply(in);
                    if (reply instanceof ErrorReply error) {
                        throw new IOException("AUTH as " + auth.user() + " refused: " + error.message());
                    }
                }
                List<Object> replies = new ArrayList<>(commands.size());
                for (List<String> args : commands) {
                    writeCommand(out, args);
                    replies.add(readReply(in));
                }
                return replies;
            } finally {
                if (socket != plain) {
                    socket.close();
                }
            }
        }
    }

    private static void writeCommand(OutputStream out, List<String> args) throws IOException {
        out.write(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            out.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write('\r');
            out.write('\n');
        }
        out.flush();
    }

    /** A TLS context that trusts exactly the certificates in {@code caFile}. */
    private static SSLContext sslContext(Path caFile) throws IOException {
        try (InputStream pem = Files.newInputStream(caFile)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(pem)) {
                trust.setCertificateEntry("ca" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust " + caFile + ": " + e, e);
        }
    }

    private static Object readReply(InputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("connection closed before a reply");
        }
        String line = readLine(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                return new ErrorReply(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] data = in.readNBytes(length + 2);
                if (data.length != length + 2) {
                    throw new EOFException("truncated bulk string");
                }
                return new String(data, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(readReply(in));
                }
                return Collections.unmodifiableList(items);
            }
            default:
                throw new IOException("unsupported RESP type '" + (char) type + "': " + line);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed inside a reply");
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = buffer.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            buffer.write(b);
            previous = b;
        }
    }

    private static String render(Object reply) {
        if (reply == null) {
            return "(nil)";
        }
        if (reply instanceof ErrorReply error) {
            return "(error) " + error.message();
        }
        if (reply instanceof List<?> list) {
            return list.stream().map(RedisServer::render).collect(Collectors.joining(", ", "[", "]"));
        }
        return reply.toString();
    }

    private void checkNotClosed() {
        if (closed) {
            throw new IllegalStateException("RedisServer is closed");
        }
    }

    private void destroyQuietly() {
        Process p = process;
        if (p != null) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            exited(p, Duration.ofSeconds(2));
        }
        deleteRecursively(dataDir);
    }

    private static boolean exited(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    private static void waitForExit(Process p, Duration timeout) {
        if (!exited(p, timeout)) {
            throw new IllegalStateException("redis-server pid " + p.pid() + " did not exit within " + timeout);
        }
    }

    private static String tail(Path file, int lines) {
        if (!Files.isRegularFile(file)) {
            return "";
        }
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return all.subList(Math.max(0, all.size() - lines), all.size()).stream()
                    .map(line -> line + "\n").collect(Collectors.joining());
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")\n";
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            // Best effort: a leftover temp directory is harmless, a failing close() is not.
        }
    }

    /** The chosen port was taken between {@link FreePort#find()} and the bind. */
    private static final class PortInUseException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortInUseException(int port) {
            super("port " + port + " already in use");
        }
    }
}
