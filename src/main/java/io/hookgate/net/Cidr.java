package io.hookgate.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address range such as {@code 127.0.0.0/8} or {@code ::1/128}. Plain Java, no DNS:
 * {@link #parse} accepts only literal addresses.
 */
public record Cidr(byte[] network, int prefix) {

    public static Cidr parse(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        if (addr.isEmpty()
            || !(addr.indexOf(':') >= 0 || addr.chars().allMatch(c -> c == '.' || IpLiterals.asciiDigit(c, 10)))) {
            throw new IllegalArgumentException("not an IP range: '" + text + "'");
        }
        byte[] bytes = addr.indexOf(':') >= 0 ? v6(addr, text) : v4(addr, text);
        int max = bytes.length * 8;
        String length = slash < 0 ? null : s.substring(slash + 1);
        if (length != null && (length.isEmpty() || length.length() > 3
            || !length.chars().allMatch(c -> IpLiterals.asciiDigit(c, 10)))) {
            throw new IllegalArgumentException("bad prefix length in '" + text + "'");
        }
        int prefix = length == null ? max : Integer.parseInt(length);
        if (prefix < 0 || prefix > max) {
            throw new IllegalArgumentException("prefix length out of range in '" + text + "'");
        }
        return new Cidr(bytes, prefix);
    }

    /** A dotted quad, strictly: four decimal parts of 0-255 (no DNS, no short or octal forms). */
    private static byte[] v4(String addr, String text) {
        String[] parts = addr.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IP range: '" + text + "'");
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (parts[i].isEmpty() || parts[i].length() > 3 || (parts[i].length() > 1 && parts[i].charAt(0) == '0')) {
                throw new IllegalArgumentException("not an IP range: '" + text + "'");
            }
            int n = Integer.parseInt(parts[i]);
            if (n > 255) {
                throw new IllegalArgumentException("not an IP range: '" + text + "'");
            }
            b[i] = (byte) n;
        }
        return b;
    }

    /** An IPv6 literal; with a ':' in it, InetAddress parses it without any DNS lookup. */
    private static byte[] v6(String addr, String text) {
        if (!addr.chars().allMatch(c -> c == ':' || c == '.' || IpLiterals.asciiDigit(c, 16))) {
            throw new IllegalArgumentException("not an IP range: '" + text + "'");
        }
        try {
            byte[] b = InetAddress.getByName(addr).getAddress();
            if (b.length == 4) {
                // ::ffff:a.b.c.d comes back as IPv4; keep the range in the family it was written in
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(b, 0, mapped, 12, 4);
                return mapped;
            }
            return b;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP range: '" + text + "'");
        }
    }

    /** True when {@code address} (4 or 16 bytes) lies in this range; families never mix. */
    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && java.util.Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(network) * 31 + prefix;
    }
}
