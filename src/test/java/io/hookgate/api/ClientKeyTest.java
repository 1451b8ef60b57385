package io.hookgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The client address the per-address limits count under: IPv4 as is, IPv6 by its /64. */
class ClientKeyTest {

    @ParameterizedTest
    @CsvSource({
        "203.0.113.7,                      203.0.113.7",
        "2001:db8:1:2:3:4:5:6,             2001:db8:1:2:0:0:0:0/64",
        "2001:db8:1:2:ffff:ffff:ffff:ffff, 2001:db8:1:2:0:0:0:0/64",
        "::ffff:192.0.2.1,                 192.0.2.1",
        "::1,                              0:0:0:0:0:0:0:0/64"})
    void anIpv6AddressCountsByItsSlash64AndMappedIpv4AsIpv4(String address, String key) {
        assertThat(FrontDoor.clientKey(address)).isEqualTo(key);
    }
}
