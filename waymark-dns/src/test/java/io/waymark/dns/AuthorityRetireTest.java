package io.waymark.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Defect 9 (serving half): a retired endpoint is no longer served, in the same snapshot as other changes. */
class AuthorityRetireTest {
    private static RecordSet records(String address) {
        return new RecordSet(List.of(WeightedAddress.of(address, 1)), 20);
    }

    private static Message ask(Authority authority, String name, int type) throws Exception {
        ByteBuf query = Unpooled.wrappedBuffer(TestServer.queryBytes(name, type, 7));
        ByteBuf reply = Unpooled.buffer();
        assertThat(new QueryResponder(authority, 1).respond(query, reply, Transport.UDP)).isTrue();
        byte[] bytes = new byte[reply.readableBytes()];
        reply.readBytes(bytes);
        return new Message(bytes);
    }

    @Test
    void aRetiredEndpointAnswersNothingAndOtherChangesLandInTheSameSnapshot() throws Exception {
        Authority authority = Authority.of(List.of(Zone.withDefaults(Name.fromString("waymark.test.")), TestServer.exampleZone()), ServingOptions.defaults());
        Endpoint old = Endpoint.of("old.waymark.test.");
        Endpoint api = Endpoint.of("api.waymark.test.");
        Endpoint www = Endpoint.of("www.example.test.");
        authority.applyManaged(Map.of(old, records("192.0.2.1"), www, records("198.51.100.1")));
        long managed = authority.current().managedCount();

        authority.applyManaged(Map.of(api, records("192.0.2.2")), Set.of(old, www, Endpoint.of("never.waymark.test.")));
        assertThat(authority.managed(old)).isEmpty();
        Message gone = ask(authority, "old.waymark.test.", Type.A);
        assertThat(gone.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(gone.getSection(Section.ANSWER)).isEmpty();
        assertThat(ask(authority, "api.waymark.test.", Type.A).getSection(Section.ANSWER)).hasSize(1);
        // A name from a zone file keeps its other records.
        assertThat(ask(authority, "www.example.test.", Type.A).getSection(Section.ANSWER)).isEmpty();
        assertThat(ask(authority, "www.example.test.", Type.TXT).getSection(Section.ANSWER)).hasSize(1);
        assertThat(authority.current().managedCount()).isEqualTo(managed - 2 + 1);
    }
}
