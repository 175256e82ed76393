package io.waymark.server.http;

import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.RecordStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.waymark.server.config.WaymarkConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** What the HTTP API needs from a running daemon; the daemon implements it, tests can too. */
public interface Operations {
    PlanStore planStore();

    RecordStore recordStore();

    /** Managed endpoints (configured and servable), in name order. */
    List<Endpoint> endpoints();

    List<EnactorStatus> enactors();

    /** The planner's last tick result, one line. */
    String plannerLastResult();

    /** The planner's condition: what it is doing or what stops it, and since when. */
    RoleView planner();

    /** The other roles' conditions by name (retirement of endpoints that left the configuration, history clean-up). */
    Map<String, RoleView> otherRoles();

    /** Each durable store as its supervisor sees it. */
    List<StoreStatus> stores();

    /** The enactors' change guard refusing the latest plan, shown once and prominently; empty when none does. */
    Optional<GuardRefusal> guardRefusal();

    /** Endpoints configured or held by the record store that the DNS server cannot answer for, with why. */
    Map<Endpoint, String> unservable();

    List<TargetStatus> targets();

    /** Roll-forward: republishes the content of {@code generation}; IllegalArgumentException if it is gone. Audited. */
    Plan rollback(Generation generation, String who);

    /** Changes the control flags by compare-and-set (pause, resume, pin, unpin). Audited as {@code action}. */
    ControlFlags updateFlags(String action, UnaryOperator<ControlFlags> change, String who);

    /** Publishes the planner's current draft as forced (skips the change guard); {@code reason} goes to the audit log. */
    Plan publishForced(String reason, String who);

    /** Demo fleet only: make a target's health check fail or pass. IllegalArgumentException for an unknown id. */
    void setTargetFailing(String id, boolean failing);

    /** Prometheus text exposition of the daemon's metrics. */
    String scrapeMetrics();

    /** What the daemon runs with: endpoints and their targets, data directory, HTTP settings. */
    WaymarkConfig config();

    /** Where the HTTP layer registers its own meters (what is scraped at /metrics). */
    MeterRegistry meterRegistry();

    /** One line in the audit log (operator actions the HTTP layer handles itself, such as incident notes). */
    void audit(String who, String action, String detail, Map<String, String> fields);

    /** The last health-check results of one target, oldest first; empty when none are kept. */
    default List<CheckResult> recentChecks(String targetId) {
        return List.of();
    }

    /** Whether a probe of the target has ended yet (until then its health is UNKNOWN, not down). */
    default boolean probed(String targetId) {
        return !recentChecks(targetId).isEmpty();
    }

    /** One probe of a target: when it ended (ISO-8601), whether it passed, how long it took. */
    record CheckResult(String at, boolean passed, double latencyMs) {}

    /** One role's condition (see io.waymark.core.role.RoleCondition): kind, one line, since when (ISO-8601). */
    record RoleView(String kind, String condition, String since) {}

    /** @param planGeneration the generation its last tick worked on (0 when none) */
    record EnactorStatus(String id, String lastTickAt, String lastResult, RoleView condition, long planGeneration) {
        /** Without the generation worked on (shown as 0): for views that do not know it. */
        public EnactorStatus(String id, String lastTickAt, String lastResult, RoleView condition) {
            this(id, lastTickAt, lastResult, condition, 0);
        }
    }

    /**
     * @param state     UP, FAILED, RECOVERING or DAMAGED
     * @param whatToDo  empty when UP
     */
    record StoreStatus(String store, String state, String reason, String whatToDo, String since, int failedAttempts) {}

    /** @param enactors the enactors refusing it */
    record GuardRefusal(String detail, List<String> enactors, String since, String whatToDo) {}

    record TargetStatus(String id, String address, String zone, long capacity, boolean healthy) {}
}
