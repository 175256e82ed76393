package io.waymark.adapters.rfc2136;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;

/** The fast reading of TXT strings gives exactly what dnsjava's getStrings() gives, escapes included. */
class TxtStringsTest {
    @Test
    void readsEveryStringAsDnsjavaDoes() throws Exception {
        Name n = Name.fromString("_waymark.a.example.test.");
        List<List<String>> cases = List.of(
                List.of("waymark-stamp g=12 h=0123456789abcdef", "r=abc", "w=3,1"),
                List.of("with \\\"quote\\\" and \\\\ backslash"),
                List.of("tab\\009 and high \\200 bytes", "plain; semi"),
                List.of(""));
        for (List<String> strings : cases) {
            TXTRecord t = new TXTRecord(n, DClass.IN, 30, strings);
            assertThat(ZoneClient.strings(t)).isEqualTo(t.getStrings());
        }
    }
}
