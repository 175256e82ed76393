package io.waymark.adapters.record;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import java.util.Map;
import java.util.Optional;

/**
 * Where the embedded record store hands durable changes for serving: the DNS server's authority
 * ({@code authority::applyManaged}). Called once per durable commit, from one thread at a time, in
 * commit order, with every endpoint whose records changed in that commit; the receiver publishes them
 * as ONE atomic snapshot. Called once at open with the full replayed state, before any write.
 *
 * <p>The apply that triggered the call returns only after it: keep it quick, and never call the
 * store's writes from it (the caller waiting on this commit would wait on itself). An exception
 * means "not served": the store then fails until reopened, and reopening serves everything durable.
 */
@FunctionalInterface
public interface ServingSink {
    ServingSink NONE = changed -> {};

    void publish(Map<Endpoint, RecordSet> changed);

    /**
     * Why this sink could never serve {@code endpoint} (outside every zone, at or below a delegation,
     * a CNAME), or empty. A record store asks this BEFORE it makes an apply durable and refuses the
     * apply when it answers: an entry the sink refuses after the append would poison every replay.
     * The answer for an endpoint never changes while the sink lives. Default: everything is servable.
     */
    default Optional<String> unservable(Endpoint endpoint) {
        return Optional.empty();
    }
}
