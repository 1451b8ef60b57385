package io.hookgate.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Reads a URL host that is an IP address, in every spelling a resolver or browser would accept,
 * without any DNS: IPv6 in brackets or bare (mapped {@code ::ffff:1.2.3.4} included), and IPv4 in
 * the inet_aton forms: 1 to 4 parts, each decimal, octal (leading 0) or hex (0x), the last part
 * filling the remaining bytes ({@code 127.1}, {@code 2130706433}, {@code 0x7f000001},
 * {@code 0177.0.0.1}). Without this, such a host would go to the system resolver, whose answer
 * depends on the C library. Plain Java.
 */
public final class IpLiterals {
    /** What {@link #port} answers for a port that is given but is not 1-65535. */
    public static final int INVALID_PORT = 0;

    private IpLiterals() {
    }

    /**
     * The host of an http(s) URL. {@link URI#getHost()} gives null for hosts it cannot read as a name
     * or a dotted quad, such as {@code 127.1} or {@code 0x7f.1}; those come from the raw authority
     * (without user info and port), so such URLs are judged by the address they spell. Null when none.
     */
    public static String host(java.net.URI uri) {
        if (uri.getHost() != null && !uri.getHost().isEmpty()) {
            return uri.getHost();
        }
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty() || authority.indexOf('@') >= 0) {
            return null;
        }
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            return end < 0 ? null : authority.substring(0, end + 1);
        }
        int colon = authority.lastIndexOf(':');
        String host = colon < 0 ? authority : authority.substring(0, colon);
        return host.isEmpty() || parse(host).isEmpty() ? null : host;
    }

    /**
     * The port of an http(s) URL, read from the raw authority (so also when {@link #host} had to read
     * it): -1 when none is given, {@link #INVALID_PORT} when the text after the host's ':' is not 1 to
     * 5 ASCII digits of a value from 1 to 65535. {@link java.net.URI#getPort()} alone gives -1 for {@code :-1},
     * {@code :+80} or {@code :99999999999} (the authority is then registry-based) and 0 for {@code :0},
     * all of which would otherwise go to the default port.
     */
    public static int port(java.net.URI uri) {
        String authority = uri.getRawAuthority();
        if (authority == null) {
            return -1;
        }
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        int close = authority.lastIndexOf(']');
        int colon = authority.lastIndexOf(':');
        if (colon < 0 || colon < close) {
            return -1;
        }
        String digits = authority.substring(colon + 1);
        if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(c -> asciiDigit(c, 10))) {
            return INVALID_PORT;
        }
        int port = Integer.parseInt(digits);
        return port >= 1 && port <= 65535 ? port : INVALID_PORT;
    }

    /** The address the host spells, or empty when it is a name. */
    public static Optional<InetAddress> parse(String host) {
        if (host == null || host.isEmpty()) {
            return Optional.empty();
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.indexOf(':') >= 0) {
            return v6(h);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1); // a trailing dot is the root, as in "127.0.0.1."
        }
        byte[] v4 = v4(h);
        if (v4 == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(v4));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static Optional<InetAddress> v6(String h) {
        int zone = h.indexOf('%');
        String addr = zone < 0 ? h : h.substring(0, zone);
        if (addr.isEmpty() || !addr.chars().allMatch(c -> c == ':' || c == '.' || asciiDigit(c, 16))) {
            return Optional.empty();
        }
        try {
            // With ':' in it and only hex digits, dots and colons, this parses and never looks up DNS.
            InetAddress a = InetAddress.getByName(addr);
            return Optional.of(a instanceof Inet6Address ? InetAddress.getByAddress(a.getAddress()) : a);
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** inet_aton: 1-4 parts; the last one fills the bytes left. Null when not such a literal. */
    static byte[] v4(String h) {
        String[] parts = h.split("\\.", -1);
        if (parts.length < 1 || parts.length > 4) {
            return null;
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Long v = number(parts[i]);
            if (v == null) {
                return null;
            }
            values[i] = v;
        }
        long result = 0;
        for (int i = 0; i < parts.length - 1; i++) {
            if (values[i] > 255) {
                return null;
            }
            result |= values[i] << (8 * (3 - i));
        }
        long last = values[parts.length - 1];
        int lastBytes = 4 - (parts.length - 1);
        if (last >= (1L << (8 * lastBytes))) {
            return null;
        }
        result |= last;
        return new byte[] {(byte) (result >> 24), (byte) (result >> 16), (byte) (result >> 8), (byte) result};
    }

    private static Long number(String p) {
        if (p.isEmpty() || p.length() > 12) {
            return null;
        }
        int radix = 10;
        String digits = p;
        if (p.length() > 1 && (p.startsWith("0x") || p.startsWith("0X"))) {
            radix = 16;
            digits = p.substring(2);
            if (digits.isEmpty()) {
                return 0L; // "0x" alone is 0 for inet_aton
            }
        } else if (p.length() > 1 && p.charAt(0) == '0') {
            radix = 8;
            digits = p.substring(1);
        }
        for (int i = 0; i < digits.length(); i++) {
            if (!asciiDigit(digits.charAt(i), radix)) {
                return null;
            }
        }
        return Long.parseLong(digits, radix);
    }

    /**
     * An ASCII digit of {@code radix} (10 or 16). {@link Character#digit} alone would also take
     * Arabic-Indic or fullwidth digits, which no resolver reads as an address.
     */
    static boolean asciiDigit(int c, int radix) {
        return c < 0x80 && Character.digit(c, radix) >= 0;
    }
}
