package io.waymark.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** A running server answers from whatever snapshot was published last: managed changes and whole replacements. */
class SnapshotSwapTest {
    @Test
    void published_changes_are_served_by_the_running_server() throws Exception {
        try (TestServer server = TestServer.start(Authority.of(List.of(Zone.withDefaults("waymark.test.")), ServingOptions.defaults()))) {
            assertThat(server.query("api.waymark.test.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
            server.authority.applyManaged(Map.of(Endpoint.of("api.waymark.test."), RecordSet.of(30, WeightedAddress.of("192.0.2.5", 1))));
            Message after = server.query("api.waymark.test.", Type.A);
            assertThat(after.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(((ARecord) after.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress()).isEqualTo("192.0.2.5");

            server.authority.replace(ServingSnapshot.of(List.of(TestServer.exampleZone()), ServingOptions.defaults()));
            assertThat(server.query("api.waymark.test.", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
            assertThat(server.query("www.example.test.", Type.A).getSection(Section.ANSWER)).hasSize(2);
        }
    }
}
