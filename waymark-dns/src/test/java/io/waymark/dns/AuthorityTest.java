package io.waymark.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Publishing managed record sets: all or nothing, one snapshot per change, readable back. */
class AuthorityTest {
    private static Authority authority() throws Exception {
        return Authority.of(List.of(Zone.withDefaults(Name.fromString("waymark.test.")), TestServer.exampleZone()), ServingOptions.defaults());
    }

    private static RecordSet records(int ttl, String... addresses) {
        return new RecordSet(java.util.Arrays.stream(addresses).map(a -> WeightedAddress.of(a, 1)).toList(), ttl);
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
    void records_applied_again_unchanged_keep_the_snapshot_and_its_serial_and_a_real_change_moves_both() throws Exception {
        Authority authority = authority();
        Endpoint api = Endpoint.of("api.waymark.test.");
        Endpoint web = Endpoint.of("web.waymark.test.");
        authority.applyManaged(Map.of(api, records(20, "192.0.2.7"), web, records(20, "192.0.2.8")));
        ServingSnapshot before = authority.current();
        // A new plan restamps every endpoint with the same records: nothing answers differently.
        authority.applyManaged(Map.of(api, records(20, "192.0.2.7"), web, records(20, "192.0.2.8")));
        assertThat(authority.current()).isSameAs(before);
        // One of them changes: a new snapshot, a new serial, the other endpoint still served as before.
        authority.applyManaged(Map.of(api, records(20, "192.0.2.9"), web, records(20, "192.0.2.8")));
        assertThat(authority.current()).isNotSameAs(before);
        assertThat(authority.current().soa(0).getSerial()).isNotEqualTo(before.soa(0).getSerial());
        assertThat(authority.managed(api)).contains(records(20, "192.0.2.9"));
        assertThat(authority.managed(web)).contains(records(20, "192.0.2.8"));
        // Same addresses, another TTL: that is a change too.
        ServingSnapshot changed = authority.current();
        authority.applyManaged(Map.of(web, records(30, "192.0.2.8")));
        assertThat(authority.current()).isNotSameAs(changed);
        assertThat(ask(authority, "web.waymark.test.", Type.A).getSection(Section.ANSWER)).singleElement()
                .satisfies(r -> assertThat(r.getTTL()).isEqualTo(30));
    }

    @Test
    void an_endpoint_at_a_zone_apex_is_served_beside_the_apex_records_and_each_change_moves_the_serial() throws Exception {
        // The managed node and the apex's new SOA are one node here: the commit must keep both, and
        // the zone's NS, whatever order the snapshot builds them in.
        Authority authority = authority();
        Endpoint apex = Endpoint.of("waymark.test.");
        long serial0 = authority.current().soa(0).getSerial();
        authority.applyManaged(Map.of(apex, records(20, "192.0.2.7")));
        long serial1 = authority.current().soa(0).getSerial();
        assertThat(serial1).isNotEqualTo(serial0);
        authority.applyManaged(Map.of(apex, records(20, "192.0.2.8"), Endpoint.of("api.waymark.test."), records(20, "192.0.2.9")));
        long serial2 = authority.current().soa(0).getSerial();
        assertThat(serial2).isNotEqualTo(serial1);

        assertThat(ask(authority, "waymark.test.", Type.A).getSection(Section.ANSWER)).singleElement()
                .satisfies(r -> assertThat(r.rdataToString()).isEqualTo("192.0.2.8"));
        assertThat(ask(authority, "waymark.test.", Type.SOA).getSection(Section.ANSWER)).singleElement()
                .satisfies(r -> assertThat(((org.xbill.DNS.SOARecord) r).getSerial()).isEqualTo(serial2));
        assertThat(ask(authority, "waymark.test.", Type.NS).getSection(Section.ANSWER)).isNotEmpty();
        assertThat(ask(authority, "api.waymark.test.", Type.A).getSection(Section.ANSWER)).singleElement()
                .satisfies(r -> assertThat(r.rdataToString()).isEqualTo("192.0.2.9"));
        // A change elsewhere in the zone moves the apex's SOA and keeps the managed apex as it is.
        authority.applyManaged(Map.of(Endpoint.of("api.waymark.test."), records(20, "192.0.2.10")));
        assertThat(authority.current().soa(0).getSerial()).isNotEqualTo(serial2);
        assertThat(ask(authority, "waymark.test.", Type.A).getSection(Section.ANSWER)).singleElement()
                .satisfies(r -> assertThat(r.rdataToString()).isEqualTo("192.0.2.8"));
        assertThat(ask(authority, "waymark.test.", Type.SOA).getSection(Section.ANSWER)).singleElement()
                .satisfies(r -> assertThat(((org.xbill.DNS.SOARecord) r).getSerial()).isEqualTo(authority.current().soa(0).getSerial()));
    }

    @Test
    void a_served_stamp_moves_with_a_plan_that_keeps_the_records() throws Exception {
        // With dns.update on, writers read _waymark.<endpoint> before each UPDATE and name it as their
        // prerequisite: a stamp left behind because the records did not change would fail every retry.
        Authority authority = authority();
        Endpoint api = Endpoint.of("api.waymark.test.");
        authority.applyManaged(Map.of(api, records(20, "192.0.2.7")), Set.of(), Map.of(api, List.of(List.of("g1"))));
        authority.applyManaged(Map.of(api, records(20, "192.0.2.7")), Set.of(), Map.of(api, List.of(List.of("g2"))));
        assertThat(ask(authority, "_waymark.api.waymark.test.", Type.TXT).getSection(Section.ANSWER)).singleElement()
                .satisfies(r -> assertThat(((org.xbill.DNS.TXTRecord) r).getStrings()).containsExactly("g2"));
        assertThat(ask(authority, "api.waymark.test.", Type.A).getSection(Section.ANSWER)).hasSize(1);
    }

    @Test
    void a_managed_endpoint_is_served_and_read_back() throws Exception {
        Authority authority = authority();
        Endpoint api = Endpoint.of("api.eu.waymark.test.");
        authority.applyManaged(Map.of(api, records(20, "192.0.2.7")));
        assertThat(authority.managed(api)).contains(records(20, "192.0.2.7"));
        assertThat(ask(authority, "api.eu.waymark.test.", Type.A).getSection(Section.ANSWER)).singleElement()
                .satisfies(r -> assertThat(r.getTTL()).isEqualTo(20));
        // The new name's parent exists now (empty non-terminal): NODATA, not NXDOMAIN.
        Message parent = ask(authority, "eu.waymark.test.", Type.A);
        assertThat(parent.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(parent.getSection(Section.AUTHORITY)).hasSize(1);
        assertThat(ask(authority, "other.eu.waymark.test.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        // A managed name from a zone file keeps its other types.
        authority.applyManaged(Map.of(Endpoint.of("www.example.test."), records(5, "198.51.100.1")));
        assertThat(ask(authority, "www.example.test.", Type.A).getSection(Section.ANSWER)).hasSize(1);
        assertThat(ask(authority, "www.example.test.", Type.TXT).getSection(Section.ANSWER)).hasSize(1);
        assertThat(ask(authority, "www.example.test.", Type.AAAA).getSection(Section.ANSWER)).isEmpty();
    }

    @Test
    void an_endpoint_outside_the_served_zones_publishes_nothing() throws Exception {
        Authority authority = authority();
        ServingSnapshot before = authority.current();
        Map<Endpoint, RecordSet> changes = new HashMap<>();
        changes.put(Endpoint.of("ok.waymark.test."), records(20, "192.0.2.7"));
        changes.put(Endpoint.of("api.elsewhere.test."), records(20, "192.0.2.8"));
        assertThatThrownBy(() -> authority.applyManaged(changes)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside every served zone");
        assertThatThrownBy(() -> authority.applyManaged(Map.of(Endpoint.of("x.sub.example.test."), records(20, "192.0.2.8"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delegation");
        assertThatThrownBy(() -> authority.applyManaged(Map.of(Endpoint.of("alias.example.test."), records(20, "192.0.2.8"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CNAME");
        assertThat(authority.current()).isSameAs(before);
        assertThat(authority.managed(Endpoint.of("ok.waymark.test."))).isEmpty();
    }

    @Test
    void unservable_names_the_same_endpoints_that_apply_managed_refuses() throws Exception {
        Authority authority = authority();
        for (String name : List.of("api.elsewhere.test.", "sub.example.test.", "x.sub.example.test.", "alias.example.test.")) {
            Endpoint e = Endpoint.of(name);
            assertThat(authority.unservable(e)).as(name).isPresent();
            assertThatThrownBy(() -> authority.applyManaged(Map.of(e, records(20, "192.0.2.8")))).as(name).isInstanceOf(IllegalArgumentException.class);
        }
        for (String name : List.of("ok.waymark.test.", "waymark.test.", "www.example.test.", "deep.new.example.test.", "x.wild.example.test.")) {
            Endpoint e = Endpoint.of(name);
            assertThat(authority.unservable(e)).as(name).isEmpty();
            authority.applyManaged(Map.of(e, records(20, "192.0.2.8")));
        }
        assertThat(authority.unservable(Endpoint.of("x.sub.example.test.")).orElseThrow()).contains("delegation");
        assertThat(authority.unservable(Endpoint.of("alias.example.test.")).orElseThrow()).contains("CNAME");
        assertThat(authority.unservable(Endpoint.of("api.elsewhere.test.")).orElseThrow()).contains("outside every served zone");
    }

    @Test
    void a_hundred_thousand_endpoints_converge_in_a_handful_of_snapshots() throws Exception {
        Authority authority = authority();
        int endpoints = 100_000;
        int batches = 5;
        List<Map<Endpoint, RecordSet>> changes = new java.util.ArrayList<>();
        for (int b = 0; b < batches; b++) {
            Map<Endpoint, RecordSet> batch = new HashMap<>();
            for (int i = b; i < endpoints; i += batches) {
                batch.put(Endpoint.of("ep" + i + ".waymark.test."), new RecordSet(List.of(
                        WeightedAddress.of("10." + (i >>> 16) + "." + ((i >>> 8) & 255) + "." + (i & 255), 1 + i % 3),
                        WeightedAddress.of("192.0.2." + (i % 200), 2)), 30));
            }
            changes.add(batch);
        }
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long started = System.nanoTime();
        long cpuStarted = threads.getCurrentThreadCpuTime();
        for (Map<Endpoint, RecordSet> batch : changes) authority.applyManaged(batch);
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        long cpuMs = (threads.getCurrentThreadCpuTime() - cpuStarted) / 1_000_000;
        // Reported, not asserted: speed belongs to bench/, and this JVM is cold and the machine shared.
        System.out.println("applied " + endpoints + " endpoint changes in " + batches + " snapshots: " + elapsedMs + " ms wall, " + cpuMs + " ms CPU (cold JVM)");
        assertThat(authority.current().managedCount()).isEqualTo(endpoints);
        for (int i = 0; i < endpoints; i += 997) {
            Optional<RecordSet> served = authority.managed(Endpoint.of("ep" + i + ".waymark.test."));
            assertThat(served).isPresent();
            assertThat(served.get().addresses()).hasSize(2);
        }
        assertThat(ask(authority, "ep12345.waymark.test.", Type.A).getSection(Section.ANSWER)).hasSize(2);
    }

    @Test
    void a_reader_never_sees_half_of_a_change() throws Exception {
        Authority authority = authority();
        Endpoint a = Endpoint.of("a.waymark.test.");
        Endpoint b = Endpoint.of("b.waymark.test.");
        authority.applyManaged(Map.of(a, records(0, "192.0.2.1"), b, records(0, "192.0.2.1")));
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> torn = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            for (int i = 0; i < 5_000_000 && !done.get(); i++) {
                ServingSnapshot s = authority.current();
                int ttlA = s.managed(a).orElseThrow().ttlSeconds();
                int ttlB = s.managed(b).orElseThrow().ttlSeconds();
                if (ttlA != ttlB) torn.compareAndSet(null, "a at " + ttlA + ", b at " + ttlB);
            }
        });
        reader.start();
        for (int change = 1; change <= 2_000; change++) {
            authority.applyManaged(Map.of(a, records(change, "192.0.2.1"), b, records(change, "192.0.2.1")));
        }
        done.set(true);
        reader.join(10_000);
        assertThat(torn.get()).isNull();
        assertThat(authority.managed(a).orElseThrow().ttlSeconds()).isEqualTo(2_000);
    }

    /** Defect 9 (serving half): a retired endpoint is no longer served, in the same snapshot as other changes. */
    @Test
    void aRetiredEndpointAnswersNothingAndOtherChangesLandInTheSameSnapshot() throws Exception {
        Authority authority = authority();
        Endpoint old = Endpoint.of("old.waymark.test.");
        Endpoint api = Endpoint.of("api.waymark.test.");
        Endpoint www = Endpoint.of("www.example.test.");
        authority.applyManaged(Map.of(old, records(20, "192.0.2.1"), www, records(20, "198.51.100.1")));
        long managed = authority.current().managedCount();

        authority.applyManaged(Map.of(api, records(20, "192.0.2.2")), Set.of(old, www, Endpoint.of("never.waymark.test.")));
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
