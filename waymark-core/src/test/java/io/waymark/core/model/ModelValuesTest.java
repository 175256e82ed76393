package io.waymark.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The values added for issue 7 refuse misuse with a message that states the contract. */
class ModelValuesTest {
    @Test
    void healthIsTriStateAndAbsentMeansUnknown() {
        HealthObservations h = HealthObservations.ofDecided(Map.of("a", true, "b", false));
        assertThat(h.of("a")).isEqualTo(Health.UP);
        assertThat(h.of("b")).isEqualTo(Health.DOWN);
        assertThat(h.of("never-probed")).isEqualTo(Health.UNKNOWN);
        assertThat(h.up("a")).isTrue();
        assertThat(h.up("b")).isFalse();
        assertThat(h.up("never-probed")).isFalse();
        assertThat(HealthObservations.NONE.of("a")).isEqualTo(Health.UNKNOWN);
        Map<String, Health> withNull = new HashMap<>();
        withNull.put("a", null);
        assertThatThrownBy(() -> new HealthObservations(withNull)).hasMessageContaining("null");
        assertThatThrownBy(() -> new HealthObservations(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Health.of(true)).isEqualTo(Health.UP);
        assertThat(Health.of(false)).isEqualTo(Health.DOWN);
    }

    @Test
    void provenanceStatesItsContract() {
        assertThat(Provenance.UNKNOWN.timeKnown()).isFalse();
        assertThat(Provenance.at(5).timeKnown()).isTrue();
        assertThat(Provenance.at(5).because("why")).isEqualTo(new Provenance(5, Optional.of("why")));
        assertThat(Provenance.UNKNOWN.canonical()).isEmpty();
        assertThat(Provenance.at(5).because("why").canonical()).isEqualTo("\nT5\nRwhy");
        assertThatThrownBy(() -> Provenance.at(-1)).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> Provenance.at(1).because(" ")).hasMessageContaining("say something");
        assertThatThrownBy(() -> Provenance.at(1).because("a\nb")).hasMessageContaining("one line");
        assertThatThrownBy(() -> Provenance.at(1).because("a\rb")).hasMessageContaining("one line");
        assertThatThrownBy(() -> Provenance.at(1).because("x".repeat(Provenance.REASON_LENGTH_MAX + 1))).hasMessageContaining("at most");
        assertThat(Provenance.at(1).because("x".repeat(Provenance.REASON_LENGTH_MAX)).reason()).isPresent();
        assertThatThrownBy(() -> new Provenance(0, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDraftKeepsItsProvenanceThroughItsTransformations() {
        PlanDraft d = PlanDraft.of(Map.of(Endpoint.of("a.test."), RecordSet.of(30, WeightedAddress.of("10.0.0.1", 1))));
        assertThat(d.provenance()).isEqualTo(Provenance.UNKNOWN);
        PlanDraft timed = d.publishedAt(7);
        assertThat(timed.provenance().publishedAtMillis()).isEqualTo(7);
        assertThat(timed.asForced().provenance()).isEqualTo(timed.provenance());
        PlanDraft forced = timed.forcedBecause("drain");
        assertThat(forced.forced()).isTrue();
        assertThat(forced.provenance()).isEqualTo(new Provenance(7, Optional.of("drain")));
        assertThat(forced.publishedAt(9).provenance()).isEqualTo(new Provenance(9, Optional.of("drain")));
        assertThat(forced.sameRecordSets(d)).isTrue();
        assertThat(forced).isNotEqualTo(timed.asForced());
        assertThat(forced.toString()).contains("forced").contains("(drain)");
        assertThat(Plan.publish(Generation.of(1), forced).provenance()).isEqualTo(forced.provenance());
    }

    @Test
    void addressFamiliesAreCountedPerRecordSet() {
        RecordSet dual = RecordSet.of(30, WeightedAddress.of("10.0.0.1", 1), WeightedAddress.of("10.0.0.2", 1), WeightedAddress.of("2001:db8::1", 1));
        assertThat(AddressFamily.of(dual)).containsExactly(AddressFamily.IPV4, AddressFamily.IPV6);
        assertThat(AddressFamily.IPV4.countIn(dual)).isEqualTo(2);
        assertThat(AddressFamily.IPV6.countIn(dual)).isEqualTo(1);
        assertThat(AddressFamily.IPV4.recordType()).isEqualTo("A");
        assertThat(AddressFamily.IPV6.recordType()).isEqualTo("AAAA");
        assertThat(AddressFamily.of(RecordSet.of(30, WeightedAddress.of("2001:db8::1", 1)))).containsExactly(AddressFamily.IPV6);
    }
}
