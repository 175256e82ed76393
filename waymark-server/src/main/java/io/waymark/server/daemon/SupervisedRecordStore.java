package io.waymark.server.daemon;

import io.waymark.adapters.fs.FileDataDir;
import io.waymark.adapters.log.LogCorruptException;
import io.waymark.adapters.record.EmbeddedRecordStore;
import io.waymark.adapters.record.SalvagedRecordStore;
import io.waymark.adapters.record.ServingSink;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.ConditionalApply;
import io.waymark.core.port.RecordStore;
import io.waymark.core.port.StampedRecords;
import io.waymark.core.port.StoreUnavailableException;
import io.waymark.core.role.Reopenable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded record store behind a handle the supervisor can reopen (see {@link SupervisedPlanStore}
 * for the idea). Reopening replays the log into the serving sink in one snapshot swap; until then the
 * DNS server keeps answering its last snapshot, which only ever holds acknowledged state.
 *
 * <p>A record log that refuses to open because it is damaged is salvaged read-only
 * ({@link EmbeddedRecordStore#salvage}): the DNS server answers every endpoint whose entries could be
 * read, reads work, every write fails as "unavailable" (so automation stays stopped), and status says
 * what is damaged and what to do. The supervisor keeps trying a normal open, so a repaired file is
 * picked up without a restart.
 */
final class SupervisedRecordStore implements RecordStore, Reopenable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SupervisedRecordStore.class);
    /** Read to learn whether the store has failed: a read checks usability first and costs one map lookup. */
    private static final Endpoint PROBE = Endpoint.of("waymark-supervisor-probe.invalid.");

    private final Path dir;
    private final ServingSink sink;
    private final Object swapLock = new Object();
    private volatile EmbeddedRecordStore current;
    /** What was read from a damaged log, served read-only while {@code current} is null. */
    private volatile SalvagedRecordStore salvaged;
    private volatile String openFailure = "";
    private volatile boolean closed;

    private SupervisedRecordStore(Path dir, ServingSink sink) {
        this.dir = dir;
        this.sink = sink;
    }

    static SupervisedRecordStore open(Path dir, ServingSink sink) {
        SupervisedRecordStore s = new SupervisedRecordStore(dir, sink);
        Outcome o = s.openNow();
        if (!(o instanceof Outcome.Reopened)) LOG.error("record store in {} did not open: {}; enactors wait for it, DNS answers its zones", dir, SupervisedPlanStore.describe(o));
        return s;
    }

    @Override
    public String name() {
        return "records";
    }

    private RecordStore store() {
        EmbeddedRecordStore s = current;
        if (s != null) return s;
        SalvagedRecordStore read = salvaged;
        if (read != null) return read; // reads answer, writes throw StoreUnavailableException
        throw new StoreUnavailableException("record store is not open: " + openFailure);
    }

    @Override
    public Optional<String> failure() {
        EmbeddedRecordStore s = current;
        if (s == null) return Optional.of(openFailure);
        try {
            s.read(PROBE);
            return Optional.empty();
        } catch (StoreUnavailableException e) {
            return Optional.of(rootCause(e));
        }
    }

    /** The innermost message: "File too large" says more than "record store failed; reopen it". */
    static String rootCause(Throwable e) {
        Throwable t = e;
        // Bounded: cause chains are short, and a cycle is cut at 16 links.
        for (int i = 0; i < 16 && t.getCause() != null && t.getCause() != t; i++) t = t.getCause();
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + t;
    }

    @Override
    public Outcome reopen() {
        synchronized (swapLock) {
            if (closed) return new Outcome.StillFailing("daemon is stopping");
            EmbeddedRecordStore old = current;
            if (old != null) {
                try {
                    old.close();
                } catch (IOException e) {
                    LOG.debug("closing the failed record store: {}", e.toString());
                }
            }
            return openNow();
        }
    }

    private Outcome openNow() {
        try {
            EmbeddedRecordStore opened = EmbeddedRecordStore.open(dir, sink);
            SalvagedRecordStore read = salvaged;
            if (read != null) {
                // The repaired (or moved-aside) log may hold fewer endpoints than were salvaged: stop serving
                // the others, or DNS would answer names no store knows until the next restart.
                Set<Endpoint> stale = new HashSet<>(read.endpoints());
                stale.removeAll(opened.endpoints());
                try {
                    if (!stale.isEmpty()) sink.publish(Map.of(), stale);
                } catch (RuntimeException e) {
                    LOG.warn("after the repaired record log opened, {} salvaged endpoints it does not hold are still served until restart: {}", stale.size(), e.toString());
                }
            }
            current = opened;
            openFailure = "";
            salvaged = null;
            return new Outcome.Reopened();
        } catch (LogCorruptException | IllegalStateException e) {
            current = null;
            openFailure = String.valueOf(e.getMessage());
            return salvage(e);
        } catch (IOException | RuntimeException e) {
            current = null;
            openFailure = String.valueOf(e.getMessage());
            return new Outcome.StillFailing(openFailure);
        }
    }

    /** Once per damage: reads every frame that passes its checksums and serves it (see the class comment). */
    private Outcome salvage(Exception damage) {
        String whatToDo = "keep a copy of " + dir.resolve(EmbeddedRecordStore.LOG_FILE) + ", check the disk (dmesg, SMART), then restore the file"
                + " or move it aside (enactors re-apply the latest plan); a repaired file is reopened automatically";
        if (salvaged == null) {
            try {
                salvaged = EmbeddedRecordStore.salvage(FileDataDir.open(dir), sink);
                LOG.error("{}; serving what could be read, read-only", salvaged.report().summary());
            } catch (IOException | RuntimeException e) {
                LOG.error("record log {} is damaged and could not be salvaged either: {}; DNS answers its zones only", dir.resolve(EmbeddedRecordStore.LOG_FILE), e.toString());
            }
        }
        SalvagedRecordStore read = salvaged;
        if (read != null) openFailure = read.report().summary();
        return new Outcome.Damaged(read != null ? read.report().summary() : String.valueOf(damage.getMessage()), whatToDo);
    }

    @Override
    public StampedRecords read(Endpoint endpoint) {
        return store().read(endpoint);
    }

    @Override
    public ApplyOutcome applyIfNewer(Endpoint endpoint, Stamp expected, Stamp next, RecordSet records) {
        return store().applyIfNewer(endpoint, expected, next, records);
    }

    @Override
    public List<ApplyOutcome> applyAllIfNewer(List<ConditionalApply> applies) {
        return store().applyAllIfNewer(applies);
    }

    /** See {@link EmbeddedRecordStore#applyAllOrNothing}; a salvaged (read-only) store refuses every write. */
    public List<ApplyOutcome> applyAllOrNothing(List<ConditionalApply> applies) {
        EmbeddedRecordStore s = current;
        if (s == null) throw new StoreUnavailableException("record store is not open for writes: " + openFailure);
        return s.applyAllOrNothing(applies);
    }

    @Override
    public Set<Endpoint> endpoints() {
        return store().endpoints();
    }

    @Override
    public boolean retire(Endpoint endpoint, Stamp expected) {
        return store().retire(endpoint, expected);
    }

    @Override
    public void close() throws IOException {
        synchronized (swapLock) {
            closed = true;
            EmbeddedRecordStore s = current;
            if (s != null) s.close();
        }
    }
}
