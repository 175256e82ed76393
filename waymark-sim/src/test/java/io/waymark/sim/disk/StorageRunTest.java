package io.waymark.sim.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StorageRunTest {
    /** Well under a minute on one core: a few milliseconds a seed. */
    private static final int SEEDS = 3000;

    @Test
    void thousandsOfSeedsKeepEveryAcknowledgedWrite() {
        List<StorageResult> bad = new ArrayList<>();
        int repairs = 0;
        int crashes = 0;
        for (long seed = 0; seed < SEEDS; seed++) {
            StorageResult r = StorageRun.run(seed, StorageRun.Settings.DEFAULTS);
            if (r.violated() && bad.size() < 10) bad.add(r);
            repairs += r.repairs();
            crashes += r.crashes();
        }
        assertThat(bad).as("replay one with: StorageRun --trace SEED").isEmpty();
        // The dice must actually reach the interesting states, or a clean result proves nothing.
        assertThat(crashes).isGreaterThan(SEEDS);
        assertThat(repairs).as("damage found, refused and repaired").isGreaterThan(SEEDS / 10);
    }

    @Test
    void heavyIoFaultsLoseNothingAcknowledgedEither() {
        // One write, fsync or ENOSPC in ten fails: the supervisor's close-and-reopen path all the time.
        StorageRun.Settings heavy = new StorageRun.Settings(80, 6, new DiskFaults(0.05, 0.05, 0.1, 0), 0.08, 0.02, 0);
        List<StorageResult> bad = new ArrayList<>();
        for (long seed = 0; seed < SEEDS / 6; seed++) {
            StorageResult r = StorageRun.run(seed, heavy);
            if (r.outcome() != StorageResult.Outcome.CLEAN && bad.size() < 10) bad.add(r);
        }
        assertThat(bad).as("no bit flips, so no store may even refuse to open").isEmpty();
    }

    /**
     * Seeds that broke an invariant on commit 6ed5c75 (file port, before the fixes of issue 7):
     * defect 3 (a flipped bit in plans.log rewinds the plan store: I5 seeds 4, 8, 932, 999; I7 seed
     * 723 lost an acknowledged pin; I6 seed 1128 handed g2 out again with other content), defect 4 (a
     * flipped bit in records.log drops acknowledged applies: I5 seeds 6, 7, 939, 963), and the fsync
     * lesson with no damage at all (a failed fsync left bytes in the page cache that a reopen
     * replayed and the disk never got: I5 seed 941, I6 seed 974, I7 seed 944; a header that never
     * reached the disk: seed 968 refused to open). With operator repairs modelled (a damaged log moved
     * aside), seeds 5 and 7 handed out g1 again with other content (I6) on cdb0e48, before the
     * generation floor. A code change moves the dice, so these replays
     * guard the classes only loosely; AppendLogTest, FilePlanStoreTest and EmbeddedRecordStoreTest
     * pin the exact cases.
     */
    @ParameterizedTest
    @ValueSource(longs = {4, 8, 932, 999, 723, 1128, 6, 7, 939, 963, 941, 974, 944, 968, 5})
    void seedsThatFoundDefectsThreeAndFourNowPass(long seed) {
        StorageResult r = StorageRun.run(seed, StorageRun.Settings.DEFAULTS);
        assertThat(r.violated()).as(r.toString()).isFalse();
    }
}
