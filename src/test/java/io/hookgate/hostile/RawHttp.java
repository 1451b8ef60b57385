package io.hookgate.hostile;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 client over a plain socket that sends exactly the bytes it is given (any request
 * line, headers, framing and body) to 127.0.0.1 and reads one final answer (interim 1xx answers are
 * skipped), bounded by a deadline. One connection per request.
 */
final class RawHttp {
    private static final int MAX_HEAD = 64 * 1024;
    private static final int MAX_BODY = 4 * 1024 * 1024;

    private RawHttp() {
    }

    /** One answer. Header names lower-cased. */
    record Response(String statusLine, int status, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** What happened to one exchange: an answer, or no answer and why. */
    record Outcome(Response response, String failure, boolean writeFailed) {
    }

    /**
     * Sends {@code request} and reads the answer. {@code head}: the answer has no body whatever its
     * headers say. Never throws for network trouble: a missing answer is an {@link Outcome} with a
     * failure text ("timeout" when the deadline passed).
     */
    static Outcome exchange(int port, byte[] request, boolean head, int timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            boolean writeFailed = false;
            try {
                OutputStream out = socket.getOutputStream();
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // The server may answer (e.g. 413) and close before the whole body is written.
                writeFailed = true;
            }
            InputStream in = socket.getInputStream();
            try {
                while (true) {
                    Response r = readResponse(in, head, socket, deadline);
                    if (r.status() >= 100 && r.status() < 200 && r.status() != 101) {
                        continue;
                    }
                    return new Outcome(r, null, writeFailed);
                }
            } catch (SocketTimeoutException e) {
                return new Outcome(null, "timeout: no complete answer within " + timeoutMillis + " ms", writeFailed);
            } catch (IOException e) {
                return new Outcome(null, "no answer: " + e, writeFailed);
            }
        } catch (IOException e) {
            return new Outcome(null, "connect failed: " + e, false);
        }
    }

    /**
     * One connection the test writes to piece by piece (a slow or half-sent request), from a chosen
     * loopback address ({@code 127.0.0.2} and up are loopback too on Linux: another client address
     * for the gateway's per-address limits).
     */
    static final class Connection implements AutoCloseable {
        private final Socket socket;

        private Connection(Socket socket) {
            this.socket = socket;
        }

        static Connection open(String from, int port) throws IOException {
            Socket socket = new Socket();
            try {
                socket.bind(new InetSocketAddress(from, 0));
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            } catch (IOException e) {
                socket.close();
                throw e;
            }
            return new Connection(socket);
        }

        /** Writes and flushes; false when the server has closed (or reset) the connection. */
        boolean write(byte[] bytes) {
            try {
                socket.getOutputStream().write(bytes);
                socket.getOutputStream().flush();
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        boolean write(String text) {
            return write(text.getBytes(StandardCharsets.UTF_8));
        }

        /** The next final answer; an AssertionError when none is complete within {@code timeoutMillis}. */
        Response read(int timeoutMillis) throws IOException {
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            try {
                while (true) {
                    Response r = readResponse(socket.getInputStream(), false, socket, deadline);
                    if (r.status() < 100 || r.status() >= 200 || r.status() == 101) {
                        return r;
                    }
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no complete answer within " + timeoutMillis + " ms", e);
            }
        }

        /**
         * Whether the server ends the connection (end of stream or reset) within {@code timeoutMillis};
         * whatever else arrives meanwhile is dropped. False when it is still open at the deadline.
         */
        boolean closedWithin(int timeoutMillis) {
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            byte[] buffer = new byte[8192];
            try {
                while (true) {
                    checkDeadline(socket, deadline);
                    if (socket.getInputStream().read(buffer) < 0) {
                        return true;
                    }
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private static Response readResponse(InputStream in, boolean head, Socket socket, long deadline) throws IOException {
        String statusLine = line(in, socket, deadline);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP status line: " + printable(statusLine, 200));
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("bad status line: " + printable(statusLine, 200));
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int headBytes = 0;
        while (true) {
            String h = line(in, socket, deadline);
            if (h.isEmpty()) {
                break;
            }
            headBytes += h.length();
            if (headBytes > MAX_HEAD) {
                throw new IOException("answer head larger than " + MAX_HEAD);
            }
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(h.substring(colon + 1).trim());
            }
        }
        byte[] body;
        List<String> te = headers.get("transfer-encoding");
        List<String> cl = headers.get("content-length");
        if (head || status == 204 || status == 304 || (status >= 100 && status < 200)) {
            body = new byte[0];
        } else if (te != null && te.stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked"))) {
            body = chunked(in, socket, deadline);
        } else if (cl != null) {
            int length = Integer.parseInt(cl.get(0));
            if (length < 0 || length > MAX_BODY) {
                throw new IOException("answer body length " + length);
            }
            body = exactly(in, length, socket, deadline);
        } else {
            body = untilClose(in, socket, deadline);
        }
        return new Response(statusLine, status, headers, body);
    }

    private static byte[] chunked(InputStream in, Socket socket, long deadline) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(in, socket, deadline);
            int semi = sizeLine.indexOf(';');
            int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            if (size == 0) {
                while (!line(in, socket, deadline).isEmpty()) {
                    // trailers
                }
                return out.toByteArray();
            }
            if (out.size() + size > MAX_BODY) {
                throw new IOException("chunked answer too large");
            }
            out.write(exactly(in, size, socket, deadline));
            line(in, socket, deadline);
        }
    }

    private static byte[] exactly(InputStream in, int length, Socket socket, long deadline) throws IOException {
        byte[] data = new byte[length];
        int read = 0;
        while (read < length) {
            checkDeadline(socket, deadline);
            int n = in.read(data, read, length - read);
            if (n < 0) {
                throw new EOFException("answer body ended after " + read + " of " + length + " bytes");
            }
            read += n;
        }
        return data;
    }

    private static byte[] untilClose(InputStream in, Socket socket, long deadline) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (true) {
            checkDeadline(socket, deadline);
            int n = in.read(buffer);
            if (n < 0) {
                return out.toByteArray();
            }
            if (out.size() + n > MAX_BODY) {
                throw new IOException("answer too large");
            }
            out.write(buffer, 0, n);
        }
    }

    private static String line(InputStream in, Socket socket, long deadline) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            checkDeadline(socket, deadline);
            int b = in.read();
            if (b < 0) {
                throw new EOFException(out.size() == 0 ? "connection closed without an answer"
                    : "connection closed inside the answer head");
            }
            if (b == '\n') {
                byte[] bytes = out.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            if (out.size() > MAX_HEAD) {
                throw new IOException("answer line longer than " + MAX_HEAD);
            }
            out.write(b);
        }
    }

    /** Shrinks the socket timeout to what is left of the deadline, so slow drips cannot stretch it. */
    private static void checkDeadline(Socket socket, long deadline) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left)));
    }

    /** Bytes as readable text: printable ASCII as is, everything else escaped; cut at {@code max}. */
    static String printable(byte[] bytes, int max) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < bytes.length && s.length() < max; i++) {
            int b = bytes[i] & 0xff;
            if (b == '\r') {
                s.append("\\r");
            } else if (b == '\n') {
                s.append("\\n\n");
            } else if (b == '\\') {
                s.append("\\\\");
            } else if (b >= 0x20 && b < 0x7f) {
                s.append((char) b);
            } else {
                s.append(String.format("\\x%02x", b));
            }
        }
        if (s.length() >= max) {
            s.append("... (").append(bytes.length).append(" bytes)");
        }
        return s.toString();
    }

    static String printable(String text, int max) {
        return printable(text.getBytes(StandardCharsets.ISO_8859_1), max);
    }
}
