package io.waymark.server.daemon;

import io.waymark.adapters.log.LogCorruptException;
import io.waymark.adapters.plan.FilePlanStore;
import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StoreUnavailableException;
import io.waymark.core.role.Reopenable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable plan store behind a handle that the {@link io.waymark.core.role.StoreSupervisor} can
 * reopen: every role holds this handle, and a reopen swaps the {@link FilePlanStore} behind it. A
 * call that races a swap meets the closed old store and gets {@link StoreUnavailableException}, which
 * every role already handles by retrying at its next step.
 *
 * <p>A plan log that refuses to open (damaged) does not stop the daemon: the handle starts without a
 * store, every call fails as "unavailable", automation stops, DNS keeps answering what the record
 * store holds, and status says what is damaged and what to do (DESIGN.md: a store that refuses to
 * open stops automation, not DNS).
 */
final class SupervisedPlanStore implements PlanStore, Reopenable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SupervisedPlanStore.class);

    private final Path dir;
    private final Object swapLock = new Object();
    private volatile FilePlanStore current; // null while the log refuses to open
    private volatile String openFailure = "";
    private volatile boolean closed;

    private SupervisedPlanStore(Path dir) {
        this.dir = dir;
    }

    /** Opens the plan store in {@code dir}; a damaged log leaves the handle without a store (see the class comment). */
    static SupervisedPlanStore open(Path dir) {
        SupervisedPlanStore s = new SupervisedPlanStore(dir);
        Outcome o = s.openNow();
        if (!(o instanceof Outcome.Reopened)) LOG.error("plan store in {} did not open: {}; automation waits for it, DNS keeps answering", dir, describe(o));
        return s;
    }

    @Override
    public String name() {
        return "plans";
    }

    private FilePlanStore store() {
        FilePlanStore s = current;
        if (s == null) throw new StoreUnavailableException("plan store is not open: " + openFailure);
        return s;
    }

    @Override
    public Optional<String> failure() {
        FilePlanStore s = current;
        if (s == null) return Optional.of(openFailure);
        try {
            s.flags(); // in memory: fails exactly when the store has failed (or is closed)
            return Optional.empty();
        } catch (StoreUnavailableException e) {
            return Optional.of(SupervisedRecordStore.rootCause(e));
        }
    }

    @Override
    public Outcome reopen() {
        synchronized (swapLock) {
            if (closed) return new Outcome.StillFailing("daemon is stopping");
            FilePlanStore old = current;
            if (old != null) {
                try {
                    old.close();
                } catch (IOException e) {
                    LOG.debug("closing the failed plan store: {}", e.toString());
                }
            }
            return openNow();
        }
    }

    private Outcome openNow() {
        try {
            current = FilePlanStore.open(dir);
            openFailure = "";
            return new Outcome.Reopened();
        } catch (LogCorruptException | IllegalStateException e) {
            current = null;
            openFailure = String.valueOf(e.getMessage());
            return new Outcome.Damaged(dir.resolve(FilePlanStore.LOG_FILE) + ": " + e.getMessage(),
                    "keep a copy of " + dir.resolve(FilePlanStore.LOG_FILE) + ", check the disk (dmesg, SMART), then restore the file from a backup;"
                            + " automation is stopped meanwhile, DNS keeps answering what the record store holds; a repaired file is reopened automatically");
        } catch (IOException | RuntimeException e) {
            current = null;
            openFailure = String.valueOf(e.getMessage());
            return new Outcome.StillFailing(openFailure);
        }
    }

    static String describe(Outcome o) {
        return switch (o) {
            case Outcome.Reopened r -> "reopened";
            case Outcome.StillFailing f -> f.why();
            case Outcome.Damaged d -> d.what() + "; what to do: " + d.whatToDo();
        };
    }

    @Override
    public PublishOutcome publish(Generation expectedLatest, PlanDraft draft) {
        return store().publish(expectedLatest, draft);
    }

    @Override
    public Optional<Plan> latest() {
        return store().latest();
    }

    @Override
    public Optional<Plan> read(Generation generation) {
        return store().read(generation);
    }

    @Override
    public List<Generation> history() {
        return store().history();
    }

    @Override
    public boolean delete(Generation generation) {
        return store().delete(generation);
    }

    @Override
    public ControlFlags flags() {
        return store().flags();
    }

    @Override
    public boolean updateFlags(ControlFlags expected, ControlFlags next) {
        return store().updateFlags(expected, next);
    }

    @Override
    public void close() throws IOException {
        synchronized (swapLock) {
            closed = true;
            FilePlanStore s = current;
            if (s != null) s.close();
        }
    }
}
