package io.waymark.server.daemon;

import io.micrometer.core.instrument.MeterRegistry;
import io.waymark.core.enactor.TickResult;
import io.waymark.core.planner.PlannerResult;
import io.waymark.core.planner.PlannerStatus;
import io.waymark.core.role.RoleCondition;
import io.waymark.core.role.StoreSupervisor;
import io.waymark.core.role.Transition;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns role steps into log lines and metrics. The rule (issue 7, defect 15): a condition is logged
 * when it changes — once when trouble starts (WARN, with the stack trace of a bug), once when it ends
 * (INFO) — never once per tick. Counters count per tick (that is what rates are for); trouble is
 * counted once per episode ({@code waymark_role_troubles_total}).
 */
final class RoleReports {
    private static final Logger LOG = LoggerFactory.getLogger("io.waymark.server.daemon.Roles");

    private final MeterRegistry metrics;

    RoleReports(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    /** Logs and counts a transition of {@code role}; {@code bug} is what a failing step threw, if it did. */
    void transition(String role, Transition t, Optional<RuntimeException> bug) {
        if (t.troubleStarted()) {
            metrics.counter("waymark_role_troubles_total", "role", role, "kind", t.to().kind().name()).increment();
            if (bug.isPresent()) LOG.warn("{}: {} (reported once until it changes)", role, t.to(), bug.get());
            else LOG.warn("{}: {} (reported once until it changes)", role, t.to());
        } else if (t.recovered()) {
            LOG.info("{}: recovered ({} ended): {}", role, t.from().kind(), t.to());
        } else if (t.to().kind() != RoleCondition.Kind.OK || t.from().kind() != RoleCondition.Kind.OK) {
            LOG.info("{}: {}", role, t.to());
        }
    }

    void enactorTick(String id, TickResult r) {
        metrics.counter("waymark_enactor_ticks_total", "enactor", id, "status", r.status().name()).increment();
        if (r.applied() > 0) metrics.counter("waymark_enactor_applied_total", "enactor", id).increment(r.applied());
        if (r.conflicts() > 0) metrics.counter("waymark_enactor_conflicts_total", "enactor", id).increment(r.conflicts());
        // Work done is news; a tick that wrote nothing is not.
        if (r.applied() > 0) LOG.info("{}", r);
    }

    void enactorRefused(String id, String reason) {
        // Once per refused plan (called on the transition), not per tick.
        metrics.counter("waymark_enactor_refusals_total", "enactor", id, "reason", reason).increment();
    }

    void plannerTick(PlannerResult r) {
        r.safetyEvents().forEach(e -> metrics.counter("waymark_planner_safety_events_total", "rule", e.rule().name()).increment());
        if (r.status() == PlannerStatus.PUBLISHED) {
            metrics.counter("waymark_planner_publications_total").increment();
            LOG.info("planner published {} ({} safety events)", r.published().orElseThrow(), r.safetyEvents().size());
            r.safetyEvents().forEach(e -> LOG.info("  safety rule {} on {}: {}", e.rule(), e.endpoint(), e.detail()));
        }
    }

    void supervisorStep(StoreSupervisor.Step s) {
        if (s.attempted()) metrics.counter("waymark_store_reopen_attempts_total", "store", s.status().store()).increment();
        s.transition().ifPresent(t -> {
            if (t.troubleStarted()) metrics.counter("waymark_store_failures_total", "store", s.status().store(), "state", s.status().state().name()).increment();
            transition("supervisor " + s.status().store() + " store", t, Optional.empty());
        });
    }
}
