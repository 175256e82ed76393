package io.waymark.adapters.record;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Where the embedded record store hands durable changes for serving: the DNS server's authority
 * ({@code authority::applyManaged}). Called once per durable commit, from one thread at a time, in
 * commit order, with every endpoint whose records changed in that commit; the receiver publishes them
 * as ONE atomic snapshot. Called once at open with the full replayed state, before any write.
 *
 * <p>The apply that triggered the call returns only after it: keep it quick, and never call the
 * store's writes from it (the caller waiting on this commit would wait on itself). An exception
 * means "not served": the store then fails until reopened, and reopening serves everything durable.
 *
 * <p>Retired endpoints ({@link io.waymark.core.port.RecordStore#retire}) reach the sink through
 * {@link #publish(Map, Set)}, in the same call and snapshot as the commit's changes (the two sets are
 * disjoint). A sink made from one method only ({@code authority::applyManaged}) cannot stop serving
 * a name, so the store refuses retirements up front for it ({@link #removes()}); wire
 * {@code ServingSink.removing(authority::applyManaged)} to serve them.
 */
@FunctionalInterface
public interface ServingSink {
    ServingSink NONE = removing((changed, removed) -> {});

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

    /** Serves {@code changed} and stops serving {@code removed}, as one snapshot. */
    default void publish(Map<Endpoint, RecordSet> changed, Set<Endpoint> removed) {
        if (!removed.isEmpty()) throw new UnsupportedOperationException("this serving sink cannot stop serving " + removed);
        publish(changed);
    }

    /**
     * As {@link #publish(Map, Set)}, with each endpoint's stamp beside its records (every value holds
     * records): the embedded store calls this one, so a sink that serves stamps (the DNS server as an
     * UPDATE target answers them at {@code _waymark.<endpoint>}) has them in the same snapshot. Default:
     * the stamps are dropped and the records published.
     */
    default void publishStamped(Map<Endpoint, io.waymark.core.port.StampedRecords> changed, Set<Endpoint> removed) {
        Map<Endpoint, RecordSet> records = new java.util.LinkedHashMap<>(changed.size() * 2);
        changed.forEach((e, s) -> records.put(e, s.records().orElseThrow(() -> new IllegalArgumentException("published " + e + " without records"))));
        if (removed.isEmpty()) publish(records);
        else publish(records, removed);
    }

    /**
     * Whether this sink answers stamps, i.e. what its {@link #publishStamped} does with them. When
     * false, the embedded store leaves out of each commit's call the endpoints whose records are the
     * ones already durable and served (a plan that restamps every endpoint and changes one: only that
     * one is handed over), since nothing such a sink answers changes for the others. Default true:
     * every endpoint written in the commit is handed over.
     */
    default boolean servesStamps() {
        return true;
    }

    /** Whether {@link #publish(Map, Set)} can stop serving names (checked before a retirement is made durable). */
    default boolean removes() {
        return false;
    }

    /** A sink that serves changes and removals in one call, e.g. {@code removing(authority::applyManaged)}. */
    static ServingSink removing(BiConsumer<Map<Endpoint, RecordSet>, Set<Endpoint>> sink) {
        if (sink == null) throw new IllegalArgumentException("sink must not be null");
        return new ServingSink() {
            @Override
            public void publish(Map<Endpoint, RecordSet> changed) {
                sink.accept(changed, Set.of());
            }

            @Override
            public void publish(Map<Endpoint, RecordSet> changed, Set<Endpoint> removed) {
                sink.accept(changed, removed);
            }

            @Override
            public boolean removes() {
                return true;
            }
        };
    }
}
