package io.waymark.sim.system;

import io.waymark.core.model.Endpoint;
import io.waymark.core.planner.EndpointSpec;
import io.waymark.core.planner.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The configured endpoint set, changed by the CONFIG fault between plans: an endpoint added, one removed,
 * a whole DNS zone removed (never the last endpoint: a topology needs one). Index i is
 * {@code SystemFleet.CATALOGUE.get(i)}; only the first {@code used} are ever configured.
 */
final class SystemConfig {
    private final int used;
    private final boolean[] live;
    private final long[] removedAtMillis;
    private Topology topology;
    private long version = 0;

    SystemConfig(int used, SplittableRandom random) {
        this.used = used;
        live = new boolean[SystemFleet.CATALOGUE.size()];
        removedAtMillis = new long[live.length];
        for (int i = 0; i < live.length; i++) {
            boolean in = i == 0 || random.nextInt(4) != 0; // draws for every endpoint, used or not
            live[i] = in && i < used;
        }
        rebuild();
    }

    boolean live(int i) {
        return live[i];
    }

    boolean[] liveArray() {
        return live;
    }

    boolean live(Endpoint e) {
        int i = SystemFleet.ENDPOINTS.indexOf(e);
        return i >= 0 && live[i];
    }

    long removedAtMillis(int i) {
        return removedAtMillis[i];
    }

    long version() {
        return version;
    }

    Topology topology() {
        return topology;
    }

    int used() {
        return used;
    }

    /** Endpoints the step removed (so that the checkers retire them), through {@code removed}. Returns a trace line or null. */
    String step(SplittableRandom random, boolean fires, long nowMillis, List<Integer> removed) {
        int kind = random.nextInt(5);
        int pick = random.nextInt(SystemFleet.CATALOGUE.size());
        if (!fires) return null;
        int i = pick % used;
        String line;
        if (kind <= 1) {
            if (live[i]) return null;
            live[i] = true;
            line = "configuration adds " + SystemFleet.ENDPOINTS.get(i);
        } else if (kind <= 3) {
            if (!live[i] || count() <= 1) return null;
            live[i] = false;
            removedAtMillis[i] = nowMillis;
            removed.add(i);
            line = "configuration removes " + SystemFleet.ENDPOINTS.get(i);
        } else {
            List<Integer> zone = new ArrayList<>();
            for (int k = 0; k < used; k++) if (live[k] && SystemFleet.zoneOf(SystemFleet.ENDPOINTS.get(k)).equals(SystemFleet.ZONE_OTHER)) zone.add(k);
            if (zone.isEmpty() || zone.size() >= count()) return null;
            for (int k : zone) {
                live[k] = false;
                removedAtMillis[k] = nowMillis;
                removed.add(k);
            }
            line = "configuration removes zone " + SystemFleet.ZONE_OTHER + " (" + zone.size() + " endpoint(s))";
        }
        rebuild();
        return line;
    }

    private int count() {
        int n = 0;
        for (boolean b : live) if (b) n++;
        return n;
    }

    private void rebuild() {
        List<EndpointSpec> specs = new ArrayList<>();
        for (int i = 0; i < live.length; i++) if (live[i]) specs.add(SystemFleet.CATALOGUE.get(i));
        topology = Topology.of(specs);
        version++;
    }
}
