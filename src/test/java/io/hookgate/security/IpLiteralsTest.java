package io.hookgate.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.net.IpLiterals;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every spelling of an IP address a URL host may carry is read as that address without DNS, so the
 * guard judges the address a resolver or browser would connect to; anything else is a name (empty).
 * Plain unit tests: nothing here resolves or connects.
 */
class IpLiteralsTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        // the dotted quad and the inet_aton short, decimal, hex and octal forms of loopback
        "127.0.0.1,           127.0.0.1",
        "127.1,               127.0.0.1",
        "127.0.1,             127.0.0.1",
        "2130706433,          127.0.0.1",
        "0x7f000001,          127.0.0.1",
        "0X7F000001,          127.0.0.1",
        "017700000001,        127.0.0.1",
        "0177.0.0.1,          127.0.0.1",
        "0177.0.0.01,         127.0.0.1",
        "0x7f.1,              127.0.0.1",
        "0x7f.0.0.0x1,        127.0.0.1",
        "127.0.0.1.,          127.0.0.1",
        "127.1.,              127.0.0.1",
        // the other families get the same treatment
        "0,                   0.0.0.0",
        "0.0.0.0,             0.0.0.0",
        "4294967295,          255.255.255.255",
        "0xffffffff,          255.255.255.255",
        "10.1,                10.0.0.1",
        "167772161,           10.0.0.1",
        "169.254.43518,       169.254.169.254",
        "0xa9fea9fe,          169.254.169.254",
        "0251.0376.0251.0376, 169.254.169.254",
        "192.168.0x1.1,       192.168.1.1",
        "8.8.8.8,             8.8.8.8",
    })
    void ipv4SpellingsAreReadAsTheAddress(String host, String expected) throws UnknownHostException {
        Optional<InetAddress> parsed = IpLiterals.parse(host);
        assertThat(parsed).as(host).isPresent();
        assertThat(parsed.get()).isInstanceOf(Inet4Address.class);
        assertThat(parsed.get().getHostAddress()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "[::1],                  0:0:0:0:0:0:0:1",
        "::1,                    0:0:0:0:0:0:0:1",
        "[0:0:0:0:0:0:0:1],      0:0:0:0:0:0:0:1",
        "[::],                   0:0:0:0:0:0:0:0",
        "[fe80::1%25eth0],       fe80:0:0:0:0:0:0:1",
        "[fd00::1],              fd00:0:0:0:0:0:0:1",
        "[2606:4700::1],         2606:4700:0:0:0:0:0:1",
        "[::10.0.0.1],           0:0:0:0:0:0:a00:1",
        "[64:ff9b::a00:1],       64:ff9b:0:0:0:0:a00:1",
    })
    void ipv6LiteralsAreReadWithOrWithoutBrackets(String host, String expected) {
        Optional<InetAddress> parsed = IpLiterals.parse(host);
        assertThat(parsed).as(host).isPresent();
        assertThat(parsed.get()).isInstanceOf(Inet6Address.class);
        assertThat(parsed.get().getHostAddress()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"::ffff:127.0.0.1", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[0:0:0:0:0:ffff:7f00:0001]"})
    void ipv4MappedIpv6IsTheIpv4AddressInside(String host) {
        Optional<InetAddress> parsed = IpLiterals.parse(host);
        assertThat(parsed).as(host).isPresent();
        // Judged (and connected to) as the IPv4 address it carries, so the IPv4 ranges apply.
        assertThat(parsed.get()).isInstanceOf(Inet4Address.class);
        assertThat(parsed.get().getHostAddress()).isEqualTo("127.0.0.1");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
        // out of range, too many parts, empty parts, bad digits
        "256.1.1.1", "1.256.1.1", "1.1.256.1", "1.1.1.256", "1.1.65536", "1.16777216", "4294967296", "0x100000000",
        "1.2.3.4.5", "1..1", ".1", "1.2.3.4..", "08", "0.0.0.09", "0x7g", "0xx1", "1e3", "-1", "+1", "1 ", " 1",
        // names, including ones that look numeric but are not
        "", "localhost", "example.com", "hook.test", "127.0.0.1.nip.io", "0x7f000001.example", "a1",
        // IPv6 that does not parse
        "[::1", "::1]", "[1:2:3]", "[::g]", "[:::]", "[1::2::3]", "[]", "[::1]x",
        // digits that are digits only outside ASCII (Arabic-Indic, fullwidth)
        "\u0661\u0662\u0667.0.0.1", "\uff11\uff12\uff17.0.0.1", "[::\uff41]",
    })
    void otherHostsAreNamesNotAddresses(String host) {
        assertThat(IpLiterals.parse(host)).as("\"%s\"", host).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "http://h/,                    -1",
        "http://[::1]/,                -1",
        "http://h:1/,                  1",
        "http://h:65535/,              65535",
        "http://h:08080/,              8080",
        "http://[::1]:443/,            443",
        "http://127.1:8080/,           8080",
        // given, but not 1-65535 in ASCII digits: INVALID_PORT (0), never the default port
        "http://h:0/,                  0",
        "http://h:65536/,              0",
        "http://h:99999999999/,        0",
        "http://h:-1/,                 0",
        "http://h:+80/,                0",
        "http://h:/,                   0",
        "http://[::1]:/,               0",
        "http://127.0.0.1:000080/,     0",
        "http://127.1:70000/,          0",
    })
    void portIsReadStrictlyFromTheAuthority(String url, int expected) {
        assertThat(IpLiterals.port(java.net.URI.create(url))).as(url).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void nullIsAName() {
        assertThat(IpLiterals.parse(null)).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void bareHexPrefixIsZeroAsInTheUrlStandard() {
        // WHATWG's IPv4 number parser reads "0x" as 0 (so browsers go to 0.0.0.0); IpLiterals follows it,
        // which keeps such a host away from DNS and in front of the guard ("this network").
        assertThat(IpLiterals.parse("0x")).map(InetAddress::getHostAddress).contains("0.0.0.0");
        assertThat(IpLiterals.parse("0x.0x.0x.0x1")).map(InetAddress::getHostAddress).contains("0.0.0.1");
    }
}
