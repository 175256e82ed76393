package io.waymark.server.daemon;

import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.operator.ForcedPublish;
import io.waymark.core.operator.Rollback;
import io.waymark.core.operator.RollbackResult;
import io.waymark.core.operator.Switches;
import io.waymark.core.port.PlanStore;
import io.waymark.core.role.PlannerRole;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators' levers — pause, resume, pin, unpin (the control flags), rollback, forced publish —
 * each through core's operator classes and each recorded in the audit log with who asked. A refused
 * lever throws IllegalArgumentException (the operator's input) or IllegalStateException (the system's
 * state), which the HTTP API turns into 400 and 409 with the reason.
 */
final class Levers {
    private static final Logger LOG = LoggerFactory.getLogger(Levers.class);
    private static final long PLANNER_ACTION_TIMEOUT_MS = 30_000;

    private final PlanStore planStore;
    private final AuditLog audit;
    private final RoleLoop plannerLoop;
    private final PlannerRole plannerRole;

    Levers(PlanStore planStore, AuditLog audit, RoleLoop plannerLoop, PlannerRole plannerRole) {
        this.planStore = planStore;
        this.audit = audit;
        this.plannerLoop = plannerLoop;
        this.plannerRole = plannerRole;
    }

    Plan rollback(Generation generation, String who) {
        RollbackResult r = new Rollback(planStore, java.util.Set.copyOf(plannerRole.endpoints())).to(generation, true);
        Plan p = r.published().orElseThrow(() -> new IllegalArgumentException("rollback to " + generation + " refused: " + r.status() + ": " + r.detail()));
        audit.record(who, "rollback", r.detail(), Map.of("from", generation.toString(), "generation", p.generation().toString()));
        return p;
    }

    ControlFlags updateFlags(String action, UnaryOperator<ControlFlags> change, String who) {
        ControlFlags now = new Switches(planStore).update(change);
        audit.record(who, action, "flags now " + now);
        return now;
    }

    Plan publishForced(String reason, String who) {
        if (reason == null || reason.isBlank()) throw new IllegalArgumentException("a forced publish needs a reason (--reason TEXT): it goes to the audit log");
        // On the planner's thread: the draft is the planner's, and a role is driven by one caller at a time.
        ForcedPublish.Result f = plannerLoop.call(now -> plannerRole.publishForced(now, reason), PLANNER_ACTION_TIMEOUT_MS);
        if (f.status() == ForcedPublish.Status.INVALID_REASON) throw new IllegalArgumentException(f.auditLine());
        Plan p = f.published().orElseThrow(() -> new IllegalStateException(f.status() + ": " + f.auditLine()));
        audit.record(who, "publish-forced", f.auditLine(), Map.of("reason", reason, "generation", p.generation().toString(), "hash", p.hash().hex()));
        LOG.warn("operator {} force-published {}: {}", who, p.generation(), reason);
        return p;
    }
}
