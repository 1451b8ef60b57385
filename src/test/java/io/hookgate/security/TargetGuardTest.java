package io.hookgate.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.dispatch.Cidr;
import io.hookgate.dispatch.TargetGuard;
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
 * Which addresses a delivery may connect to. With nothing allowed, every non-public family is refused
 * with a reason that names the address and the range; public addresses pass, also when wrapped in
 * IPv6 (6to4, NAT64, mapped, Teredo); an allowed range opens exactly its own addresses. Unit level
 * only: addresses are built from literals, nothing resolves or connects.
 */
class TargetGuardTest {
    private static final TargetGuard NOTHING_ALLOWED = new TargetGuard(List.of());

    @ParameterizedTest(name = "{0} ({1})")
    @CsvSource(delimiter = '|', value = {
        "0.0.0.0         | \"this network\"",
        "0.255.255.255   | \"this network\"",
        "10.0.0.1        | private",
        "10.255.255.255  | private",
        "100.64.0.0      | carrier-grade NAT",
        "100.127.255.255 | carrier-grade NAT",
        "127.0.0.1       | loopback",
        "127.255.255.254 | loopback",
        "169.254.0.1     | link-local",
        "169.254.169.254 | link-local",
        "172.16.0.1      | private",
        "172.31.255.255  | private",
        "192.0.0.8       | IETF protocol assignments",
        "192.0.2.1       | documentation",
        "192.88.99.1     | 6to4 relay",
        "192.168.0.1     | private",
        "192.168.255.255 | private",
        "198.18.0.1      | benchmarking",
        "198.19.255.255  | benchmarking",
        "198.51.100.7    | documentation",
        "203.0.113.9     | documentation",
        "224.0.0.1       | multicast",
        "239.255.255.250 | multicast",
        "240.0.0.1       | reserved",
        "255.255.255.254 | reserved",
        "255.255.255.255 | broadcast",
    })
    void refusedIpv4Families(String address, String kind) throws UnknownHostException {
        assertRefused(NOTHING_ALLOWED, InetAddress.getByName(address), address, kind);
    }

    @ParameterizedTest(name = "{0} ({1})")
    @CsvSource(delimiter = '|', value = {
        "::                 | 0:0:0:0:0:0:0:0          | unspecified",
        "::1                | 0:0:0:0:0:0:0:1          | loopback",
        "fc00::1            | fc00:0:0:0:0:0:0:1       | unique-local",
        "fdff:ffff::1       | fdff:ffff:0:0:0:0:0:1    | unique-local",
        "fe80::1            | fe80:0:0:0:0:0:0:1       | link-local",
        "febf:ffff::1       | febf:ffff:0:0:0:0:0:1    | link-local",
        "fec0::1            | fec0:0:0:0:0:0:0:1       | site-local",
        "feff::1            | feff:0:0:0:0:0:0:1       | site-local",
        "ff02::1            | ff02:0:0:0:0:0:0:1       | multicast",
        "ff0e::fb           | ff0e:0:0:0:0:0:0:fb      | multicast",
        "2001:db8::1        | 2001:db8:0:0:0:0:0:1     | documentation",
        "2001:db8:ffff::1   | 2001:db8:ffff:0:0:0:0:1  | documentation",
        "100::1             | 100:0:0:0:0:0:0:1        | discard-only",
        "100::ffff:ffff:ffff:ffff | 100:0:0:0:ffff:ffff:ffff:ffff | discard-only",
    })
    void refusedIpv6Families(String address, String shown, String kind) throws UnknownHostException {
        assertRefused(NOTHING_ALLOWED, InetAddress.getByName(address), shown, kind);
    }

    /** IPv4 carried in IPv6 is judged by the IPv4 address inside; the reason names both. */
    @ParameterizedTest(name = "{0} carries {1}")
    @CsvSource(delimiter = '|', value = {
        // mapped ::ffff:a.b.c.d, as a 16-byte address (a resolver may hand one over)
        "0:0:0:0:0:ffff:a00:1           | 10.0.0.1        | private",
        "0:0:0:0:0:ffff:a9fe:a9fe       | 169.254.169.254 | link-local",
        "0:0:0:0:0:ffff:7f00:1          | 127.0.0.1       | loopback",
        // compatible ::a.b.c.d (deprecated)
        "::10.0.0.1                     | 10.0.0.1        | private",
        "::127.0.0.1                    | 127.0.0.1       | loopback",
        "::2                            | 0.0.0.2         | \"this network\"",
        // 6to4 2002:AABB:CCDD::
        "2002:0a00:0001::               | 10.0.0.1        | private",
        "2002:a9fe:a9fe::1              | 169.254.169.254 | link-local",
        "2002:7f00:1:abcd::1            | 127.0.0.1       | loopback",
        // NAT64 well-known prefix 64:ff9b::/96
        "64:ff9b::a00:1                 | 10.0.0.1        | private",
        "64:ff9b::169.254.169.254       | 169.254.169.254 | link-local",
        "64:ff9b::c0a8:101              | 192.168.1.1     | private",
        // Teredo 2001:0::/32, client address inverted in the last 32 bits
        "2001:0:4136:e378:8000:63bf:f5ff:fffe | 10.0.0.1  | private",
        "2001:0:4136:e378:8000:63bf:80ff:fffe | 127.0.0.1 | loopback",
    })
    void embeddedIpv4IsJudgedByTheIpv4Inside(String address, String inner, String kind) throws UnknownHostException {
        InetAddress a = v6(address);
        Optional<String> why = NOTHING_ALLOWED.refusal(a);
        assertThat(why).as(address).isPresent();
        assertThat(why.get()).isEqualTo("target address " + inner + " is not allowed (" + kind + " range, embedded in "
            + a.getHostAddress() + "); allow it with HOOKGATE_ALLOWED_TARGET_CIDRS");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        // public IPv4, including the neighbours of refused ranges
        "8.8.8.8", "1.1.1.1", "93.184.216.34", "1.0.0.0", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0",
        "126.255.255.255", "128.0.0.0", "169.253.255.255", "169.255.0.0", "172.15.255.255", "172.32.0.0",
        "192.0.1.255", "192.0.3.0", "192.167.255.255", "192.169.0.0", "198.17.255.255", "198.20.0.0",
        "198.51.99.255", "198.51.101.0", "203.0.112.255", "203.0.114.0", "223.255.255.255",
        // public IPv6, and the neighbours of refused ranges
        "2606:4700::1", "2001:4860:4860::8888", "2a00:1450:4001::1", "2001:db9::1", "2001:db7:ffff::1",
        "100:0:0:1::1", "fbff:ffff::1",
    })
    void publicAddressesAreAllowed(String address) throws UnknownHostException {
        assertThat(NOTHING_ALLOWED.refusal(InetAddress.getByName(address))).as(address).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "0:0:0:0:0:ffff:808:808",                // mapped 8.8.8.8
        "::8.8.8.8",                             // compatible 8.8.8.8
        "2002:0808:0808::1",                     // 6to4 of 8.8.8.8
        "64:ff9b::808:808",                      // NAT64 of 8.8.8.8
        "64:ff9b::93.184.216.34",                // NAT64 of 93.184.216.34
        "2001:0:4136:e378:8000:63bf:f7f7:f7f7",  // Teredo client 8.8.8.8
    })
    void publicIpv4WrappedInIpv6IsAllowed(String address) throws UnknownHostException {
        assertThat(NOTHING_ALLOWED.refusal(v6(address))).as(address).isEmpty();
    }

    @Test
    void anAllowedRangeOpensExactlyItsOwnAddresses() throws UnknownHostException {
        TargetGuard guard = new TargetGuard(List.of(Cidr.parse("127.0.0.1/32"), Cidr.parse("10.1.0.0/16"),
            Cidr.parse("fd00::/8"), Cidr.parse("::1/128")));

        for (String inside : List.of("127.0.0.1", "10.1.0.0", "10.1.255.255", "fd00::1", "fdff:ffff::1", "::1")) {
            assertThat(guard.refusal(InetAddress.getByName(inside))).as(inside).isEmpty();
        }
        for (String outside : List.of("127.0.0.2", "127.0.0.0", "10.0.255.255", "10.2.0.0", "10.0.0.1", "fc00::1",
            "fe80::1", "::", "169.254.169.254")) {
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
