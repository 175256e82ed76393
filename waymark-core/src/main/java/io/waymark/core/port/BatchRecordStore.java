package io.waymark.core.port;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import java.util.List;

/**
 * A record store whose primitive is the batch (one log group, one etcd transaction, one UPDATE
 * message, or a wrapper around such a store): a single compare-and-set is a batch of one. The
 * reverse of {@link RecordStore}'s default, so that each such store does not write the same
 * delegation again.
 */
public interface BatchRecordStore extends RecordStore {
    @Override
    List<ApplyOutcome> applyAllIfNewer(List<ConditionalApply> applies);

    @Override
    default ApplyOutcome applyIfNewer(Endpoint endpoint, Stamp expected, Stamp next, RecordSet records) {
        if (records == null) throw new IllegalArgumentException("refusing to apply an empty record set to " + endpoint);
        return applyAllIfNewer(List.of(new ConditionalApply(endpoint, expected, next, records))).get(0);
    }
}
