package io.waymark.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.core.enactor.Enactor;
import io.waymark.core.enactor.EnactorConfig;
import io.waymark.core.enactor.TickPlan;
import io.waymark.core.enactor.TickResult;
import io.waymark.core.history.HistoryCleaner;
import io.waymark.core.invariant.InvariantReport;
import io.waymark.core.invariant.Invariants;
import io.waymark.core.invariant.Observation;
import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.memory.InMemoryRecordStore;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.PublishOutcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The October 2025 interleaving (INCIDENT.md, "The race"), replayed step by step against a deliberately
 * naive enactor written here, then against Waymark's enactor and clean-up under the same schedule.
 *
 * <p>Schedule: plan 1 is served. Enactor A picks plan N=2, checks it is newer, and stalls. The planner
 * publishes up to M=10; enactor B applies M everywhere. A wakes and writes N. B's clean-up deletes plans
 * more than K=5 generations older than M — including N. Then plan 11 arrives.
 */
class October2025RegressionTest {
    static final Endpoint REGIONAL = Endpoint.of("dynamodb.us-east-1.waymark.test.");
    static final Endpoint FIPS = Endpoint.of("dynamodb-fips.us-east-1.waymark.test.");
    static final int N = 2;
    static final int M = 10;
    static final int K = 5;

    /** Plan g: every endpoint served by three load balancers whose addresses change with g. */
    static PlanDraft planContent(int g) {
        TreeMap<Endpoint, RecordSet> m = new TreeMap<>();
        for (Endpoint e : List.of(REGIONAL, FIPS)) {
            List<WeightedAddress> lbs = new ArrayList<>();
            for (int lb = 1; lb <= 3; lb++) lbs.add(WeightedAddress.of("10." + g + "." + (e == REGIONAL ? 1 : 2) + "." + lb, 1));
            m.put(e, new RecordSet(lbs, 5));
        }
        return new PlanDraft(m, false);
    }

    static Plan publish(PlanStore plans, int g) {
        PublishOutcome o = plans.publish(Generation.of(g - 1), planContent(g));
        return ((PublishOutcome.Published) o).plan();
    }

    // ---------------------------------------------------------------- the naive world

    /**
     * The legacy DNS layout: each endpoint is an alias to the record tree of one plan; trees belong to
     * plans and are deleted with them; a rollback record per endpoint points at the previous plan's tree.
     */
    static final class NaiveDns {
        final Map<Endpoint, Integer> alias = new HashMap<>();
        final Map<Endpoint, Integer> rollback = new HashMap<>();
        final Map<Integer, Map<Endpoint, RecordSet>> trees = new HashMap<>();

        /** What a resolver gets: the records of the tree the alias points at, or nothing (NOERROR, empty). */
        Optional<RecordSet> resolve(Endpoint e) {
            Integer g = alias.get(e);
            if (g == null) return Optional.empty();
            Map<Endpoint, RecordSet> tree = trees.get(g);
            return tree == null ? Optional.empty() : Optional.ofNullable(tree.get(e));
        }

        int lastApplied() {
            return alias.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        }
    }

    /** One-time freshness check, then unconditional writes; age-based clean-up of trees. */
    static final class NaiveEnactor {
        final NaiveDns dns;
        final PlanStore plans;
        Plan picked;

        NaiveEnactor(NaiveDns dns, PlanStore plans) {
            this.dns = dns;
            this.plans = plans;
        }

        /** Picks the newest plan and checks ONCE that it is newer than what was last applied. */
        boolean pick() {
            picked = plans.latest().orElseThrow();
            return picked.generation().value() > dns.lastApplied();
        }

        /** Writes the picked plan everywhere, unconditionally (the check above is long stale by now). */
        void applyPicked() {
            int g = (int) picked.generation().value();
            dns.trees.put(g, new HashMap<>(picked.recordSets()));
            for (Endpoint e : picked.recordSets().keySet()) {
                Integer current = dns.alias.get(e);
                // The rollback record is moved to the current tree in the same change: the legacy code
                // cannot handle a current tree that no longer exists (INCIDENT.md, step 5).
                if (current != null && !dns.trees.containsKey(current)) {
                    throw new IllegalStateException("rollback target plan " + current + " of " + e + " does not exist");
                }
                if (current != null) dns.rollback.put(e, current);
                dns.alias.put(e, g);
            }
        }

        /** Deletes plans "significantly older" than the one just applied, with their record trees. */
        void cleanUp() {
            int applied = (int) picked.generation().value();
            for (Generation g : plans.history()) {
                if (g.value() < applied - K) {
                    plans.delete(g);
                    dns.trees.remove((int) g.value());
                }
            }
        }
    }

    @Test
    void theNaiveEnactorEmptiesTheRegionalEndpointAndThenCannotRecover() {
        InMemoryPlanStore plans = new InMemoryPlanStore();
        NaiveDns dns = new NaiveDns();
        NaiveEnactor a = new NaiveEnactor(dns, plans);
        NaiveEnactor b = new NaiveEnactor(dns, plans);

        publish(plans, 1);
        assertThat(b.pick()).isTrue();
        b.applyPicked();
        publish(plans, N);
        assertThat(a.pick()).isTrue(); // 1. A picks N, checks it is newer … and stalls
        for (int g = N + 1; g <= M; g++) publish(plans, g); // 2. the planner keeps going
        assertThat(b.pick()).isTrue();
        b.applyPicked(); // B applies M everywhere
        assertThat(dns.resolve(REGIONAL)).isPresent();
        a.applyPicked(); // 3. A's stale check lets the older plan overwrite the newer one
        assertThat(dns.alias.get(REGIONAL)).isEqualTo(N);
        b.cleanUp(); // 4. B deletes plans older than M - K, including N, the live one
        assertThat(dns.resolve(REGIONAL)).as("the regional endpoint resolves to no addresses").isEmpty();
        assertThat(dns.resolve(FIPS)).isEmpty();

        publish(plans, M + 1); // 5. a later plan cannot be applied: the automation is stuck
        assertThat(b.pick()).isTrue();
        assertThatThrownBy(b::applyPicked).isInstanceOf(IllegalStateException.class).hasMessageContaining("does not exist");
        assertThat(dns.resolve(REGIONAL)).isEmpty();
    }

    @Test
    void waymarksEnactorUnderTheSameInterleavingNeverEmptiesAndServesTheNewestPlan() {
        InMemoryPlanStore plans = new InMemoryPlanStore();
        InMemoryRecordStore records = new InMemoryRecordStore();
        Enactor a = new Enactor("a", plans, records, new SplittableRandom(1), EnactorConfig.DEFAULTS);
        Enactor b = new Enactor("b", plans, records, new SplittableRandom(2), EnactorConfig.DEFAULTS);
        HistoryCleaner cleanerOfB = new HistoryCleaner(plans, records, K, 1000);
        Checker check = new Checker(plans, records);

        publish(plans, 1);
        check.after(b.tick());
        publish(plans, N);
        TickPlan stalled = a.prepare(); // 1. A reads N and the stamps (g1) … and stalls
        assertThat(((TickPlan.Writes) stalled).applies()).hasSize(2);
        check.after(null);
        for (int g = N + 1; g <= M; g++) publish(plans, g); // 2.
        TickResult bApplies = b.tick();
        assertThat(bApplies.applied()).isEqualTo(2);
        check.after(bApplies);
        TickResult aWakes = a.apply(stalled); // 3. A's writes are conditional: the store says superseded
        assertThat(aWakes.applied()).isZero();
        assertThat(aWakes.superseded()).isEqualTo(2);
        check.after(aWakes);
        assertThat(records.read(REGIONAL).stamp().generation()).isEqualTo(Generation.of(M));
        var cleaned = cleanerOfB.clean(); // 4. clean-up never deletes a plan a stamp names
        assertThat(cleaned.deleted()).extracting(Generation::value).containsExactly(1L, 2L, 3L, 4L, 5L);
        check.after(null);
        assertThat(records.read(REGIONAL).records()).contains(planContent(M).recordSets().get(REGIONAL));

        Plan newest = publish(plans, M + 1); // 5. later plans keep being applied
        check.after(a.tick());
        check.after(b.tick());
        for (Endpoint e : List.of(REGIONAL, FIPS)) {
            assertThat(records.read(e).stamp()).isEqualTo(newest.stamp());
            assertThat(records.read(e).records()).contains(newest.recordSets().get(e));
        }
    }

    /** Asserts I1–I4 after every step of the schedule. */
    static final class Checker {
        final PlanStore plans;
        final InMemoryRecordStore records;
        Observation seen = Observation.NONE;

        Checker(PlanStore plans, InMemoryRecordStore records) {
            this.plans = plans;
            this.records = records;
        }

        void after(TickResult ignored) {
            InvariantReport r = Invariants.check(plans, records, seen);
            assertThat(r.violations()).isEmpty();
            seen = r.observation();
        }
    }
}
