package io.waymark.adapters.record;

import io.waymark.adapters.log.SalvageReport;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.ConditionalApply;
import io.waymark.core.port.RecordStore;
import io.waymark.core.port.StampedRecords;
import io.waymark.core.port.StoreUnavailableException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@link EmbeddedRecordStore#salvage} could read from a damaged {@code records.log}: a
 * read-only record store (every write throws {@link StoreUnavailableException}, so enactors leave
 * it alone and automation stays stopped) plus the report of what was damaged. DNS keeps answering
 * what it holds; an operator repairs the file and restarts.
 */
public final class SalvagedRecordStore implements RecordStore {
    /**
     * @param log          what the log scan skipped (damaged byte ranges, torn tail)
     * @param undecodable  entries that passed their checksums but could not be decoded (bug or format change)
     * @param outOfOrder   changes skipped because they would have moved an endpoint back (I2), e.g.
     *                     "e1.example. g7 after g9"
     */
    public record Report(SalvageReport log, long undecodable, List<String> outOfOrder) {
        public static final int OUT_OF_ORDER_LISTED_MAX = 100;

        public Report {
            outOfOrder = List.copyOf(outOfOrder);
        }

        public boolean damaged() {
            return log.damaged() || undecodable > 0 || !outOfOrder.isEmpty();
        }

        /** One line for status and logs: what is damaged and what to do. */
        public String summary() {
            return "record log " + log.file() + " salvaged read-only: " + log.entriesRead() + " entries read, " + log.damage().size()
                    + " damaged ranges " + log.damage() + ", " + undecodable + " undecodable entries, " + outOfOrder.size()
                    + " out-of-order changes skipped. DNS answers what was readable; automation is stopped. What to do: keep a copy of the"
                    + " file, check the disk, then move the file aside (enactors re-apply the latest plan) or restore it, and restart.";
        }
    }

    private final Map<Endpoint, StampedRecords> state;
    private final Report report;

    SalvagedRecordStore(Map<Endpoint, StampedRecords> state, Report report) {
        this.state = Map.copyOf(state);
        this.report = report;
    }

    public Report report() {
        return report;
    }

    @Override
    public StampedRecords read(Endpoint endpoint) {
        if (endpoint == null) throw new IllegalArgumentException("endpoint must not be null");
        return state.getOrDefault(endpoint, StampedRecords.ABSENT);
    }

    @Override
    public ApplyOutcome applyIfNewer(Endpoint endpoint, Stamp expected, Stamp next, RecordSet records) {
        throw refused();
    }

    @Override
    public List<ApplyOutcome> applyAllIfNewer(List<ConditionalApply> applies) {
        throw refused();
    }

    @Override
    public Set<Endpoint> endpoints() {
        return state.keySet();
    }

    private StoreUnavailableException refused() {
        return new StoreUnavailableException("record store is read-only: " + report.summary());
    }
}
