package io.waymark.adapters.rfc2136;

import io.waymark.adapters.rfc2136.ZoneClient.Reply;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.BatchRecordStore;
import io.waymark.core.port.ConditionalApply;
import io.waymark.core.port.RecordStore;
import io.waymark.core.port.StampedRecords;
import io.waymark.core.port.StoreUnavailableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;

/**
 * Records on a standard authoritative server (BIND 9, Knot, PowerDNS), written with RFC 2136 UPDATE.
 *
 * <p><b>The compare-and-set.</b> Each endpoint's stamp (and high-water generation) is a TXT RRset at
 * {@code _waymark.<endpoint>} ({@link StampText}). One UPDATE carries, per endpoint, a value-dependent
 * prerequisite naming that RRset exactly as it was last observed (or "RRset does not exist"), the
 * replacement of the endpoint's A and AAAA RRsets, and the new stamp RRset. Servers apply an UPDATE
 * all or nothing (RFC 2136 3.2, 3.4), so the prerequisites make it a compare-and-set: the decision
 * ({@link #decide}) is taken on an observed state, and the UPDATE lands only if that state is still
 * what the server holds. Its linearization point is the server applying the UPDATE.
 *
 * <p><b>Reads</b> are answered from the latest zone transfer (AXFR: one consistent version of the
 * zone), at most {@code readRefreshMs} old, kept current by incremental transfers (IXFR from the serial
 * held: one message when nothing changed, the differences otherwise; a full AXFR every
 * {@code fullReadIntervalMs} anyway), overlaid with what this store observed since (its own
 * acknowledged UPDATEs and fresh per-endpoint reads). A stale read is harmless — every write is conditional on the exact state —
 * and the enactor's change guard and walk read thousands of endpoints per tick, which one transfer
 * answers. Endpoints whose last UPDATE has an unknown outcome (timeout) are read fresh, never assumed.
 *
 * <p><b>Batches.</b> Many endpoints share an UPDATE (at most {@code updateBytesMax} bytes, over TCP).
 * When a server rejects one because some prerequisite failed, it does not say which: the endpoints of
 * that UPDATE are read fresh, the ones that changed are decided again (CONFLICT or SUPERSEDED), and the
 * rest — now known fresh — go out again in one message. Only a rejection that nothing read explains is
 * split in two halves, recursively (a server refusing a prerequisite that reads as true) — so a conflicting
 * endpoint costs one extra message, a mystery O(log n), and neither holds back the others. Re-sends draw
 * from a retry budget ({@link Admission}).
 *
 * <p><b>Drift.</b> The stamp carries a digest of the records it wrote. A stamp whose records no longer match
 * (changed by hand or by another tool) reads as unreadable — generation 0 with the exact stored text — so
 * enactors heal it with the latest plan, with a compare-and-set on that text; the finding and the repair are
 * reported to the {@link DriftListener} (log and audit line).
 *
 * <p><b>Failures</b> go through {@link Admission}: backoff with jitter, a bounded in-flight window, a rate
 * ceiling. A timeout or an unverifiable answer leaves the outcome unknown: the endpoints are marked for a
 * fresh read and nothing is re-sent blindly. Every method may throw {@link StoreUnavailableException}.
 */
public final class Rfc2136RecordStore implements BatchRecordStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Rfc2136RecordStore.class);
    public static final int BATCH_APPLIES_MAX = PlanDraft.ENDPOINTS_MAX;
    /** Halvings of a rejected UPDATE at most: 2^20 endpoints is beyond any batch. */
    private static final int SPLIT_DEPTH_MAX = 20;
    /** Fresh reads after a rejection are pipelined in groups of this many endpoints. */
    private static final int FRESH_READ_GROUP_MAX = 256;
    /** Drift findings remembered to report each once (one per endpoint at most). */
    private static final int DRIFT_REPORTED_MAX = BATCH_APPLIES_MAX;

    /** Told about records changed behind Waymark's back, once per finding, and about their repair. */
    public interface DriftListener {
        DriftListener NONE = new DriftListener() {};

        default void found(Endpoint endpoint, String what) {}

        default void repaired(Endpoint endpoint, String what, Stamp stamp) {}
    }

    private final Rfc2136Settings settings;
    private final ZoneClient client;
    private final Admission admission;
    private final LongSupplier nanos;
    private final DriftListener drift;
    private final Name zone;

    // The read view: a transfer and what was observed since. Guarded by refreshLock for writes of the snapshot fields.
    private final ReentrantLock refreshLock = new ReentrantLock();
    private volatile Map<Name, EndpointState> snapshot = Map.of();
    private volatile long snapshotAtNanos;
    private volatile boolean haveSnapshot;
    private volatile long snapshotSerial = -1;
    private volatile long fullReadAtNanos;
    private final AtomicLong observationSeq = new AtomicLong();
    private final ConcurrentHashMap<Endpoint, Observed> overlay = new ConcurrentHashMap<>();
    /** Endpoints whose last UPDATE has an unknown outcome, with when that became so: read fresh before use. */
    private final ConcurrentHashMap<Endpoint, Long> unsure = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Endpoint, String> driftReported = new ConcurrentHashMap<>();

    private final AtomicLong rejectedUpdates = new AtomicLong();

    private record Observed(EndpointState state, long seq) {}

    private Rfc2136RecordStore(Rfc2136Settings settings, DnsWire wire, LongSupplier nanos, RandomGenerator random, DriftListener drift) {
        this.settings = settings;
        this.client = new ZoneClient(settings, wire);
        this.admission = new Admission(settings, nanos, random);
        this.nanos = nanos;
        this.drift = drift;
        this.zone = client.zone();
    }

    /** A store on {@code settings.server()}; nothing is sent until the first call. */
    public static Rfc2136RecordStore open(Rfc2136Settings settings, RandomGenerator random, DriftListener drift) {
        if (settings == null || random == null || drift == null) throw new IllegalArgumentException("needs settings, a random generator and a drift listener");
        return new Rfc2136RecordStore(settings, new TcpWire(settings), System::nanoTime, random, drift);
    }

    /**
     * A store over any wire, on any monotonic clock (nanoseconds): the simulator passes its simulated
     * server and virtual clock, and runs this class's real code.
     */
    public static Rfc2136RecordStore open(Rfc2136Settings settings, DnsWire wire, LongSupplier nanos, RandomGenerator random, DriftListener drift) {
        if (settings == null || wire == null || nanos == null || random == null || drift == null) throw new IllegalArgumentException("needs settings, a wire, a clock, a random generator and a drift listener");
        return new Rfc2136RecordStore(settings, wire, nanos, random, drift);
    }

    public Rfc2136Settings settings() {
        return settings;
    }

    // ---------------------------------------------------------------- reads

    @Override
    public StampedRecords read(Endpoint endpoint) {
        checkInZone(endpoint);
        EndpointState state = current(endpoint);
        EndpointState.Decoded d = state.decode();
        d.drift().ifPresent(why -> reportDrift(endpoint, state, why));
        return d.view();
    }

    @Override
    public Set<Endpoint> endpoints() {
        ensureFresh();
        Map<Name, EndpointState> snap = snapshot;
        Set<Endpoint> out = new HashSet<>();
        for (Map.Entry<Name, EndpointState> e : snap.entrySet()) {
            Endpoint ep = endpointOf(e.getKey());
            if (ep != null && !overlay.containsKey(ep) && holds(e.getValue())) out.add(ep);
        }
        overlay.forEach((ep, o) -> {
            if (holds(o.state())) out.add(ep);
        });
        return Set.copyOf(out);
    }

    /** Stamped and not retired: what the store "holds" in the port's sense. */
    private static boolean holds(EndpointState s) {
        if (s.txt().isEmpty()) return false;
        EndpointState.Decoded d = s.decode();
        return !(d.view().stamp().isNone() && d.retired());
    }

    private Endpoint endpointOf(Name name) {
        if (!name.subdomain(zone)) return null;
        try {
            return Endpoint.of(name.toString().toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** What the server holds for {@code endpoint} as far as this store knows, at most readRefreshMs old. */
    private EndpointState current(Endpoint endpoint) {
        if (unsure.containsKey(endpoint)) freshRead(List.of(endpoint));
        ensureFresh();
        return known(endpoint);
    }

    private EndpointState known(Endpoint endpoint) {
        Observed o = overlay.get(endpoint);
        if (o != null) return o.state();
        return snapshot.getOrDefault(ZoneClient.nameOf(endpoint), EndpointState.EMPTY);
    }

    /** Takes a new transfer when the one held is older than readRefreshMs (one caller at a time; the others wait for it). */
    private void ensureFresh() {
        long refreshNanos = TimeUnit.MILLISECONDS.toNanos(settings.readRefreshMs());
        if (haveSnapshot && nanos.getAsLong() - snapshotAtNanos <= refreshNanos) return;
        try {
            if (!refreshLock.tryLock(settings.timeoutMs() + 30_000L, TimeUnit.MILLISECONDS)) {
                throw new StoreUnavailableException("zone transfer from " + settings.serverText() + " still running after " + (settings.timeoutMs() + 30_000L) + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for a zone transfer");
        }
        try {
            long started = nanos.getAsLong();
            if (haveSnapshot && started - snapshotAtNanos <= refreshNanos) return;
            long seqAtStart = observationSeq.get();
            try (Admission.Permit p = admission.admit(false, false).orElseThrow()) {
                boolean fullDue = started - fullReadAtNanos > TimeUnit.MILLISECONDS.toNanos(settings.fullReadIntervalMs());
                ZoneClient.Transfer t = null;
                boolean incremental = haveSnapshot && !fullDue;
                if (incremental) {
                    try {
                        // IXFR from the serial held: one message when nothing changed, the differences otherwise.
                        t = client.incremental(snapshot, snapshotSerial);
                    } catch (IOException e) {
                        LOG.debug("IXFR from {} failed ({}); taking the whole zone", settings.serverText(), e.getMessage());
                        incremental = false;
                    }
                }
                if (!incremental) {
                    t = client.transfer();
                    fullReadAtNanos = started;
                }
                if (t != null) {
                    snapshot = java.util.Collections.unmodifiableMap(t.states());
                    snapshotSerial = t.serial();
                }
                snapshotAtNanos = started;
                haveSnapshot = true;
                admission.succeeded();
            } catch (IOException e) {
                admission.failed("reading the zone: " + e.getMessage(), true);
                throw new StoreUnavailableException("RFC 2136 store: reading zone " + zone + " from " + settings.serverText() + " failed: " + e.getMessage(), e);
            }
            // What was observed before the transfer started is in it (or superseded by it).
            overlay.values().removeIf(o -> o.seq() <= seqAtStart);
        } finally {
            refreshLock.unlock();
        }
    }

    /** Reads these endpoints from the server now (pipelined), and records what was found. */
    private void freshRead(List<Endpoint> endpoints) {
        for (int from = 0; from < endpoints.size(); from += FRESH_READ_GROUP_MAX) {
            List<Endpoint> group = endpoints.subList(from, Math.min(endpoints.size(), from + FRESH_READ_GROUP_MAX));
            try (Admission.Permit p = admission.admit(false, false).orElseThrow()) {
                Map<Endpoint, EndpointState> states = client.readAll(group);
                admission.succeeded();
                states.forEach(this::observed);
                for (Endpoint e : group) unsure.remove(e);
            } catch (IOException e) {
                admission.failed("reading endpoints: " + e.getMessage(), true);
                throw new StoreUnavailableException("RFC 2136 store: reading " + group.size() + " endpoints from " + settings.serverText() + " failed: " + e.getMessage(), e);
            }
        }
    }

    private void observed(Endpoint endpoint, EndpointState state) {
        overlay.put(endpoint, new Observed(state, observationSeq.incrementAndGet()));
    }

    // ---------------------------------------------------------------- writes

    /** One apply on its way: the state its prerequisite names, and what it writes. */
    record Candidate(int index, ConditionalApply apply, EndpointState assumed, EndpointState written, Optional<String> drift) {}

    @Override
    public List<ApplyOutcome> applyAllIfNewer(List<ConditionalApply> applies) {
        if (applies == null) throw new IllegalArgumentException("applies must not be null");
        if (applies.size() > BATCH_APPLIES_MAX) throw new IllegalArgumentException("at most " + BATCH_APPLIES_MAX + " applies per call, got " + applies.size());
        Set<Endpoint> seen = new HashSet<>();
        for (ConditionalApply a : applies) {
            // The whole request is checked before anything is sent: a refused request writes nothing.
            if (a == null) throw new IllegalArgumentException("null apply in batch");
            if (a.records().addresses().isEmpty() || a.records().weightSum() <= 0) throw new IllegalArgumentException("refusing to apply an empty record set to " + a.endpoint());
            checkInZone(a.endpoint());
            if (!seen.add(a.endpoint())) throw new IllegalArgumentException("endpoint " + a.endpoint() + " twice in one batch");
        }
        ApplyOutcome[] outcomes = new ApplyOutcome[applies.size()];
        List<Endpoint> toRead = new ArrayList<>();
        for (ConditionalApply a : applies) if (unsure.containsKey(a.endpoint())) toRead.add(a.endpoint());
        if (!toRead.isEmpty()) freshRead(toRead);
        ensureFresh();
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < applies.size(); i++) {
            Candidate c = decide(i, applies.get(i), known(applies.get(i).endpoint()), outcomes);
            if (c != null) candidates.add(c);
        }
        sendPipelined(UpdateMessage.groups(candidates, settings.updateBytesMax()), outcomes);
        List<ApplyOutcome> out = new ArrayList<>(applies.size());
        for (ApplyOutcome o : outcomes) {
            if (o == null) throw new IllegalStateException("an apply got no outcome");
            out.add(o);
        }
        return out;
    }

    /**
     * The compare-and-set rule of {@link RecordStore#applyIfNewer} on an observed state: sets the outcome
     * (SUPERSEDED or CONFLICT) and returns null, or returns the candidate to send.
     */
    private Candidate decide(int index, ConditionalApply a, EndpointState state, ApplyOutcome[] outcomes) {
        EndpointState.Decoded d = state.decode();
        Stamp s = d.view().stamp();
        if (s.generation().isAtLeast(a.next().generation())
                || (d.retired() && d.high().isAtLeast(a.next().generation()))
                || d.high().isAfter(a.next().generation())) {
            outcomes[index] = ApplyOutcome.SUPERSEDED;
            return null;
        }
        if (!s.equals(a.expected())) {
            outcomes[index] = ApplyOutcome.CONFLICT;
            return null;
        }
        EndpointState written = new EndpointState(StampRecords.txt(a.next(), a.records()), StampText.served(a.records()));
        return new Candidate(index, a, state, written, d.drift());
    }

    /** An UPDATE sent and not yet answered: its endpoints, its admission permit, the answer to come. */
    private record Outgoing(List<Candidate> group, Admission.Permit permit, java.util.concurrent.CompletableFuture<org.xbill.DNS.Message> answer) {}

    /**
     * Sends the chunks with up to {@code updatesInFlightMax} UPDATEs outstanding at once on the
     * connection (the admission window and rate decide), taking answers in order: the server works
     * on one while the next travels and is parsed, instead of idling for a round trip per message.
     * Each message is still its own all-or-nothing compare-and-set. When one fails, the ones already
     * sent are still answered (their outcome known or marked unsure) before the failure is thrown.
     */
    private void sendPipelined(List<List<Candidate>> groups, ApplyOutcome[] outcomes) {
        java.util.ArrayDeque<Outgoing> window = new java.util.ArrayDeque<>();
        try {
            for (List<Candidate> group : groups) for (UpdateMessage.Chunk chunk : built(group, outcomes)) {
                // At most updatesInFlightMax unanswered here, and a slot is freed by taking answers, never by waiting on one we hold.
                while (window.size() >= settings.updatesInFlightMax()) finish(window.poll(), 0, outcomes);
                Optional<Admission.Permit> permit = window.isEmpty() ? Optional.empty() : admission.admitIfWindowOpen();
                while (permit.isEmpty() && !window.isEmpty()) {
                    finish(window.poll(), 0, outcomes);
                    permit = window.isEmpty() ? Optional.empty() : admission.admitIfWindowOpen();
                }
                if (permit.isEmpty()) permit = admission.admit(true, false); // waits (bounded) for a token; never empty for a first send
                window.add(start(chunk.group(), chunk.message(), permit.orElseThrow()));
            }
            while (!window.isEmpty()) finish(window.poll(), 0, outcomes);
        } catch (StoreUnavailableException e) {
            for (Outgoing o : window) {
                try {
                    finish(o, 0, outcomes);
                } catch (StoreUnavailableException alsoFailed) {
                    e.addSuppressed(alsoFailed);
                }
            }
            throw e;
        }
    }

    /** {@code group}'s messages; a candidate too large for any message alone is left as a conflict (the others are not held back), and said why. */
    private List<UpdateMessage.Chunk> built(List<Candidate> group, ApplyOutcome[] outcomes) {
        UpdateMessage.Chunks chunks = UpdateMessage.fitted(group, settings.updateBytesMax(), zone);
        for (Candidate c : chunks.oversized()) {
            outcomes[c.index()] = ApplyOutcome.CONFLICT;
            LOG.error("endpoint {}: its change ({} addresses) does not fit one UPDATE of {} bytes; not written", c.apply().endpoint(),
                    c.apply().records().addresses().size(), settings.updateBytesMax());
        }
        return chunks.chunks();
    }

    /**
     * Sends {@code group}'s UPDATE under {@code permit}. The permit is given back when the answer arrives
     * (or the wait for it ends), not when the caller gets to it: the window counts messages on the wire,
     * so a caller busy with a rejection never holds slots that other callers wait for.
     */
    private Outgoing start(List<Candidate> group, org.xbill.DNS.Message message, Admission.Permit permit) {
        try {
            java.util.concurrent.CompletableFuture<org.xbill.DNS.Message> answer = client.send(message);
            answer.whenComplete((m, t) -> permit.close());
            return new Outgoing(group, permit, answer);
        } catch (RuntimeException e) {
            permit.close();
            throw e;
        }
    }

    /** Sends one UPDATE for {@code group} and handles its answer; on a rejection, re-reads and splits (see the class comment). */
    private void send(List<Candidate> group, int depth, ApplyOutcome[] outcomes) {
        if (group.isEmpty()) return;
        Optional<Admission.Permit> permit = admission.admit(true, depth > 0);
        if (permit.isEmpty()) {
            // Retry budget spent: left to the next tick, which re-reads first.
            for (Candidate c : group) outcomes[c.index()] = ApplyOutcome.CONFLICT;
            return;
        }
        finish(start(group, UpdateMessage.build(group, zone), permit.get()), depth, outcomes);
    }

    /** Awaits the answer to {@code o} and acts on it: outcomes, observations, a rejection's re-read and split. */
    private void finish(Outgoing o, int depth, ApplyOutcome[] outcomes) {
        List<Candidate> group = o.group();
        Reply reply;
        try (Admission.Permit p = o.permit()) {
            reply = client.reply(o.answer());
        } catch (IOException e) {
            long now = nanos.getAsLong();
            for (Candidate c : group) {
                unsure.put(c.apply().endpoint(), now);
                overlay.remove(c.apply().endpoint());
            }
            admission.failed("UPDATE: " + e.getMessage(), true);
            throw new StoreUnavailableException("RFC 2136 UPDATE of " + group.size() + " endpoints to " + settings.serverText()
                    + " has an unknown outcome (" + e.getMessage() + "); they are read again before anything else is decided", e);
        }
        int rc = reply.rcode();
        if (rc == Rcode.NOERROR && reply.verified()) {
            admission.succeeded();
            for (Candidate c : group) {
                outcomes[c.index()] = ApplyOutcome.APPLIED;
                observed(c.apply().endpoint(), c.written());
                c.drift().ifPresent(why -> {
                    driftReported.remove(c.apply().endpoint());
                    LOG.warn("drift repaired at {}: {}; put back {} at {}", c.apply().endpoint(), why, c.apply().records(), c.apply().next());
                    drift.repaired(c.apply().endpoint(), why, c.apply().next());
                });
            }
            return;
        }
        if (rc == Rcode.NOERROR) {
            for (Candidate c : group) unsure.put(c.apply().endpoint(), nanos.getAsLong());
            admission.failed("answer to UPDATE failed TSIG verification", false);
            throw new StoreUnavailableException("RFC 2136 server " + settings.serverText() + " answered an UPDATE without a valid TSIG signature"
                    + " (outcome unknown; is the key " + settings.tsig().map(TsigKey::name).orElse("(none)") + " the server's?)");
        }
        if (rc == Rcode.NXRRSET || rc == Rcode.YXRRSET || rc == Rcode.NXDOMAIN || rc == Rcode.YXDOMAIN) {
            admission.succeeded();
            rejectedUpdates.incrementAndGet();
            rejected(group, depth, outcomes);
            return;
        }
        // NOTAUTH (key unknown or wrong), REFUSED (not allowed), SERVFAIL, NOTZONE, FORMERR: the whole message
        // was refused, nothing written; the server is not usable as configured.
        String what = Rcode.string(rc) + reply.tsigError().map(t -> " (TSIG " + t + ")").orElse("");
        String hint = switch (rc) {
            case Rcode.NOTAUTH -> "the server does not accept the TSIG key " + settings.tsig().map(TsigKey::name).orElse("(none: UPDATE unsigned)")
                    + ": check recordStore.tsig (name, secret) against the server's key";
            // PowerDNS answers REFUSED (not NOTAUTH) to a key it does not know.
            case Rcode.REFUSED -> "the server refuses UPDATE for zone " + zone + " signed with key " + settings.tsig().map(TsigKey::name).orElse("(none: UPDATE unsigned)")
                    + " from this address: check recordStore.tsig (name, secret) and the server's update policy (allow-update, acl, TSIG-ALLOW-DNSUPDATE)";
            case Rcode.NOTZONE -> "the server is not authoritative for " + zone + ": check recordStore.zone";
            default -> "the server could not apply it";
        };
        if (rc == Rcode.SERVFAIL) for (Candidate c : group) unsure.put(c.apply().endpoint(), nanos.getAsLong());
        admission.failed("UPDATE answered " + what + ": " + hint, false);
        throw new StoreUnavailableException("RFC 2136 server " + settings.serverText() + " answered " + what + " to an UPDATE: " + hint);
    }

    /** A prerequisite of {@code group} failed: learn which endpoints changed, decide them again, split the rest. */
    private void rejected(List<Candidate> group, int depth, ApplyOutcome[] outcomes) {
        freshRead(group.stream().map(c -> c.apply().endpoint()).toList());
        List<Candidate> unchanged = new ArrayList<>();
        List<Candidate> again = new ArrayList<>();
        for (Candidate c : group) {
            EndpointState now = known(c.apply().endpoint());
            if (now.equals(c.assumed())) {
                unchanged.add(c);
            } else {
                Candidate d = decide(c.index(), c.apply(), now, outcomes);
                if (d != null) again.add(d);
            }
        }
        if (depth >= SPLIT_DEPTH_MAX || (group.size() == 1 && !unchanged.isEmpty())) {
            // The server refuses a prerequisite that reads as true: left to the next tick, reported.
            for (Candidate c : unchanged) {
                outcomes[c.index()] = ApplyOutcome.CONFLICT;
                LOG.warn("RFC 2136 server {} refuses the prerequisite for {} although it reads as {}; left to the next tick", settings.serverText(),
                        c.apply().endpoint(), c.assumed().raw());
            }
            unchanged = List.of();
        }
        boolean explained = unchanged.size() < group.size();
        if (explained) {
            // Someone else wrote some of them: the rest was read fresh just now, so one message again carries them all.
            List<Candidate> rest = new ArrayList<>(again);
            rest.addAll(unchanged);
            send(rest, depth + 1, outcomes);
        } else if (!unchanged.isEmpty()) {
            // Nothing changed, yet the server refused: find the endpoint it refuses by halving.
            int half = unchanged.size() / 2;
            send(unchanged.subList(0, half), depth + 1, outcomes);
            send(unchanged.subList(half, unchanged.size()), depth + 1, outcomes);
        }
    }

    @Override
    public boolean retire(Endpoint endpoint, Stamp expected) {
        if (endpoint == null || expected == null) throw new IllegalArgumentException("endpoint and expected stamp must not be null");
        checkInZone(endpoint);
        // Bounded: a second attempt only after a rejection whose fresh read still shows the expected stamp.
        for (int attempt = 0; attempt < 2; attempt++) {
            EndpointState state = attempt == 0 ? current(endpoint) : known(endpoint);
            EndpointState.Decoded d = state.decode();
            if (!d.view().stamp().equals(expected)) return false;
            if (state.served().isEmpty() && (state.txt().isEmpty() || d.retired())) return true; // holds nothing already
            List<List<String>> tomb = d.high().value() == 0 ? List.of() : List.of(StampText.retired(d.high()));
            EndpointState after = new EndpointState(tomb, List.of());
            Reply reply;
            try (Admission.Permit p = admission.admit(true, false).orElseThrow()) {
                reply = client.update(UpdateMessage.retire(endpoint, state, after, zone));
            } catch (IOException e) {
                unsure.put(endpoint, nanos.getAsLong());
                admission.failed("UPDATE: " + e.getMessage(), true);
                throw new StoreUnavailableException("RFC 2136 retirement of " + endpoint + " has an unknown outcome: " + e.getMessage(), e);
            }
            if (reply.rcode() == Rcode.NOERROR && reply.verified()) {
                admission.succeeded();
                observed(endpoint, after);
                return true;
            }
            if (reply.rcode() != Rcode.NXRRSET && reply.rcode() != Rcode.YXRRSET) {
                admission.failed("UPDATE answered " + Rcode.string(reply.rcode()), false);
                throw new StoreUnavailableException("RFC 2136 server " + settings.serverText() + " answered " + Rcode.string(reply.rcode()) + " to retiring " + endpoint);
            }
            admission.succeeded();
            freshRead(List.of(endpoint));
        }
        return false;
    }

    // ---------------------------------------------------------------- status

    /**
     * Checks that the server takes our UPDATEs now, without changing anything: a signed UPDATE whose only
     * content is the prerequisite "the zone apex exists". It proves the key and the update policy (a wrong
     * key is refused as it would be for a real change) and, on success, reopens the admission gate. Goes
     * through admission like any UPDATE: while backing off it sends nothing and returns the failure.
     */
    public Optional<String> probe() {
        try (Admission.Permit p = admission.admit(true, false).orElseThrow()) {
            org.xbill.DNS.Update noop = new org.xbill.DNS.Update(zone);
            noop.present(zone);
            Reply reply = client.update(noop);
            if (reply.rcode() == Rcode.NOERROR && reply.verified()) {
                admission.succeeded();
                return Optional.empty();
            }
            String why = "probe UPDATE answered " + Rcode.string(reply.rcode()) + reply.tsigError().map(t -> " (TSIG " + t + ")").orElse("")
                    + (reply.rcode() == Rcode.NOERROR ? " without a valid TSIG signature" : "") + ": check recordStore.tsig and the server's update policy for " + zone;
            admission.failed(why, false);
            return Optional.of(why);
        } catch (IOException e) {
            admission.failed("probe: " + e.getMessage(), true);
            return Optional.of("probe: " + e.getMessage());
        } catch (StoreUnavailableException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Why the server cannot be used now (the last failure, while backing off), or empty. */
    public Optional<String> failure() {
        return admission.failure();
    }

    /** UPDATE messages sent since start (for metrics and the recovery benchmark). */
    public long updatesSent() {
        return admission.updatesSent();
    }

    /** Exchanges of any kind sent since start (UPDATEs, queries, transfers). */
    public long exchanges() {
        return admission.exchanges();
    }

    /** UPDATEs the server rejected on a prerequisite (then split or decided again). */
    public long updatesRejected() {
        return rejectedUpdates.get();
    }

    /** Calls failed at once, without sending, while the server was backing off. */
    public long refusedWhileBackingOff() {
        return admission.refusedFast();
    }

    private void reportDrift(Endpoint endpoint, EndpointState state, String why) {
        String key = state.raw() + "|" + why;
        if (key.equals(driftReported.get(endpoint))) return;
        if (driftReported.size() >= DRIFT_REPORTED_MAX) driftReported.clear();
        driftReported.put(endpoint, key);
        LOG.warn("drift at {}: {} (changed behind Waymark's back); its stamp reads as unreadable, so enactors put the latest plan back with a compare-and-set", endpoint, why);
        drift.found(endpoint, why);
    }

    private void checkInZone(Endpoint endpoint) {
        if (endpoint == null) throw new IllegalArgumentException("endpoint must not be null");
        if (!ZoneClient.nameOf(endpoint).subdomain(zone)) throw new IllegalArgumentException("endpoint " + endpoint + " is outside zone " + zone + " of " + settings.serverText());
    }

    @Override
    public void close() {
        // dnsjava's TCP connections are shared by its client and closed when idle; nothing of ours to release.
    }

    @Override
    public String toString() {
        return "rfc2136 " + settings.serverText() + " zone " + zone + " key " + settings.tsig().map(TsigKey::toString).orElse("(none)");
    }
}
