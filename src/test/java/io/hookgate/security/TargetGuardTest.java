package io.hookgate.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.net.Cidr;
import io.hookgate.net.TargetGuard;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which addresses a delivery may connect to, row by row of the IANA IPv4 and IPv6 Special-Purpose
 * Address Registries (each case names its row: RFC, registry name, block). With nothing allowed, every
 * row that is not globally reachable is refused with a reason naming the address and the range; the
 * globally reachable rows inside refused blocks pass; rows that carry an IPv4 address (mapped, NAT64,
 * 6to4, Teredo, and the deprecated compatible and translated forms) are judged by that address; an
 * allowed range opens exactly its own addresses. Unit level only: nothing resolves or connects.
 */
class TargetGuardTest {
    private static final TargetGuard NOTHING_ALLOWED = new TargetGuard(List.of());
    /** What the in-process test gateways allow. */
    private static final TargetGuard LOOPBACK_ALLOWED = new TargetGuard(List.of(Cidr.parse("127.0.0.0/8"),
        Cidr.parse("::1/128")));

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "RFC 791 \"This network\" 0.0.0.0/8                      | 0.0.0.1         | \"this network\"",
        "RFC 791 \"This network\" 0.0.0.0/8                      | 0.255.255.255   | \"this network\"",
        "RFC 1122 \"This host on this network\" 0.0.0.0/32       | 0.0.0.0         | \"this host on this network\"",
        "RFC 1918 Private-Use 10.0.0.0/8                         | 10.0.0.1        | private",
        "RFC 1918 Private-Use 10.0.0.0/8                         | 10.255.255.255  | private",
        "RFC 6598 Shared Address Space 100.64.0.0/10             | 100.64.0.0      | carrier-grade NAT",
        "RFC 6598 Shared Address Space 100.64.0.0/10             | 100.127.255.255 | carrier-grade NAT",
        "RFC 1122 Loopback 127.0.0.0/8                           | 127.0.0.1       | loopback",
        "RFC 1122 Loopback 127.0.0.0/8                           | 127.255.255.254 | loopback",
        "RFC 3927 Link Local 169.254.0.0/16                      | 169.254.0.1     | link-local",
        "RFC 3927 Link Local 169.254.0.0/16                      | 169.254.169.254 | link-local",
        "RFC 1918 Private-Use 172.16.0.0/12                      | 172.16.0.1      | private",
        "RFC 1918 Private-Use 172.16.0.0/12                      | 172.31.255.255  | private",
        "RFC 6890 IETF Protocol Assignments 192.0.0.0/24         | 192.0.0.11      | IETF protocol assignments",
        "RFC 6890 IETF Protocol Assignments 192.0.0.0/24         | 192.0.0.255     | IETF protocol assignments",
        "RFC 7335 IPv4 Service Continuity Prefix 192.0.0.0/29    | 192.0.0.1       | IPv4 service continuity",
        "RFC 7335 IPv4 Service Continuity Prefix 192.0.0.0/29    | 192.0.0.7       | IPv4 service continuity",
        "RFC 7600 IPv4 dummy address 192.0.0.8/32                | 192.0.0.8       | IPv4 dummy address",
        "RFC 8880 NAT64/DNS64 Discovery 192.0.0.170/32           | 192.0.0.170     | NAT64/DNS64 discovery",
        "RFC 8880 NAT64/DNS64 Discovery 192.0.0.171/32           | 192.0.0.171     | NAT64/DNS64 discovery",
        "RFC 5737 Documentation (TEST-NET-1) 192.0.2.0/24        | 192.0.2.1       | documentation",
        "RFC 7526 Deprecated (6to4 Relay Anycast) 192.88.99.0/24 | 192.88.99.1     | 6to4 relay",
        "RFC 6751 6a44-relay anycast address 192.88.99.2/32      | 192.88.99.2     | 6a44 relay anycast",
        "RFC 1918 Private-Use 192.168.0.0/16                     | 192.168.0.1     | private",
        "RFC 1918 Private-Use 192.168.0.0/16                     | 192.168.255.255 | private",
        "RFC 2544 Benchmarking 198.18.0.0/15                     | 198.18.0.1      | benchmarking",
        "RFC 2544 Benchmarking 198.18.0.0/15                     | 198.19.255.255  | benchmarking",
        "RFC 5737 Documentation (TEST-NET-2) 198.51.100.0/24     | 198.51.100.7    | documentation",
        "RFC 5737 Documentation (TEST-NET-3) 203.0.113.0/24      | 203.0.113.9     | documentation",
        "RFC 1112 Reserved 240.0.0.0/4                           | 240.0.0.1       | reserved",
        "RFC 1112 Reserved 240.0.0.0/4                           | 255.255.255.254 | reserved",
        "RFC 8190 Limited Broadcast 255.255.255.255/32           | 255.255.255.255 | broadcast",
        "(multicast registry) RFC 5771 Multicast 224.0.0.0/4     | 224.0.0.1       | multicast",
        "(multicast registry) RFC 5771 Multicast 224.0.0.0/4     | 239.255.255.250 | multicast",
    })
    void everyIpv4RowThatIsNotGloballyReachableIsRefused(String row, String address, String kind)
        throws UnknownHostException {
        assertRefused(NOTHING_ALLOWED, InetAddress.getByName(address), address, kind);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "RFC 4291 Loopback Address ::1/128                     | ::1                  | 0:0:0:0:0:0:0:1           | loopback",
        "RFC 4291 Unspecified Address ::/128                   | ::                   | 0:0:0:0:0:0:0:0           | unspecified",
        "RFC 8215 local-use IPv4/IPv6 translation 64:ff9b:1::/48 | 64:ff9b:1::a9fe:a9fe | 64:ff9b:1:0:0:0:a9fe:a9fe | local-use IPv4/IPv6 translation",
        "RFC 8215 local-use IPv4/IPv6 translation 64:ff9b:1::/48 | 64:ff9b:1::808:808   | 64:ff9b:1:0:0:0:808:808   | local-use IPv4/IPv6 translation",
        "RFC 8215 local-use IPv4/IPv6 translation 64:ff9b:1::/48 | 64:ff9b:1:ffff:ffff:ffff:ffff:ffff | 64:ff9b:1:ffff:ffff:ffff:ffff:ffff | local-use IPv4/IPv6 translation",
        "RFC 6666 Discard-Only Address Block 100::/64          | 100::1               | 100:0:0:0:0:0:0:1         | discard-only",
        "RFC 6666 Discard-Only Address Block 100::/64          | 100::ffff:ffff:ffff:ffff | 100:0:0:0:ffff:ffff:ffff:ffff | discard-only",
        "RFC 9780 Dummy IPv6 Prefix 100:0:0:1::/64             | 100:0:0:1::1         | 100:0:0:1:0:0:0:1         | dummy IPv6 prefix",
        "RFC 2928 IETF Protocol Assignments 2001::/23          | 2001:1::4            | 2001:1:0:0:0:0:0:4        | IETF protocol assignments",
        "RFC 2928 IETF Protocol Assignments 2001::/23          | 2001:100::1          | 2001:100:0:0:0:0:0:1      | IETF protocol assignments",
        "RFC 2928 IETF Protocol Assignments 2001::/23          | 2001:1ff:ffff::1     | 2001:1ff:ffff:0:0:0:0:1   | IETF protocol assignments",
        "RFC 5180 Benchmarking 2001:2::/48                     | 2001:2::1            | 2001:2:0:0:0:0:0:1        | benchmarking",
        "RFC 4843 Deprecated (previously ORCHID) 2001:10::/28  | 2001:10::1           | 2001:10:0:0:0:0:0:1       | deprecated ORCHID",
        "RFC 3849 Documentation 2001:db8::/32                  | 2001:db8::1          | 2001:db8:0:0:0:0:0:1      | documentation",
        "RFC 3849 Documentation 2001:db8::/32                  | 2001:db8:ffff::1     | 2001:db8:ffff:0:0:0:0:1   | documentation",
        "RFC 9637 Documentation 3fff::/20                      | 3fff::1              | 3fff:0:0:0:0:0:0:1        | documentation",
        "RFC 9637 Documentation 3fff::/20                      | 3fff:fff:ffff::1     | 3fff:fff:ffff:0:0:0:0:1   | documentation",
        "RFC 9602 Segment Routing (SRv6) SIDs 5f00::/16        | 5f00::1              | 5f00:0:0:0:0:0:0:1        | SRv6 SIDs",
        "RFC 4193 Unique-Local fc00::/7                        | fc00::1              | fc00:0:0:0:0:0:0:1        | unique-local",
        "RFC 4193 Unique-Local fc00::/7                        | fdff:ffff::1         | fdff:ffff:0:0:0:0:0:1     | unique-local",
        "RFC 4291 Link-Local Unicast fe80::/10                 | fe80::1              | fe80:0:0:0:0:0:0:1        | link-local",
        "RFC 4291 Link-Local Unicast fe80::/10                 | febf:ffff::1         | febf:ffff:0:0:0:0:0:1     | link-local",
        "(not in the registry) RFC 3879 site-local fec0::/10   | fec0::1              | fec0:0:0:0:0:0:0:1        | site-local",
        "(not in the registry) RFC 3879 site-local fec0::/10   | feff::1              | feff:0:0:0:0:0:0:1        | site-local",
        "(not in the registry) RFC 4291 multicast ff00::/8     | ff02::1              | ff02:0:0:0:0:0:0:1        | multicast",
        "(not in the registry) RFC 4291 multicast ff00::/8     | ff0e::fb             | ff0e:0:0:0:0:0:0:fb       | multicast",
    })
    void everyIpv6RowThatIsNotGloballyReachableIsRefused(String row, String address, String shown, String kind)
        throws UnknownHostException {
        assertRefused(NOTHING_ALLOWED, InetAddress.getByName(address), shown, kind);
    }

    /** The registry's more specific rows that are globally reachable win over the refused block around them. */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "RFC 7723 Port Control Protocol Anycast 192.0.0.9/32                | 192.0.0.9",
        "RFC 8155 Traversal Using Relays around NAT Anycast 192.0.0.10/32   | 192.0.0.10",
        "RFC 7535 AS112-v4 192.31.196.0/24                                  | 192.31.196.1",
        "RFC 7450 AMT 192.52.193.0/24                                       | 192.52.193.1",
        "RFC 7534 Direct Delegation AS112 Service 192.175.48.0/24           | 192.175.48.1",
        "RFC 7723 Port Control Protocol Anycast 2001:1::1/128               | 2001:1::1",
        "RFC 8155 Traversal Using Relays around NAT Anycast 2001:1::2/128   | 2001:1::2",
        "RFC 9665 DNS-SD Service Registration Protocol Anycast 2001:1::3/128 | 2001:1::3",
        "RFC 7450 AMT 2001:3::/32                                           | 2001:3::1",
        "RFC 7535 AS112-v6 2001:4:112::/48                                  | 2001:4:112::1",
        "RFC 7343 ORCHIDv2 2001:20::/28                                     | 2001:20::1",
        "RFC 9374 Drone Remote ID Protocol Entity Tags 2001:30::/28         | 2001:30::1",
        "RFC 7534 Direct Delegation AS112 Service 2620:4f:8000::/48         | 2620:4f:8000::1",
    })
    void globallyReachableRowsAreAllowed(String row, String address) throws UnknownHostException {
        assertThat(NOTHING_ALLOWED.refusal(InetAddress.getByName(address))).as(row).isEmpty();
    }

    /** IPv4 carried in IPv6 is judged by the IPv4 address inside; the reason names both. */
    @ParameterizedTest(name = "{0}: {1} carries {2}")
    @CsvSource(delimiter = '|', value = {
        "RFC 4291 IPv4-mapped Address ::ffff:0:0/96        | 0:0:0:0:0:ffff:a00:1     | 10.0.0.1        | private",
        "RFC 4291 IPv4-mapped Address ::ffff:0:0/96        | 0:0:0:0:0:ffff:a9fe:a9fe | 169.254.169.254 | link-local",
        "RFC 4291 IPv4-mapped Address ::ffff:0:0/96        | 0:0:0:0:0:ffff:7f00:1    | 127.0.0.1       | loopback",
        "RFC 6052 IPv4-IPv6 Translat. 64:ff9b::/96         | 64:ff9b::a00:1           | 10.0.0.1        | private",
        "RFC 6052 IPv4-IPv6 Translat. 64:ff9b::/96         | 64:ff9b::169.254.169.254 | 169.254.169.254 | link-local",
        "RFC 6052 IPv4-IPv6 Translat. 64:ff9b::/96         | 64:ff9b::c0a8:101        | 192.168.1.1     | private",
        "RFC 6052 IPv4-IPv6 Translat. 64:ff9b::/96         | 64:ff9b::c000:aa         | 192.0.0.170     | NAT64/DNS64 discovery",
        "RFC 3056 6to4 2002::/16                           | 2002:0a00:0001::         | 10.0.0.1        | private",
        "RFC 3056 6to4 2002::/16                           | 2002:a9fe:a9fe::1        | 169.254.169.254 | link-local",
        "RFC 3056 6to4 2002::/16                           | 2002:7f00:1:abcd::1      | 127.0.0.1       | loopback",
        // Teredo 2001:0:SERVER:flags:port:~CLIENT: the client's address is inverted in the last 32 bits
        "RFC 4380 TEREDO 2001::/32 (client)                | 2001:0:4136:e378:8000:63bf:f5ff:fffe | 10.0.0.1  | private",
        "RFC 4380 TEREDO 2001::/32 (client)                | 2001:0:4136:e378:8000:63bf:80ff:fffe | 127.0.0.1 | loopback",
        "RFC 4380 TEREDO 2001::/32 (server)                | 2001:0:a00:1:8000:63bf:f7f7:f7f7     | 10.0.0.1  | private",
        "RFC 4380 TEREDO 2001::/32 (server)                | 2001:0:a9fe:a9fe::f7f7:f7f7          | 169.254.169.254 | link-local",
        "(not in the registry) RFC 4291 IPv4-compatible ::/96 | ::10.0.0.1            | 10.0.0.1        | private",
        "(not in the registry) RFC 4291 IPv4-compatible ::/96 | ::127.0.0.1           | 127.0.0.1       | loopback",
        "(not in the registry) RFC 4291 IPv4-compatible ::/96 | ::2                   | 0.0.0.2         | \"this network\"",
        "(not in the registry) RFC 2765 IPv4-translated ::ffff:0:0:0/96 | ::ffff:0:a9fe:a9fe | 169.254.169.254 | link-local",
        "(not in the registry) RFC 2765 IPv4-translated ::ffff:0:0:0/96 | ::ffff:0:a00:1     | 10.0.0.1        | private",
    })
    void embeddedIpv4IsJudgedByTheIpv4Inside(String row, String address, String inner, String kind)
        throws UnknownHostException {
        InetAddress a = v6(address);
        Optional<String> why = NOTHING_ALLOWED.refusal(a);
        assertThat(why).as(row + " " + address).isPresent();
        assertThat(why.get()).isEqualTo("target address " + inner + " is not allowed (" + kind + " range, embedded in "
            + a.getHostAddress() + "); allow it with HOOKGATE_ALLOWED_TARGET_CIDRS");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        // public IPv4, including the neighbours of refused ranges
        "8.8.8.8", "1.1.1.1", "93.184.216.34", "1.0.0.0", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0",
        "126.255.255.255", "128.0.0.0", "169.253.255.255", "169.255.0.0", "172.15.255.255", "172.32.0.0",
        "192.0.1.255", "192.0.3.0", "192.88.98.255", "192.88.100.0", "192.167.255.255", "192.169.0.0",
        "198.17.255.255", "198.20.0.0", "198.51.99.255", "198.51.101.0", "203.0.112.255", "203.0.114.0",
        "223.255.255.255",
        // public IPv6, and the neighbours of refused ranges
        "2606:4700::1", "2001:4860:4860::8888", "2a00:1450:4001::1", "2001:db9::1", "2001:db7:ffff::1",
        "2001:200::1", "3fff:1000::1", "3ffe:ffff::1", "5eff:ffff::1", "5f01::1", "100:0:0:2::1", "fbff:ffff::1",
        "64:ff9b:2::1",
    })
    void publicAddressesAreAllowed(String address) throws UnknownHostException {
        assertThat(NOTHING_ALLOWED.refusal(InetAddress.getByName(address))).as(address).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "0:0:0:0:0:ffff:808:808",                // mapped 8.8.8.8
        "::8.8.8.8",                             // compatible 8.8.8.8
        "::ffff:0:808:808",                      // translated 8.8.8.8
        "2002:0808:0808::1",                     // 6to4 of 8.8.8.8
        "64:ff9b::808:808",                      // NAT64 of 8.8.8.8
        "64:ff9b::93.184.216.34",                // NAT64 of 93.184.216.34
        "64:ff9b::c000:9",                       // NAT64 of 192.0.0.9, a globally reachable row
        "2001:0:4136:e378:8000:63bf:f7f7:f7f7",  // Teredo server 65.54.227.120, client 8.8.8.8
    })
    void publicIpv4WrappedInIpv6IsAllowed(String address) throws UnknownHostException {
        assertThat(NOTHING_ALLOWED.refusal(v6(address))).as(address).isEmpty();
    }

    @Test
    void theTestGatewaysAllowListOpensLoopbackInEverySpellingButNoOtherRow() throws UnknownHostException {
        for (String open : List.of("127.0.0.1", "127.0.0.2", "::1")) {
            assertThat(LOOPBACK_ALLOWED.refusal(InetAddress.getByName(open))).as(open).isEmpty();
        }
        // IPv4 loopback carried in IPv6 is the allowed address inside.
        for (String carried : List.of("0:0:0:0:0:ffff:7f00:1", "64:ff9b::7f00:1", "2002:7f00:1::", "::127.0.0.1")) {
            assertThat(LOOPBACK_ALLOWED.refusal(v6(carried))).as(carried).isEmpty();
        }
        // The local-use NAT64 prefix is not opened by the IPv4 address inside it; nor is anything else.
        assertThat(LOOPBACK_ALLOWED.refusal(v6("64:ff9b:1::7f00:1"))).as("local-use NAT64 of 127.0.0.1")
            .hasValueSatisfying(why -> assertThat(why).contains("local-use IPv4/IPv6 translation range"));
        for (String closed : List.of("10.0.0.1", "169.254.169.254", "0.0.0.0", "fe80::1", "fd00::1", "::",
            "64:ff9b::a9fe:a9fe", "100:0:0:1::1")) {
            assertThat(LOOPBACK_ALLOWED.refusal(InetAddress.getByName(closed))).as(closed)
                .hasValueSatisfying(why -> assertThat(why).contains("not allowed"));
        }
    }

    @Test
    void anAllowedRangeOpensExactlyItsOwnAddresses() throws UnknownHostException {
        TargetGuard guard = new TargetGuard(List.of(Cidr.parse("127.0.0.1/32"), Cidr.parse("10.1.0.0/16"),
            Cidr.parse("fd00::/8"), Cidr.parse("::1/128"), Cidr.parse("64:ff9b:1::/48"), Cidr.parse("192.0.0.170/32")));

        for (String inside : List.of("127.0.0.1", "10.1.0.0", "10.1.255.255", "fd00::1", "fdff:ffff::1", "::1",
            "64:ff9b:1::a9fe:a9fe", "192.0.0.170")) {
            assertThat(guard.refusal(InetAddress.getByName(inside))).as(inside).isEmpty();
        }
        for (String outside : List.of("127.0.0.2", "127.0.0.0", "10.0.255.255", "10.2.0.0", "10.0.0.1", "fc00::1",
            "fe80::1", "::", "169.254.169.254", "192.0.0.171")) {
            assertThat(guard.refusal(InetAddress.getByName(outside))).as(outside)
                .hasValueSatisfying(why -> assertThat(why).contains("not allowed"));
        }
        // Embedded: the IPv4 inside is matched against the allowed IPv4 ranges.
        assertThat(guard.refusal(v6("0:0:0:0:0:ffff:a01:203"))).as("mapped 10.1.2.3").isEmpty();
        assertThat(guard.refusal(v6("64:ff9b::a01:203"))).as("NAT64 10.1.2.3").isEmpty();
        assertThat(guard.refusal(v6("2002:0a01:0203::1"))).as("6to4 10.1.2.3").isEmpty();
        assertThat(guard.refusal(v6("2002:0a02:0000::1"))).as("6to4 10.2.0.0")
            .hasValueSatisfying(why -> assertThat(why).contains("10.2.0.0", "private", "embedded in"));
        assertThat(guard.refusal(v6("64:ff9b::7f00:2"))).as("NAT64 127.0.0.2")
            .hasValueSatisfying(why -> assertThat(why).contains("127.0.0.2", "loopback", "embedded in"));
    }

    @Test
    void familiesNeverMix() throws UnknownHostException {
        // Allowing IPv6 loopback does not allow IPv4 loopback, and the other way round.
        TargetGuard v6Only = new TargetGuard(List.of(Cidr.parse("::1/128")));
        assertThat(v6Only.refusal(InetAddress.getByName("127.0.0.1"))).isPresent();
        TargetGuard v4Only = new TargetGuard(List.of(Cidr.parse("127.0.0.0/8")));
        assertThat(v4Only.refusal(InetAddress.getByName("::1"))).isPresent();
        // Allowing everything IPv4 opens no IPv6 range.
        TargetGuard allV4 = new TargetGuard(List.of(Cidr.parse("0.0.0.0/0")));
        assertThat(allV4.refusal(InetAddress.getByName("10.0.0.1"))).isEmpty();
        assertThat(allV4.refusal(InetAddress.getByName("fd00::1"))).isPresent();
        assertThat(allV4.refusal(InetAddress.getByName("64:ff9b:1::a00:1"))).isPresent();
    }

    @Test
    void theReasonTellsHowToAllowIt() throws UnknownHostException {
        assertThat(NOTHING_ALLOWED.refusal(InetAddress.getByName("169.254.169.254"))).contains(
            "target address 169.254.169.254 is not allowed (link-local range); allow it with HOOKGATE_ALLOWED_TARGET_CIDRS");
    }

    private static void assertRefused(TargetGuard guard, InetAddress address, String shown, String kind) {
        Optional<String> why = guard.refusal(address);
        assertThat(why).as(shown).isPresent();
        assertThat(why.get()).isEqualTo("target address " + shown + " is not allowed (" + kind + " range); "
            + "allow it with HOOKGATE_ALLOWED_TARGET_CIDRS");
    }

    /** A 16-byte IPv6 address, kept as IPv6 even when it is IPv4-mapped (InetAddress would turn it into IPv4). */
    private static InetAddress v6(String text) throws UnknownHostException {
        InetAddress parsed = InetAddress.getByName(text);
        byte[] raw = parsed.getAddress();
        if (raw.length == 4) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(raw, 0, mapped, 12, 4);
            raw = mapped;
        }
        InetAddress a = Inet6Address.getByAddress(null, raw, -1);
        assertThat(a.getAddress()).hasSize(16);
        assertThat(Arrays.equals(a.getAddress(), raw)).isTrue();
        return a;
    }
}
