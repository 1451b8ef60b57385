package io.hookgate.redis.scripts;

import io.hookgate.redis.RedisKeys;
import io.hookgate.testsupport.RedisServer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A subscriber of the change channel ({@link RedisKeys#CHANGES}) on a plain socket. {@link #published()}
 * answers exactly what was published since the last call: it publishes a marker of its own and reads up
 * to it (Redis delivers a channel's messages in the order they were published), so "nothing was
 * published" is asserted without waiting for a time.
 */
final class Changes implements AutoCloseable {
    private final RedisServer redis;
    private final Socket socket;
    private final InputStream in;

    private Changes(RedisServer redis) throws IOException {
        this.redis = redis;
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", redis.port()), 10_000);
        socket.setSoTimeout(10_000);
        in = new BufferedInputStream(socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        out.write(("*2\r\n$9\r\nSUBSCRIBE\r\n$" + RedisKeys.CHANGES.length() + "\r\n" + RedisKeys.CHANGES + "\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // ["subscribe", channel, 1]: subscribed before any script runs.
        read();
    }

    static Changes subscribe(RedisServer redis) {
        try {
            return new Changes(redis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The messages published on the channel since subscribing or the last call, in order. */
    List<String> published() {
        String marker = "marker " + UUID.randomUUID();
        redis.command("PUBLISH", RedisKeys.CHANGES, marker);
        List<String> out = new ArrayList<>();
        try {
            while (true) {
                List<?> message = (List<?>) read();
                String text = (String) message.get(2);
                if (text.equals(marker)) {
                    return out;
                }
                out.add(text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private Object read() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("subscription closed");
        }
        String line = line();
        switch (type) {
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                byte[] data = in.readNBytes(length + 2);
                return new String(data, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    items.add(read());
                }
                return items;
            }
            default:
                throw new IOException("unexpected reply on the subscription: " + (char) type + line);
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new EOFException("subscription closed");
            }
            b.write(c);
        }
        in.read();
        return b.toString(StandardCharsets.UTF_8);
    }
}
