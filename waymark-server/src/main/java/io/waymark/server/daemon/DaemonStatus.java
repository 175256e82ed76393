package io.waymark.server.daemon;

import io.waymark.core.enactor.TickResult;
import io.waymark.core.model.Plan;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.StoreUnavailableException;
import io.waymark.core.role.EnactorRole;
import io.waymark.core.role.PlannerRole;
import io.waymark.core.role.RoleCondition;
import io.waymark.core.role.StoreSupervisor;
import io.waymark.server.http.Operations;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the status view shows, as immutable values published by the role threads after each step and
 * read by HTTP threads without touching the roles (which are not thread-safe). Monotonic step times
 * are turned into wall-clock instants here, for people.
 */
final class DaemonStatus {
    private final Clock clock;
    private final Instant startedAt;
    private final long startedNanos;
    private final Map<String, AtomicReference<Operations.EnactorStatus>> enactors = new ConcurrentHashMap<>();
    private final List<String> enactorIds = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicReference<String> plannerLast = new AtomicReference<>("not run yet");
    private final AtomicReference<Operations.RoleView> planner = new AtomicReference<>(new Operations.RoleView("OK", "not run yet", ""));
    private final Map<String, StoreSupervisor.Status> stores = new ConcurrentHashMap<>();
    /** Roles other than the planner and enactors (retirement, history clean-up), by name. */
    private final Map<String, Operations.RoleView> others = new ConcurrentHashMap<>();
    /** Per enactor: its refusal, if its condition is REFUSED. */
    private final Map<String, RoleCondition> refusals = new ConcurrentHashMap<>();
    private final Map<String, Long> refusalSince = new ConcurrentHashMap<>();

    DaemonStatus(Clock clock, long startedNanos) {
        this.clock = clock;
        this.startedAt = clock.instant();
        this.startedNanos = startedNanos;
    }

    String at(long nanos) {
        return startedAt.plusNanos(nanos - startedNanos).toString();
    }

    void enactorAdded(String id) {
        if (enactors.containsKey(id)) throw new IllegalStateException("enactor " + id + " added twice");
        enactorIds.add(id);
        enactors.put(id, new AtomicReference<>(new Operations.EnactorStatus(id, "never", "not run yet", new Operations.RoleView("OK", "not run yet", ""), 0)));
    }

    void enactorStepped(String id, EnactorRole.Step step, long sinceNanos) {
        String result = step.result().map(TickResult::toString).orElseGet(() -> "tick threw " + step.bug().orElseThrow());
        Operations.RoleView view = view(step.condition(), sinceNanos);
        // A tick that read no plan (paused, no plan, store down) says generation 0: keep the last one it worked on.
        long generation = step.result().map(r -> r.planGeneration().value()).filter(g -> g > 0).orElse(enactors.get(id).get().planGeneration());
        enactors.get(id).set(new Operations.EnactorStatus(id, clock.instant().toString(), result, view, generation));
        if (step.condition().kind() == RoleCondition.Kind.REFUSED) {
            refusals.put(id, step.condition());
            refusalSince.put(id, sinceNanos);
        } else {
            refusals.remove(id);
            refusalSince.remove(id);
        }
    }

    void plannerStepped(PlannerRole.Step step, long sinceNanos) {
        plannerLast.set(clock.instant() + " " + step.result().map(r -> r.status() + r.published().map(p -> " " + p.generation()).orElse("")
                + (r.safetyEvents().isEmpty() ? "" : " safety=" + r.safetyEvents().stream().map(e -> e.rule().name()).distinct().toList()))
                .orElse(step.condition().toString()));
        planner.set(view(step.condition(), sinceNanos));
    }

    /** A role's condition after a step that reported one; {@code sinceNanos} when it began. */
    void roleStepped(String role, RoleCondition c, long sinceNanos) {
        others.put(role, view(c, sinceNanos));
    }

    Map<String, Operations.RoleView> others() {
        return new TreeMap<>(others);
    }

    void storeStepped(StoreSupervisor.Status s) {
        stores.put(s.store(), s);
    }

    Optional<StoreSupervisor.Status> store(String name) {
        return Optional.ofNullable(stores.get(name));
    }

    private Operations.RoleView view(RoleCondition c, long sinceNanos) {
        return new Operations.RoleView(c.kind().name(), c.detail(), at(sinceNanos));
    }

    List<Operations.EnactorStatus> enactors() {
        List<Operations.EnactorStatus> out = new ArrayList<>();
        for (String id : enactorIds) out.add(enactors.get(id).get());
        return out;
    }

    String plannerLastResult() {
        return plannerLast.get();
    }

    Operations.RoleView planner() {
        return planner.get();
    }

    List<Operations.StoreStatus> stores() {
        List<Operations.StoreStatus> out = new ArrayList<>();
        new TreeMap<>(stores).values().forEach(s -> out.add(new Operations.StoreStatus(s.store(), s.state().name(), s.reason(), s.whatToDo(),
                s.state() == StoreSupervisor.State.UP ? "" : at(s.since()), s.failedAttempts())));
        return out;
    }

    /**
     * One refusal for the whole daemon, however many enactors see it: they all judge the same latest
     * plan, so they refuse it together (a guard refusal shows once, prominently).
     */
    Optional<Operations.GuardRefusal> guardRefusal() {
        Map<String, RoleCondition> now = new TreeMap<>(refusals);
        if (now.isEmpty()) return Optional.empty();
        RoleCondition first = now.values().iterator().next();
        long since = refusalSince.values().stream().mapToLong(Long::longValue).min().orElse(startedNanos);
        return Optional.of(new Operations.GuardRefusal(first.detail(), List.copyOf(now.keySet()), at(since),
                "nothing is applied until a plan the guard accepts is published: fix the cause (targets' health) so the planner"
                        + " publishes a smaller change, or publish the planner's current plan anyway with"
                        + " './waymark publish --force --reason TEXT' (audited), or './waymark rollback GENERATION'"));
    }

    static double latestGeneration(PlanStore store) {
        try {
            return store.latest().map(Plan::generation).map(g -> (double) g.value()).orElse(0.0);
        } catch (StoreUnavailableException e) {
            return Double.NaN;
        }
    }
}
