package io.waymark.core.model;

import static io.waymark.core.Fixtures.ep;
import static io.waymark.core.Fixtures.rs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The plan hash is a stored format: stamps written next to records and plans in the log carry it, so
 * its computation must never change, and a stamp only accepts a well-formed one.
 */
class PlanHashTest {
    static final String A = "d75980e688b5d9e7a9087ea21d9bda41590a35b113f6a4099a789a5a8458dea6";

    @Test
    void theHashIsSha256OverTheDocumentedCanonicalText() {
        // sha256("e0.waymark.test.\t30 10.0.0.1*1 10.0.0.2*1\nN"), computed outside Java.
        PlanDraft plain = PlanDraft.of(Map.of(ep(0), rs(1, 2)));
        assertThat(plain.hash().hex()).isEqualTo(A);
        // sha256("e0.waymark.test.\t30 10.0.0.1*1\ne1.waymark.test.\t30 10.0.0.2*1\nF\nT5\nRwhy")
        PlanDraft forced = new PlanDraft(new TreeMap<>(Map.of(ep(1), rs(2), ep(0), rs(1))), false).publishedAt(5).forcedBecause("why");
        assertThat(forced.hash().hex()).isEqualTo("478566c03533c1422745adb8d7f7748cc86abeedff41cdc12ca3d0b581b5c3e4");
        assertThat(plain.asForced().hash()).isNotEqualTo(plain.hash());
    }

    @Test
    void onlyLowerCaseSha256HexIsWellFormed() {
        assertThat(new PlanHash(A).isWellFormed()).isTrue();
        assertThat(new PlanHash("0123456789abcdef".repeat(4)).isWellFormed()).isTrue();
        assertThat(new PlanHash(A.substring(1)).isWellFormed()).isFalse();
        assertThat(new PlanHash(A + "0").isWellFormed()).isFalse();
        assertThat(PlanHash.NONE.isWellFormed()).isFalse();
        for (char bad : new char[] {'/', ':', '`', 'g', 'A', 'F', ' '}) {
            assertThat(new PlanHash(bad + A.substring(1)).isWellFormed()).as("'" + bad + "'").isFalse();
            assertThat(new PlanHash(A.substring(0, 63) + bad).isWellFormed()).as("'" + bad + "' last").isFalse();
        }
        assertThatThrownBy(() -> Stamp.of(1, new PlanHash(A.toUpperCase()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("a stamp of g1 needs a well-formed plan hash");
        assertThat(Stamp.unreadable("garbled").planHash().hex()).isEqualTo("garbled"); // kept for the compare-and-set
    }

    @Test
    void hashesAreValuesAndPrintShort() {
        assertThat(Set.of(new PlanHash(A))).contains(new PlanHash(new String(A.toCharArray())));
        assertThat(new PlanHash(A).toString()).isEqualTo("d75980e688b5");
        assertThat(new PlanHash("abcdefabcdef").shortHex()).isEqualTo("abcdefabcdef");
        assertThat(new PlanHash("abcdefabcdef0").shortHex()).isEqualTo("abcdefabcdef");
        assertThat(PlanHash.NONE.toString()).isEqualTo("-");
        assertThat(Stamp.of(3, new PlanHash(A)).toString()).isEqualTo("g3/d75980e688b5");
        assertThatThrownBy(() -> PlanHash.of(new byte[31])).hasMessage("SHA-256 digest has 32 bytes, got 31");
    }

    @Test
    void draftsAreEqualOnlyWithTheSameForcedFlagAndProvenance() {
        PlanDraft d = PlanDraft.of(Map.of(ep(0), rs(1)));
        assertThat(d).isEqualTo(PlanDraft.of(Map.of(ep(0), rs(1)))).hasSameHashCodeAs(PlanDraft.of(Map.of(ep(0), rs(1))));
        assertThat(d).isNotEqualTo(d.asForced());
        assertThat(d).isNotEqualTo(d.publishedAt(5));
        assertThat(d.sameRecordSets(d.asForced().publishedAt(5))).isTrue();
        assertThat(d).isNotEqualTo(PlanDraft.of(Map.of(ep(0), rs(2))));
    }

    @Test
    void aReasonIsOneLineEvenWhenItStartsWithTheBreak() {
        assertThatThrownBy(() -> Provenance.UNKNOWN.because("\nwhy")).hasMessage("a reason is one line (it goes into the audit log as is)");
        assertThatThrownBy(() -> Provenance.UNKNOWN.because("\rwhy")).hasMessage("a reason is one line (it goes into the audit log as is)");
        assertThat(Provenance.UNKNOWN.because("x".repeat(Provenance.REASON_LENGTH_MAX)).reason()).hasValueSatisfying(r -> assertThat(r).hasSize(1024));
        assertThatThrownBy(() -> Provenance.UNKNOWN.because("x".repeat(Provenance.REASON_LENGTH_MAX + 1))).hasMessage("a reason has at most 1024 characters, got 1025");
    }
}
