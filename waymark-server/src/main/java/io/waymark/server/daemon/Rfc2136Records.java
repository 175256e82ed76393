package io.waymark.server.daemon;

import io.waymark.adapters.rfc2136.Rfc2136RecordStore;
import io.waymark.adapters.rfc2136.Rfc2136Settings;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Stamp;
import io.waymark.core.role.Reopenable;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The RFC 2136 record store as the daemon's supervisor and audit log see it: watched like the embedded one
 * (status shows the server's failure once, with what to check; "reopening" is a probe UPDATE that changes
 * nothing), and drift it finds and repairs becomes an audit line.
 */
final class Rfc2136Records implements Reopenable, AutoCloseable {
    private final Rfc2136RecordStore store;

    private Rfc2136Records(Rfc2136RecordStore store) {
        this.store = store;
    }

    static Rfc2136Records open(Rfc2136Settings settings, AuditLog audit) {
        Rfc2136RecordStore.DriftListener drift = new Rfc2136RecordStore.DriftListener() {
            @Override
            public void repaired(Endpoint endpoint, String what, Stamp stamp) {
                audit.record("waymark (drift)", "drift-repair", "records of " + endpoint + " changed behind Waymark's back (" + what + "); put back at " + stamp,
                        Map.of("endpoint", endpoint.name(), "found", what, "stamp", stamp.toString()));
            }
        };
        return new Rfc2136Records(Rfc2136RecordStore.open(settings, new SplittableRandom(new SecureRandom().nextLong()), drift));
    }

    Rfc2136RecordStore store() {
        return store;
    }

    @Override
    public String name() {
        return "records";
    }

    @Override
    public Optional<String> failure() {
        return store.failure().map(f -> store.settings().serverText() + ": " + f);
    }

    @Override
    public Outcome reopen() {
        Optional<String> failed = store.probe();
        return failed.isEmpty() ? new Outcome.Reopened() : new Outcome.StillFailing(failed.get());
    }

    @Override
    public void close() {
        store.close();
    }
}
