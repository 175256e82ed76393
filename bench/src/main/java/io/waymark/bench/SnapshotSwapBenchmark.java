package io.waymark.bench;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import io.waymark.dns.Authority;
import io.waymark.dns.ServingOptions;
import io.waymark.dns.Zone;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One managed endpoint's change swapped into the serving snapshot ({@link Authority#applyManaged}): what
 * every update pays between its records becoming durable and DNS answering them — the endpoint's new
 * node, the name table's shard copy, the IXFR journal's new version, the zone's new SOA. The journal
 * is filled to its bound first (setup applies 1,000 changes), as on a server that has run a while.
 * {@code endpoints} is how many managed names the zone holds besides.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SnapshotSwapBenchmark {
    private static final String ZONE = "example.test.";
    private static final int WARM_CHANGES = 1_000;

    @Param({"100", "20000"})
    public int endpoints;

    private Authority authority;
    private Endpoint[] names;
    private RecordSet[][] records;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        authority = Authority.of(List.of(Zone.withDefaults(ZONE)), ServingOptions.defaults());
        names = new Endpoint[endpoints];
        records = new RecordSet[endpoints][2];
        Map<Endpoint, RecordSet> all = new HashMap<>();
        for (int i = 0; i < endpoints; i++) {
            names[i] = Endpoint.of("ep" + i + "." + ZONE);
            for (int v = 0; v < 2; v++) {
                records[i][v] = new RecordSet(List.of(WeightedAddress.of("10." + (v + 1) + "." + (i >>> 8 & 255) + "." + (i & 255), 100)), 30);
            }
            all.put(names[i], records[i][0]);
        }
        authority.applyManaged(all);
        for (int k = 0; k < WARM_CHANGES; k++) swap();
        if (authority.managed(names[0]).isEmpty()) throw new IllegalStateException("setup: ep0 is not served");
    }

    /** A different endpoint each time, flipping between its two record sets. */
    @Benchmark
    public Object swap() {
        int k = next++;
        int i = k % endpoints;
        int v = (k / endpoints) & 1;
        authority.applyManaged(Map.of(names[i], records[i][v ^ 1]));
        return authority.current();
    }
}
