package io.hookgate.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hookgate.net.Cidr;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ranges of {@code allowedTargetCidrs}: parsed strictly from literals (a typo must fail the start,
 * not open or close something else), and {@link Cidr#contains} exact at every edge, byte-aligned or not.
 */
class CidrTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "127.0.0.0/8,      127.0.0.0/8",
        "' 10.0.0.0/8 ',   10.0.0.0/8",
        "10.0.0.1,         10.0.0.1/32",
        "0.0.0.0/0,        0.0.0.0/0",
        "100.64.0.0/10,    100.64.0.0/10",
        "::1,              0:0:0:0:0:0:0:1/128",
        "::1/128,          0:0:0:0:0:0:0:1/128",
        "fc00::/7,         fc00:0:0:0:0:0:0:0/7",
        "::/0,             0:0:0:0:0:0:0:0/0",
    })
    void parsesLiteralRanges(String text, String shown) {
        assertThat(Cidr.parse(text).toString()).isEqualTo(shown);
    }

    @Test
    void anIpv4MappedRangeStaysIpv6() {
        Cidr mapped = Cidr.parse("::ffff:10.0.0.0/104");
        assertThat(mapped.network()).hasSize(16);
        assertThat(mapped.prefix()).isEqualTo(104);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
        "", " ", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/8/8", "10.0.0.0/x", "10.0.0.0/ 8",
        "10.0.0/8", "10/8", "10.0.0.0.0/8", "010.0.0.0/8", "10.0.0.00/8", "256.0.0.0/8", "10.0.0.256/32",
        "0x0a.0.0.0/8", "10.0.0.0x/8", "1e1.0.0.0/8", "10..0.0/8",
        "::1/129", "fc00::/x", "1:2:3/64", "::g/64", "[::1]/128", "fe80::1%eth0/64",
        "localhost", "localhost/8", "example.com/24", "*",
        // digits outside ASCII
        "\u0661\u0660.0.0.0/8", "10.0.0.0/\u0668", "\uff11\uff10.0.0.0/8",
    })
    void refusesAnythingElse(String text) {
        assertThatThrownBy(() -> Cidr.parse(text)).as("\"%s\"", text).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(text.trim().isEmpty() ? "" : text.trim());
    }

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
        // byte-aligned
        "10.0.0.0/8,      10.0.0.0,        true",
        "10.0.0.0/8,      10.255.255.255,  true",
        "10.0.0.0/8,      9.255.255.255,   false",
        "10.0.0.0/8,      11.0.0.0,        false",
        "127.0.0.1/32,    127.0.0.1,       true",
        "127.0.0.1/32,    127.0.0.2,       false",
        "127.0.0.1/32,    127.0.0.0,       false",
        "0.0.0.0/0,       255.255.255.255, true",
        "0.0.0.0/0,       0.0.0.0,         true",
        // not byte-aligned
        "100.64.0.0/10,   100.64.0.0,      true",
        "100.64.0.0/10,   100.127.255.255, true",
        "100.64.0.0/10,   100.63.255.255,  false",
        "100.64.0.0/10,   100.128.0.0,     false",
        "172.16.0.0/12,   172.31.255.255,  true",
        "172.16.0.0/12,   172.32.0.0,      false",
        "198.18.0.0/15,   198.19.255.255,  true",
        "198.18.0.0/15,   198.20.0.0,      false",
        "224.0.0.0/4,     239.255.255.255, true",
        "224.0.0.0/4,     240.0.0.0,       false",
        "10.0.0.0/31,     10.0.0.1,        true",
        "10.0.0.0/31,     10.0.0.2,        false",
        // host bits set in the range are ignored by the mask
        "10.1.2.3/8,      10.200.0.1,      true",
        // IPv6
        "::1/128,         ::1,             true",
        "::1/128,         ::2,             false",
        "::1/128,         ::,              false",
        "fc00::/7,        fc00::,          true",
        "fc00::/7,        fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, true",
        "fc00::/7,        fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, false",
        "fc00::/7,        fe00::,          false",
        "fe80::/10,       febf:ffff::1,    true",
        "fe80::/10,       fec0::,          false",
        "fe80::/10,       fe7f:ffff::1,    false",
        "2001:db8::/32,   2001:db8:ffff::1, true",
        "2001:db8::/32,   2001:db9::,      false",
        "::/0,            ffff::1,         true",
        // families never mix
        "0.0.0.0/0,       ::1,             false",
        "::/0,            127.0.0.1,       false",
        "127.0.0.0/8,     ::1,             false",
    })
    void containsIsExactAtTheEdges(String range, String address, boolean expected) throws UnknownHostException {
        assertThat(Cidr.parse(range).contains(InetAddress.getByName(address).getAddress()))
            .as("%s contains %s", range, address).isEqualTo(expected);
    }

    @Test
    void equalRangesAreEqual() {
        assertThat(Cidr.parse("10.0.0.0/8")).isEqualTo(Cidr.parse(" 10.0.0.0/8")).hasSameHashCodeAs(Cidr.parse("10.0.0.0/8"))
            .isNotEqualTo(Cidr.parse("10.0.0.0/9"));
        assertThat(Cidr.parse("::1")).isEqualTo(Cidr.parse("0:0:0:0:0:0:0:1/128"));
    }
}
