package io.waymark.server.http;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.RecordStore;
import java.util.List;

/** What the HTTP API needs from a running daemon; the daemon implements it, tests can too. */
public interface Operations {
    PlanStore planStore();

    RecordStore recordStore();

    /** Managed endpoints, in name order. */
    List<Endpoint> endpoints();

    List<EnactorStatus> enactors();

    /** The planner's last tick result, one line. */
    String plannerLastResult();

    List<TargetStatus> targets();

    /** Roll-forward: republishes the content of {@code generation}; IllegalArgumentException if it is gone. */
    Plan rollback(Generation generation);

    /** Demo fleet only: make a target's health check fail or pass. IllegalArgumentException for an unknown id. */
    void setTargetFailing(String id, boolean failing);

    /** Prometheus text exposition of the daemon's metrics. */
    String scrapeMetrics();

    record EnactorStatus(String id, String lastTickAt, String lastResult) {}

    record TargetStatus(String id, String address, String zone, long capacity, boolean healthy) {}
}
