package io.waymark.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Weighted answers measured over the wire: 20,000 queries per name, shares compared with the
 * weights. The variant tables come from a fixed seed and the sampling error of 20,000 queries is
 * about 0.35 percentage points, so a ±3 point tolerance does not flake yet catches any real skew.
 */
class WeightedAnswersTest {
    private static final int QUERIES = 20_000;
    private static final double TOLERANCE = 0.03;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        Authority authority = Authority.of(List.of(Zone.withDefaults(Name.fromString("waymark.test."))), ServingOptions.defaults());
        server = TestServer.start(authority);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static RecordSet weighted(String prefix, int... weights) {
        List<WeightedAddress> addresses = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) addresses.add(WeightedAddress.of(prefix + (i + 1), weights[i]));
        return new RecordSet(addresses, 30);
    }

    @Test
    void first_positions_follow_the_weights_when_every_address_fits() throws Exception {
        Endpoint api = Endpoint.of("api.waymark.test.");
        server.authority.applyManaged(Map.of(api, weighted("10.1.0.", 1, 2, 3, 4)));
        List<List<String>> answers = ask("api.waymark.test.", Type.A);
        double[] firsts = new double[4];
        for (List<String> a : answers) {
            assertThat(a).hasSize(4).doesNotHaveDuplicates();
            firsts[lastOctet(a.get(0)) - 1]++;
        }
        for (int i = 0; i < 4; i++) assertThat(firsts[i] / QUERIES).as("first share of address %d", i + 1).isCloseTo((i + 1) / 10.0, within(TOLERANCE));
    }

    @Test
    void with_more_addresses_than_fit_each_answer_holds_n_drawn_by_weight() throws Exception {
        int[] weights = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        server.authority.applyManaged(Map.of(Endpoint.of("many.waymark.test."), weighted("10.2.0.", weights)));
        List<List<String>> answers = ask("many.waymark.test.", Type.A);
        double[] firsts = new double[weights.length];
        double[] appearances = new double[weights.length];
        for (List<String> a : answers) {
            assertThat(a).hasSize(ServingOptions.ANSWER_ADDRESSES_MAX_DEFAULT).doesNotHaveDuplicates();
            firsts[lastOctet(a.get(0)) - 1]++;
            for (String address : a) appearances[lastOctet(address) - 1]++;
        }
        double[] expectedAppearance = inclusionProbabilities(weights, ServingOptions.ANSWER_ADDRESSES_MAX_DEFAULT);
        int total = Arrays.stream(weights).sum();
        for (int i = 0; i < weights.length; i++) {
            assertThat(firsts[i] / QUERIES).as("first share of address %d", i + 1).isCloseTo((double) weights[i] / total, within(TOLERANCE));
            assertThat(appearances[i] / QUERIES).as("appearance share of address %d", i + 1).isCloseTo(expectedAppearance[i], within(TOLERANCE));
        }
    }

    @Test
    void a_dual_stack_record_set_answers_a_and_aaaa_separately_with_its_ttl() throws Exception {
        Endpoint dual = Endpoint.of("Dual.Waymark.Test.");
        RecordSet records = new RecordSet(List.of(WeightedAddress.of("192.0.2.10", 1), WeightedAddress.of("2001:db8::10", 3), WeightedAddress.of("2001:db8::11", 1)), 45);
        server.authority.applyManaged(Map.of(dual, records));
        Message a = server.query("dual.waymark.test.", Type.A);
        assertThat(a.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(a.getSection(Section.ANSWER)).singleElement().satisfies(r -> assertThat(r.getTTL()).isEqualTo(45));
        assertThat(server.query("DUAL.waymark.test.", Type.AAAA).getSection(Section.ANSWER)).hasSize(2);
        assertThat(server.authority.managed(Endpoint.of("dual.waymark.test."))).contains(records);
    }

    /** Exact enough expectation for draws without replacement: a seeded simulation of 400,000 draws. */
    private static double[] inclusionProbabilities(int[] weights, int n) {
        Random random = new Random(7);
        int runs = 400_000;
        double[] counts = new double[weights.length];
        for (int run = 0; run < runs; run++) {
            boolean[] taken = new boolean[weights.length];
            int remaining = Arrays.stream(weights).sum();
            for (int k = 0; k < n; k++) {
                int target = random.nextInt(remaining);
                for (int i = 0; i < weights.length; i++) {
                    if (taken[i]) continue;
                    target -= weights[i];
                    if (target < 0) {
                        taken[i] = true;
                        remaining -= weights[i];
                        counts[i]++;
                        break;
                    }
                }
            }
        }
        for (int i = 0; i < counts.length; i++) counts[i] /= runs;
        return counts;
    }

    private static int lastOctet(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf('.') + 1));
    }

    /** QUERIES real UDP queries, one at a time on one socket; each answer's addresses in order. */
    private static List<List<String>> ask(String name, int type) throws Exception {
        List<List<String>> answers = new ArrayList<>(QUERIES);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(TestServer.LOOPBACK, 0))) {
            socket.setSoTimeout(5_000);
            byte[] query = TestServer.queryBytes(name, type, 0);
            byte[] buf = new byte[4096];
            for (int i = 0; i < QUERIES; i++) {
                query[0] = (byte) (i >>> 8);
                query[1] = (byte) i;
                socket.send(new DatagramPacket(query, query.length, TestServer.LOOPBACK, server.port()));
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                Message m = new Message(Arrays.copyOf(buf, p.getLength()));
                assertThat(m.getHeader().getID()).isEqualTo(i & 0xffff);
                List<String> addresses = new ArrayList<>();
                for (org.xbill.DNS.Record r : m.getSection(Section.ANSWER)) addresses.add(((ARecord) r).getAddress().getHostAddress());
                answers.add(addresses);
            }
        }
        Set<Integer> sizes = new HashSet<>();
        answers.forEach(a -> sizes.add(a.size()));
        assertThat(sizes).doesNotContain(0);
        return answers;
    }
}
