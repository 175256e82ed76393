package io.waymark.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Address literals are parsed strictly and without the resolver: what is accepted, what is refused. */
class IpLiteralTest {
    static String parsed(String literal) {
        return IpLiteral.parse(literal).getHostAddress();
    }

    @Test
    void dottedQuadsAreStrict() {
        assertThat(parsed("0.9.255.10")).isEqualTo("0.9.255.10");
        for (String bad : new String[] {"256.0.0.1", "1.2.3.1000", "01.2.3.4", "1.2.3", "1.2.3.4.5", "1..3.4", "1.2.3.a", "1.2.3./", "1.2.3.:", "1.2.3.-1"}) {
            assertThatThrownBy(() -> IpLiteral.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not an IP");
        }
    }

    @Test
    void ipv6LiteralsTakeHexDigitsOfEitherCaseColonsAndAnEmbeddedQuad() {
        assertThat(parsed("::1")).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(parsed("09af:AF09:0:0:0:0:0:1")).isEqualTo("9af:af09:0:0:0:0:0:1");
        assertThat(parsed("::ffff:1.2.3.4")).isEqualTo("1.2.3.4"); // IPv4-mapped: Java answers with the IPv4 address
        // The longest literal there is: 45 characters.
        String longest = "ffff:ffff:ffff:ffff:ffff:fffe:255.255.255.255";
        assertThat(longest).hasSize(45);
        assertThat(parsed(longest)).isEqualTo("ffff:ffff:ffff:ffff:ffff:fffe:ffff:ffff");
        assertThatThrownBy(() -> IpLiteral.parse(longest + "0")).hasMessage("not an IP address: '" + longest + "0'");
        for (String bad : new String[] {"::g", "::G", "::@", "::`", "::/", "fe80::1%eth0", "::1 "}) {
            assertThatThrownBy(() -> IpLiteral.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class).hasMessage("not an IPv6 address: '" + bad + "'");
        }
    }

    @Test
    void nothingIsNotAnAddress() {
        assertThatThrownBy(() -> IpLiteral.parse("")).hasMessage("not an IP address: ''");
        assertThatThrownBy(() -> IpLiteral.parse(null)).hasMessage("not an IP address: 'null'");
        assertThatThrownBy(() -> IpLiteral.parse("localhost")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void weightsAreBoundedAndTheFamilyIsKnown() {
        assertThat(WeightedAddress.of("10.0.0.1", 1).weight()).isEqualTo(1);
        assertThat(WeightedAddress.of("10.0.0.1", WeightedAddress.WEIGHT_MAX).weight()).isEqualTo(WeightedAddress.WEIGHT_MAX);
        assertThatThrownBy(() -> WeightedAddress.of("10.0.0.1", 0)).hasMessage("weight must be in 1..1000000, got 0");
        assertThatThrownBy(() -> WeightedAddress.of("10.0.0.1", WeightedAddress.WEIGHT_MAX + 1)).hasMessage("weight must be in 1..1000000, got 1000001");
        assertThat(WeightedAddress.of("10.0.0.1", 1).isIpv4()).isTrue();
        assertThat(WeightedAddress.of("2001:db8::1", 1).isIpv4()).isFalse();
        assertThat(WeightedAddress.of("2001:db8::1", 3).toString()).isEqualTo("2001:db8:0:0:0:0:0:1*3");
    }
}
