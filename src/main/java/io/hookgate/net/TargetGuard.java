package io.hookgate.net;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a delivery may connect to an address. An allowed range ({@code allowedTargetCidrs})
 * lets its own addresses through; otherwise the most specific row below that contains the address
 * decides.
 *
 * <p>The rows are those of the IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 as
 * updated by RFC 8190), row for row, as last updated 2025-10-09 (the IPv6 registry with RFC 9780's
 * {@code 100:0:0:1::/64} of 2025-04). A row whose "Globally Reachable" is False is refused; so is a
 * terminated row (6to4 relay anycast, the first ORCHID). A row that is True is allowed, also inside a
 * refused block ({@code 192.0.0.9/32} in {@code 192.0.0.0/24}, {@code 2001:1::1/128} in
 * {@code 2001::/23}). Rows that carry an IPv4 address the packets are really sent to are judged by that
 * address, against the allowed ranges and the IPv4 rows: IPv4-mapped (the registry's False only says
 * such an address is never on the wire: a socket connects to the IPv4 inside), the well-known NAT64
 * prefix (True, but a translator forwards to the IPv4 inside), 6to4 and Teredo (N/A in the registry;
 * Teredo's server and client addresses are both judged). The local-use NAT64 prefix
 * {@code 64:ff9b:1::/48} is refused whole: its IPv4 address may sit at any of several offsets.
 *
 * <p>Beyond the registries: multicast (IPv4 {@code 224.0.0.0/4}, IPv6 {@code ff00::/8}), the deprecated
 * site-local {@code fec0::/10} (RFC 3879) are refused; the deprecated IPv4-compatible {@code ::/96}
 * (RFC 4291) and IPv4-translated {@code ::ffff:0:0:0/96} (RFC 2765) forms are judged by their IPv4.
 *
 * <p>Plain Java: the caller resolves names and then connects to the very address it checked, so a
 * second DNS answer cannot slip past the check.
 */
public final class TargetGuard {

    /** What a row means for a destination inside it. */
    private enum Verdict {
        GLOBAL, REFUSED, LAST_32_BITS, SIX_TO_FOUR, TEREDO;

        /** The IPv4 addresses a packet to {@code v6} is sent to, for the rows that carry one. */
        List<byte[]> carried(byte[] v6) {
            return switch (this) {
                case LAST_32_BITS -> List.of(slice(v6, 12));
                case SIX_TO_FOUR -> List.of(slice(v6, 2)); // 2002:AABB:CCDD::/48
                case TEREDO -> { // 2001:0:SERVER:flags:port:~CLIENT (RFC 4380 section 4)
                    byte[] client = slice(v6, 12);
                    for (int i = 0; i < 4; i++) {
                        client[i] = (byte) ~client[i];
                    }
                    yield List.of(slice(v6, 4), client);
                }
                default -> List.of();
            };
        }
    }

    private record Row(Cidr block, String kind, Verdict verdict) {
    }

    /** IANA IPv4 Special-Purpose Address Registry, then the multicast block. */
    private static final List<Row> V4 = List.of(
        row("0.0.0.0/8", "\"this network\"", Verdict.REFUSED),                 // RFC 791
        row("0.0.0.0/32", "\"this host on this network\"", Verdict.REFUSED),   // RFC 1122
        row("10.0.0.0/8", "private", Verdict.REFUSED),                         // RFC 1918
        row("100.64.0.0/10", "carrier-grade NAT", Verdict.REFUSED),            // RFC 6598 shared address space
        row("127.0.0.0/8", "loopback", Verdict.REFUSED),                       // RFC 1122
        row("169.254.0.0/16", "link-local", Verdict.REFUSED),                  // RFC 3927
        row("172.16.0.0/12", "private", Verdict.REFUSED),                      // RFC 1918
        row("192.0.0.0/24", "IETF protocol assignments", Verdict.REFUSED),     // RFC 6890
        row("192.0.0.0/29", "IPv4 service continuity", Verdict.REFUSED),       // RFC 7335
        row("192.0.0.8/32", "IPv4 dummy address", Verdict.REFUSED),            // RFC 7600
        row("192.0.0.9/32", "PCP anycast", Verdict.GLOBAL),                    // RFC 7723
        row("192.0.0.10/32", "TURN anycast", Verdict.GLOBAL),                  // RFC 8155
        row("192.0.0.170/32", "NAT64/DNS64 discovery", Verdict.REFUSED),       // RFC 8880
        row("192.0.0.171/32", "NAT64/DNS64 discovery", Verdict.REFUSED),       // RFC 8880
        row("192.0.2.0/24", "documentation", Verdict.REFUSED),                 // RFC 5737 TEST-NET-1
        row("192.31.196.0/24", "AS112", Verdict.GLOBAL),                       // RFC 7535
        row("192.52.193.0/24", "AMT", Verdict.GLOBAL),                         // RFC 7450
        row("192.88.99.0/24", "6to4 relay", Verdict.REFUSED),                  // RFC 7526, terminated 2015-03
        row("192.88.99.2/32", "6a44 relay anycast", Verdict.REFUSED),          // RFC 6751
        row("192.168.0.0/16", "private", Verdict.REFUSED),                     // RFC 1918
        row("192.175.48.0/24", "AS112 direct delegation", Verdict.GLOBAL),     // RFC 7534
        row("198.18.0.0/15", "benchmarking", Verdict.REFUSED),                 // RFC 2544
        row("198.51.100.0/24", "documentation", Verdict.REFUSED),              // RFC 5737 TEST-NET-2
        row("203.0.113.0/24", "documentation", Verdict.REFUSED),               // RFC 5737 TEST-NET-3
        row("240.0.0.0/4", "reserved", Verdict.REFUSED),                       // RFC 1112
        row("255.255.255.255/32", "broadcast", Verdict.REFUSED),               // RFC 8190, RFC 919 limited broadcast
        row("224.0.0.0/4", "multicast", Verdict.REFUSED));                     // RFC 5771 (not in the registry)

    /** IANA IPv6 Special-Purpose Address Registry, then deprecated and multicast blocks. */
    private static final List<Row> V6 = List.of(
        row("::1/128", "loopback", Verdict.REFUSED),                           // RFC 4291
        row("::/128", "unspecified", Verdict.REFUSED),                         // RFC 4291
        row("::ffff:0:0/96", "IPv4-mapped", Verdict.LAST_32_BITS),             // RFC 4291
        row("64:ff9b::/96", "NAT64", Verdict.LAST_32_BITS),                    // RFC 6052
        row("64:ff9b:1::/48", "local-use IPv4/IPv6 translation", Verdict.REFUSED), // RFC 8215
        row("100::/64", "discard-only", Verdict.REFUSED),                      // RFC 6666
        row("100:0:0:1::/64", "dummy IPv6 prefix", Verdict.REFUSED),           // RFC 9780
        row("2001::/23", "IETF protocol assignments", Verdict.REFUSED),        // RFC 2928
        row("2001::/32", "Teredo", Verdict.TEREDO),                            // RFC 4380, RFC 8190
        row("2001:1::1/128", "PCP anycast", Verdict.GLOBAL),                   // RFC 7723
        row("2001:1::2/128", "TURN anycast", Verdict.GLOBAL),                  // RFC 8155
        row("2001:1::3/128", "DNS-SD SRP anycast", Verdict.GLOBAL),            // RFC 9665
        row("2001:2::/48", "benchmarking", Verdict.REFUSED),                   // RFC 5180
        row("2001:3::/32", "AMT", Verdict.GLOBAL),                             // RFC 7450
        row("2001:4:112::/48", "AS112", Verdict.GLOBAL),                       // RFC 7535
        row("2001:10::/28", "deprecated ORCHID", Verdict.REFUSED),             // RFC 4843, terminated 2014-03
        row("2001:20::/28", "ORCHIDv2", Verdict.GLOBAL),                       // RFC 7343
        row("2001:30::/28", "drone remote ID", Verdict.GLOBAL),                // RFC 9374
        row("2001:db8::/32", "documentation", Verdict.REFUSED),                // RFC 3849
        row("2002::/16", "6to4", Verdict.SIX_TO_FOUR),                         // RFC 3056
        row("2620:4f:8000::/48", "AS112 direct delegation", Verdict.GLOBAL),   // RFC 7534
        row("3fff::/20", "documentation", Verdict.REFUSED),                    // RFC 9637
        row("5f00::/16", "SRv6 SIDs", Verdict.REFUSED),                        // RFC 9602
        row("fc00::/7", "unique-local", Verdict.REFUSED),                      // RFC 4193, RFC 8190
        row("fe80::/10", "link-local", Verdict.REFUSED),                       // RFC 4291
        // Not in the registry:
        row("::/96", "IPv4-compatible", Verdict.LAST_32_BITS),                 // RFC 4291 section 2.5.5.1, deprecated
        row("::ffff:0:0:0/96", "IPv4-translated", Verdict.LAST_32_BITS),       // RFC 2765 section 2.1
        row("fec0::/10", "site-local", Verdict.REFUSED),                       // RFC 3879, deprecated
        row("ff00::/8", "multicast", Verdict.REFUSED));                        // RFC 4291

    private final List<Cidr> allowed;

    public TargetGuard(List<Cidr> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** Why the address is refused, or empty when a delivery may connect to it. */
    public Optional<String> refusal(InetAddress address) {
        byte[] raw = address.getAddress();
        if (isAllowed(raw)) {
            return Optional.empty();
        }
        Row row = mostSpecific(raw);
        if (row == null || row.verdict() == Verdict.GLOBAL) {
            return Optional.empty();
        }
        if (row.verdict() == Verdict.REFUSED) {
            return Optional.of(describe(address.getHostAddress(), row.kind(), null));
        }
        for (byte[] v4 : row.verdict().carried(raw)) {
            Row inner = isAllowed(v4) ? null : mostSpecific(v4);
            if (inner != null && inner.verdict() == Verdict.REFUSED) {
                return Optional.of(describe(v4Text(v4), inner.kind(), address.getHostAddress()));
            }
        }
        return Optional.empty();
    }

    private boolean isAllowed(byte[] raw) {
        for (Cidr c : allowed) {
            if (c.contains(raw)) {
                return true;
            }
        }
        return false;
    }

    /** The row with the longest prefix that contains the address, or null. */
    private static Row mostSpecific(byte[] raw) {
        Row best = null;
        for (Row r : raw.length == 4 ? V4 : V6) {
            if (r.block().contains(raw) && (best == null || r.block().prefix() > best.block().prefix())) {
                best = r;
            }
        }
        return best;
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

    private static Row row(String cidr, String kind, Verdict verdict) {
        return new Row(Cidr.parse(cidr), kind, verdict);
    }
}
