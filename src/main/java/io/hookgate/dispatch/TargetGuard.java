package io.hookgate.dispatch;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a delivery may connect to an address. Every non-public destination is refused
 * unless an allowed range ({@code allowedTargetCidrs}) contains it: IPv4 "this network", private,
 * loopback, link-local (cloud metadata included), CGNAT, documentation, benchmarking, multicast and
 * reserved ranges; IPv6 loopback, unspecified, unique-local, link-local, site-local, multicast,
 * documentation, and IPv4 embedded in IPv6 (mapped, compatible, 6to4, NAT64, Teredo), which is judged
 * by the IPv4 address inside. Plain Java: the caller resolves names and then connects to the very
 * address it checked, so a second DNS answer cannot slip past the check.
 */
public final class TargetGuard {
    private static final List<Named> REFUSED_V4 = List.of(
        named("0.0.0.0/8", "\"this network\""), named("10.0.0.0/8", "private"), named("100.64.0.0/10", "carrier-grade NAT"),
        named("127.0.0.0/8", "loopback"), named("169.254.0.0/16", "link-local"), named("172.16.0.0/12", "private"),
        named("192.0.0.0/24", "IETF protocol assignments"), named("192.0.2.0/24", "documentation"),
        named("192.88.99.0/24", "6to4 relay"), named("192.168.0.0/16", "private"), named("198.18.0.0/15", "benchmarking"),
        named("198.51.100.0/24", "documentation"), named("203.0.113.0/24", "documentation"),
        named("224.0.0.0/4", "multicast"), named("240.0.0.0/4", "reserved"));
    private static final List<Named> REFUSED_V6 = List.of(
        named("::/128", "unspecified"), named("::1/128", "loopback"), named("100::/64", "discard-only"),
        named("2001:db8::/32", "documentation"), named("fc00::/7", "unique-local"), named("fe80::/10", "link-local"),
        named("fec0::/10", "site-local"), named("ff00::/8", "multicast"));

    private final List<Cidr> allowed;

    public TargetGuard(List<Cidr> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** Why the address is refused, or empty when a delivery may connect to it. */
    public Optional<String> refusal(InetAddress address) {
        byte[] raw = address.getAddress();
        for (Cidr c : allowed) {
            if (c.contains(raw)) {
                return Optional.empty();
            }
        }
        if (address instanceof Inet4Address) {
            return refusalV4(raw, address.getHostAddress(), null);
        }
        Inet6Address v6 = (Inet6Address) address;
        byte[] embedded = embeddedV4(raw);
        if (embedded != null) {
            for (Cidr c : allowed) {
                if (c.contains(embedded)) {
                    return Optional.empty();
                }
            }
            return refusalV4(embedded, v4Text(embedded), v6.getHostAddress());
        }
        for (Named n : REFUSED_V6) {
            if (n.cidr.contains(raw)) {
                return Optional.of(describe(address.getHostAddress(), n.name, null));
            }
        }
        return Optional.empty();
    }

    /** {@code embeddedIn}: the IPv6 address carrying this IPv4 one, or null. */
    private static Optional<String> refusalV4(byte[] raw, String text, String embeddedIn) {
        if ((raw[0] & 0xff) == 255 && (raw[1] & 0xff) == 255 && (raw[2] & 0xff) == 255 && (raw[3] & 0xff) == 255) {
            return Optional.of(describe(text, "broadcast", embeddedIn));
        }
        for (Named n : REFUSED_V4) {
            if (n.cidr.contains(raw)) {
                return Optional.of(describe(text, n.name, embeddedIn));
            }
        }
        return Optional.empty();
    }

    /** The IPv4 address carried by a mapped, compatible, NAT64, 6to4 or Teredo IPv6 address, else null. */
    static byte[] embeddedV4(byte[] v6) {
        boolean first10Zero = true;
        for (int i = 0; i < 10; i++) {
            first10Zero &= v6[i] == 0;
        }
        // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated)
        if (first10Zero && ((v6[10] == (byte) 0xff && v6[11] == (byte) 0xff) || (v6[10] == 0 && v6[11] == 0))) {
            if (v6[10] == 0 && v6[12] == 0 && v6[13] == 0 && v6[14] == 0 && (v6[15] == 0 || v6[15] == 1)) {
                return null; // :: and ::1 are judged as IPv6
            }
            return slice(v6, 12);
        }
        // 64:ff9b::/96 NAT64 well-known prefix
        if (v6[0] == 0 && v6[1] == 0x64 && v6[2] == (byte) 0xff && v6[3] == (byte) 0x9b) {
            boolean zero = true;
            for (int i = 4; i < 12; i++) {
                zero &= v6[i] == 0;
            }
            if (zero) {
                return slice(v6, 12);
            }
        }
        // 2002::/16 6to4: the IPv4 address is bytes 2..5
        if (v6[0] == 0x20 && v6[1] == 0x02) {
            return slice(v6, 2);
        }
        // 2001:0000::/32 Teredo: the client's IPv4 address is the last 4 bytes, inverted
        if (v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0 && v6[3] == 0) {
            byte[] b = slice(v6, 12);
            for (int i = 0; i < 4; i++) {
                b[i] = (byte) ~b[i];
            }
            return b;
        }
        return null;
    }

    private static byte[] slice(byte[] b, int from) {
        return new byte[] {b[from], b[from + 1], b[from + 2], b[from + 3]};
    }

    private static String v4Text(byte[] b) {
        return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
    }

    private static String describe(String address, String kind, String embeddedIn) {
        return "target address " + address + " is not allowed (" + kind + " range"
            + (embeddedIn == null ? "" : ", embedded in " + embeddedIn) + "); allow it with HOOKGATE_ALLOWED_TARGET_CIDRS";
    }

    private record Named(Cidr cidr, String name) {
    }

    private static Named named(String cidr, String name) {
        return new Named(Cidr.parse(cidr), name);
    }
}
