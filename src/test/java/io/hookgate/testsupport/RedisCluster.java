package io.hookgate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A private three-master Redis Cluster for integration tests: real {@code redis-server} processes,
 * never a mock.
 *
 * <p>Each master is a {@link RedisServer} (its own free loopback port and temporary directory, no
 * persistence unless {@link #start(RedisServer.Options)} asks for it) started with
 * {@code --cluster-enabled yes --cluster-config-file nodes.conf}; the slots are then assigned by
 * {@code redis-cli --cluster create ... --cluster-replicas 0 --cluster-yes} (0-5460, 5461-10922,
 * 10923-16383, in node order). {@link #start()} returns once every node's {@code CLUSTER INFO}
 * reports {@code cluster_state:ok}, all 16384 slots assigned and three known nodes, so a client
 * that connects through any seed sees the final slot map.
 *
 * <p>{@link #close()} kills every node and deletes its directory; a node that start-up left behind
 * is closed too, and {@link RedisServer}'s shutdown hook covers a JVM that ends without closing.
 * The binaries are {@code redis-server} and {@code redis-cli} from the {@code PATH}, or the paths in
 * the system properties {@code hookgate.redis.server} and {@code hookgate.redis.cli}.
 */
public final class RedisCluster implements AutoCloseable {

    /** How long slot assignment and gossip may take before {@link #start()} fails. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private static final int MASTERS = 3;

    private final List<RedisServer> nodes;

    private RedisCluster(List<RedisServer> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /**
     * Starts three cluster-enabled masters without persistence ({@link RedisServer.Options#defaults()}),
     * assigns the slots and waits until the cluster is ok.
     *
     * @return a running cluster
     * @throws IllegalStateException if a node does not start, {@code redis-cli} fails, or the
     *     cluster is not ok within {@link #START_TIMEOUT}
     */
    public static RedisCluster start() {
        return start(RedisServer.Options.defaults());
    }

    /**
     * Starts three cluster-enabled masters with the given persistence and extra arguments (the
     * benchmark persists them as it does its single Redis: {@code appendonly yes}, {@code appendfsync
     * everysec}), assigns the slots and waits until the cluster is ok.
     *
     * @param base options of every node; the cluster arguments are appended to its extra arguments
     * @return a running cluster
     * @throws IllegalStateException if a node does not start, {@code redis-cli} fails, or the
     *     cluster is not ok within {@link #START_TIMEOUT}
     */
    public static RedisCluster start(RedisServer.Options base) {
        List<RedisServer> started = new ArrayList<>();
        try {
            RedisServer.Options options = base
                    .withExtraArgs("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                            "--cluster-node-timeout", "5000");
            for (int i = 0; i < MASTERS; i++) {
                started.add(RedisServer.start(options));
            }
            RedisCluster cluster = new RedisCluster(started);
            cluster.create();
            cluster.awaitOk();
            return cluster;
        } catch (RuntimeException | Error e) {
            for (RedisServer node : started) {
                node.close();
            }
            throw e;
        }
    }

    /**
     * @return the masters, in slot order (the first holds slots 0-5460)
     */
    public List<RedisServer> nodes() {
        return nodes;
    }

    /**
     * @return two seed URLs, {@code redis://127.0.0.1:P1,redis://127.0.0.1:P2}, as
     *     {@code HOOKGATE_REDIS_URL} takes them in cluster mode (the client discovers the third node)
     */
    public String url() {
        return nodes.get(0).url() + "," + nodes.get(1).url();
    }

    /**
     * @param pattern a {@code KEYS} pattern such as {@code hg:*}
     * @return per node ({@code 127.0.0.1:port}, in slot order), the sorted keys it holds
     */
    public Map<String, List<String>> keysPerNode(String pattern) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (RedisServer node : nodes) {
            out.put("127.0.0.1:" + node.port(), node.keys(pattern));
        }
        return out;
    }

    /**
     * @return {@link #keysPerNode(String)} of every key
     */
    public Map<String, List<String>> keysPerNode() {
        return keysPerNode("*");
    }

    /**
     * @param key a key
     * @return the node that serves the key's slot ({@code CLUSTER KEYSLOT}, then the node whose
     *     {@code CLUSTER SLOTS} range holds it)
     */
    public RedisServer nodeOf(String key) {
        long slot = (Long) nodes.get(0).call("CLUSTER", "KEYSLOT", key);
        for (RedisServer node : nodes) {
            Object reply = node.call("CLUSTER", "SLOTS");
            for (Object range : (List<?>) reply) {
                List<?> r = (List<?>) range;
                long from = (Long) r.get(0);
                long to = (Long) r.get(1);
                long port = (Long) ((List<?>) r.get(2)).get(1);
                if (slot >= from && slot <= to && port == node.port()) {
                    return node;
                }
            }
        }
        throw new IllegalStateException("no node serves slot " + slot + " of " + key);
    }

    /** Kills every node and deletes its directory. Safe to call more than once. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (RedisServer node : nodes) {
            try {
                node.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "RedisCluster" + nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.toList());
    }

    private void create() {
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("hookgate.redis.cli", "redis-cli"),
                "--cluster", "create"));
        for (RedisServer node : nodes) {
            cmd.add("127.0.0.1:" + node.port());
        }
        cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Path out = nodes.get(0).dataDir().resolve("cluster-create.log");
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd.get(0) + " (is redis-cli on the PATH?)", e);
        }
        try {
            if (!p.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException("redis-cli --cluster create did not finish within "
                        + START_TIMEOUT.toSeconds() + " s:\n" + read(out));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the cluster", e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("redis-cli --cluster create exited with " + p.exitValue() + ":\n" + read(out));
        }
    }

    private void awaitOk() {
        Await.until("cluster_state:ok on every node of " + this, START_TIMEOUT, () -> {
            for (RedisServer node : nodes) {
                String info = String.valueOf(node.call("CLUSTER", "INFO"));
                if (!info.contains("cluster_state:ok") || !info.contains("cluster_slots_assigned:16384")
                        || !info.contains("cluster_known_nodes:" + MASTERS)) {
                    return false;
                }
            }
            return true;
        });
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
