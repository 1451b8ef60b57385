package io.hookgate.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP relay from a free loopback port to a target port, for network links a test can cut: put it in
 * front of a Redis master, name it to the replica ({@code --replicaof 127.0.0.1 <proxy port>}) and to
 * the sentinels, and {@link #cutClientsThatSent cut} the replication link alone
 * ({@code cutClientsThatSent("PSYNC")}): the replica falls behind while the master goes on serving
 * everyone else. (A replica that replicates through a proxy nobody else uses would not stay cut off:
 * the sentinels see it replicate another address than the master's and point it back at the master.)
 *
 * <p>A cut connection drops every byte from then on, both ways, and stays open: neither side notices
 * before its own timeouts, the sender's writes succeed, and what it sends is gone for good, as on a
 * network that loses everything. (Freezing the replica instead would not do: the kernel keeps buffering
 * what the master sends, megabytes on loopback, and hands it over once the replica runs again, even
 * after the master died.)
 */
public final class TcpProxy implements AutoCloseable {
    private static final int BUFFER = 16 * 1024;
    /** How much of what a client sends first is searched for the marker. */
    private static final int SNIFFED = 4 * 1024;

    private final ServerSocket server;
    private final int targetPort;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tcp-proxy");
        t.setDaemon(true);
        return t;
    });
    private volatile String cutMarker;
    private volatile boolean closed;

    /** One client connection and its connection to the target. */
    private final class Link {
        final Socket client;
        final Socket target;
        /** The start of what the client sent, to find the marker in. */
        final StringBuilder sent = new StringBuilder();
        volatile boolean cut;

        Link(Socket client, Socket target) {
            this.client = client;
            this.target = target;
        }

        synchronized void clientSent(byte[] buffer, int n) {
            if (sent.length() < SNIFFED) {
                sent.append(new String(buffer, 0, Math.min(n, SNIFFED - sent.length()), StandardCharsets.ISO_8859_1));
                checkMarker();
            }
        }

        synchronized void checkMarker() {
            String marker = cutMarker;
            if (marker != null && sent.indexOf(marker) >= 0) {
                cut = true;
            }
        }

        void close() {
            closeQuietly(client);
            closeQuietly(target);
            links.remove(this);
        }
    }

    private TcpProxy(ServerSocket server, int targetPort) {
        this.server = server;
        this.targetPort = targetPort;
    }

    /** A relay on a free loopback port to {@code 127.0.0.1:targetPort}, accepting at once. */
    public static TcpProxy start(int targetPort) {
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            TcpProxy proxy = new TcpProxy(server, targetPort);
            proxy.threads.execute(proxy::acceptLoop);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a proxy port", e);
        }
    }

    /** The port to connect to instead of the target's. */
    public int port() {
        return server.getLocalPort();
    }

    /**
     * Cuts every connection, open or to come, whose client has sent {@code marker} (in its first 4 KB):
     * from now on their bytes are dropped, both ways. The other connections go on as before.
     */
    public void cutClientsThatSent(String marker) {
        cutMarker = marker;
        links.forEach(Link::checkMarker);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            Socket target = new Socket();
            try {
                target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2_000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(target);
                continue;
            }
            Link link = new Link(client, target);
            links.add(link);
            threads.execute(() -> pump(link, true));
            threads.execute(() -> pump(link, false));
        }
    }

    /** Copies one direction of a link until either side closes, dropping the bytes once it is cut. */
    private void pump(Link link, boolean fromClient) {
        byte[] buffer = new byte[BUFFER];
        try {
            InputStream in = (fromClient ? link.client : link.target).getInputStream();
            OutputStream out = (fromClient ? link.target : link.client).getOutputStream();
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (fromClient) {
                    link.clientSent(buffer, n);
                }
                if (!link.cut) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // One side is gone: close both below.
        } finally {
            link.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        links.forEach(Link::close);
        threads.shutdownNow();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // Best effort: the peer may be gone already.
        }
    }
}
