package io.waymark.core.planner;

import io.waymark.core.model.Endpoint;
import io.waymark.core.port.StampedRecords;

/**
 * What one endpoint serves now, read the way the enactors' change guard reads it (production and
 * simulator: {@code recordStore::read}). With it the planner holds back a removal until every endpoint
 * serves the latest plan's records: an enactor that still serves an older plan judges the next removal
 * against that one, and two steps of removals together can exceed the change threshold.
 */
@FunctionalInterface
public interface ServedView {
    StampedRecords read(Endpoint endpoint);
}
