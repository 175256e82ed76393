package io.waymark.adapters.record;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import java.util.Map;

/**
 * Where the embedded record store hands durable changes for serving: the DNS server's authority
 * ({@code authority::applyManaged}). Called once per durable commit, from one thread at a time, in
 * commit order, with every endpoint whose records changed in that commit; the receiver publishes them
 * as ONE atomic snapshot. Called once at open with the full replayed state, before any write.
 */
@FunctionalInterface
public interface ServingSink {
    ServingSink NONE = changed -> {};

    void publish(Map<Endpoint, RecordSet> changed);
}
