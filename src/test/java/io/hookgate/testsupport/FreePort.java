package io.hookgate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Finds a TCP port on the loopback interface that is free at the time of the call.
 *
 * <p>The port is released before it is returned, so another process could in principle take it
 * before the caller binds it. Callers that start a child process on the port (see
 * {@link RedisServer}) retry with a new port when the bind fails. Servers that can bind port 0
 * themselves (such as {@link Receiver}) should do that instead.
 */
public final class FreePort {

    private FreePort() {
    }

    /**
     * Returns a port that was free on 127.0.0.1 a moment ago.
     *
     * @return a port number between 1 and 65535
     */
    public static int find() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
