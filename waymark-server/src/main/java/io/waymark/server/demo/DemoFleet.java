package io.waymark.server.demo;

import java.io.IOException;
import java.net.BindException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The all-in-one's fleet: six real HTTP targets on 127.0.0.11–16, two per zone, with different
 * capacities, so failing one visibly moves weight. They share one port so the addresses alone tell
 * them apart; if the preferred port is taken on any address, the fleet moves to the next port.
 */
public final class DemoFleet implements AutoCloseable {
    /** id, loopback address, zone, capacity */
    private static final String[][] LAYOUT = {
            {"use1-az1-a", "127.0.0.11", "az1", "100"},
            {"use1-az1-b", "127.0.0.12", "az1", "50"},
            {"use1-az2-a", "127.0.0.13", "az2", "200"},
            {"use1-az2-b", "127.0.0.14", "az2", "100"},
            {"use1-az3-a", "127.0.0.15", "az3", "150"},
            {"use1-az3-b", "127.0.0.16", "az3", "50"},
    };
    private static final int PORT_ATTEMPTS_MAX = 50;

    private final List<DemoTarget> targets;

    private DemoFleet(List<DemoTarget> targets) {
        this.targets = List.copyOf(targets);
    }

    public static DemoFleet start(int preferredPort) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < PORT_ATTEMPTS_MAX; attempt++) {
            int port = preferredPort + attempt;
            List<DemoTarget> started = new ArrayList<>();
            try {
                for (String[] t : LAYOUT) started.add(new DemoTarget(t[0], t[1], port, t[2], Long.parseLong(t[3])));
                return new DemoFleet(started);
            } catch (BindException e) {
                started.forEach(DemoTarget::close);
                last = e;
            }
        }
        throw new IOException("no free port for the demo fleet in " + preferredPort + ".." + (preferredPort + PORT_ATTEMPTS_MAX - 1), last);
    }

    public List<DemoTarget> targets() {
        return targets;
    }

    public Optional<DemoTarget> target(String id) {
        return targets.stream().filter(t -> t.id().equals(id)).findFirst();
    }

    @Override
    public void close() {
        targets.forEach(DemoTarget::close);
    }
}
