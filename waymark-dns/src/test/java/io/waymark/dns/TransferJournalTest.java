package io.waymark.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The journal keeps its byte total as a running sum (adding a version on every snapshot swap must not
 * walk all kept versions): it must equal the sum over what is kept through appends, trims by count,
 * trims by bytes and a zone's chain restarting. Journals share one array of versions where they can:
 * whatever is derived from whatever, each must hold exactly what a journal of its own would.
 */
class TransferJournalTest {
    private static TransferJournal.Version version(int zone, long from, long bytes) {
        return new TransferJournal.Version(zone, from, from + 1, List.of(), bytes);
    }

    /** Bytes of everything the journal holds for {@code zone} from {@code first} to {@code last}. */
    private static long kept(TransferJournal j, int zone, long first, long last) {
        return j.chain(zone, first, last).map(TransferJournal::bytesOf).orElse(0L);
    }

    @Test
    void theRunningTotalIsTheSumOfWhatIsKept() {
        TransferJournal j = TransferJournal.EMPTY;
        // Two zones interleaved, past the count bound: the oldest go first.
        for (long s = 1; s <= TransferJournal.VERSIONS_MAX / 2 + 10; s++) j = j.with(List.of(version(0, s, 100 + s), version(1, s, 7)));
        assertThat(j.versionCount()).isEqualTo(TransferJournal.VERSIONS_MAX);
        long last = TransferJournal.VERSIONS_MAX / 2 + 11;
        assertThat(j.bytes()).isEqualTo(kept(j, 0, 11, last) + kept(j, 1, 11, last));
        assertThat(kept(j, 0, 11, last)).isPositive();

        // Zone 0 restarts from a serial its last version does not end at: its old versions go, zone 1's stay.
        j = j.with(List.of(version(0, 90_000, 5)));
        assertThat(j.bytes()).isEqualTo(5 + kept(j, 1, 11, last));

        // A version that takes most of the byte budget pushes out the oldest (zone 1's small ones) until the total fits:
        // two of them stay beside zone 0's and the big one (2 * 7 + 5 + BYTES_MAX - 20).
        j = j.with(List.of(version(1, last, TransferJournal.BYTES_MAX - 20)));
        assertThat(j.bytes()).isEqualTo(TransferJournal.BYTES_MAX - 1);
        assertThat(j.bytes()).isEqualTo(kept(j, 0, 90_000, 90_001) + kept(j, 1, last - 2, last + 1));
        // Bigger than the whole budget: the journal empties.
        j = j.with(List.of(version(0, 90_001, TransferJournal.BYTES_MAX + 1)));
        assertThat(j.versionCount()).isZero();
        assertThat(j.bytes()).isZero();
    }

    /**
     * Random appends (two zones, chains that continue or restart, sizes up to past the byte budget),
     * each derived from a journal picked among all made so far, so that several are derived from one
     * parent: each journal must hold exactly the versions a plain list trimmed the same way holds.
     */
    @Test
    void journalsDerivedFromOneParentDoNotSeeEachOthersVersions() {
        SplittableRandom random = new SplittableRandom(7);
        List<TransferJournal> journals = new ArrayList<>(List.of(TransferJournal.EMPTY));
        List<List<TransferJournal.Version>> models = new ArrayList<>(List.of(List.of()));
        long[] nextSerial = {1, 1};
        for (int step = 0; step < 6_000; step++) {
            int parent = random.nextInt(10) < 8 ? journals.size() - 1 : random.nextInt(journals.size());
            List<TransferJournal.Version> added = new ArrayList<>();
            for (int k = 1 + random.nextInt(2); k > 0; k--) {
                int zone = random.nextInt(2);
                List<TransferJournal.Version> model = models.get(parent);
                long from = lastTo(model, added, zone);
                if (from < 0 || random.nextInt(50) == 0) from = nextSerial[zone] += 1_000; // a restarted chain
                long bytes = random.nextInt(500) == 0 ? TransferJournal.BYTES_MAX / 3 : 1 + random.nextInt(1_000);
                added.add(version(zone, from, bytes));
            }
            journals.add(journals.get(parent).with(added));
            models.add(trimmed(models.get(parent), added));
        }
        for (int i = 0; i < journals.size(); i++) {
            TransferJournal j = journals.get(i);
            List<TransferJournal.Version> model = models.get(i);
            assertThat(j.versionCount()).as("journal %d", i).isEqualTo(model.size());
            assertThat(j.bytes()).as("journal %d", i).isEqualTo(model.stream().mapToLong(TransferJournal.Version::bytes).sum());
            for (int zone = 0; zone < 2; zone++) {
                final int z = zone;
                List<TransferJournal.Version> ofZone = model.stream().filter(v -> v.zone() == z).toList();
                if (ofZone.isEmpty()) continue;
                assertThat(j.chain(zone, ofZone.get(0).fromSerial(), ofZone.get(ofZone.size() - 1).toSerial()))
                        .as("journal %d zone %d", i, zone).contains(ofZone);
            }
        }
    }

    /**
     * Versions dropped from a journal stay reachable through the array it shares with older journals;
     * a run of large ones (a converge changes every endpoint) must not keep far more alive than the
     * journal's own budget: past the bound an append copies and leaves the old array behind.
     */
    @Test
    void droppedVersionsKeptReachableStayBounded() {
        TransferJournal j = TransferJournal.EMPTY;
        for (long s = 1; s <= 200; s++) {
            j = j.with(List.of(version(0, s, TransferJournal.BYTES_MAX / 3)));
            assertThat(j.retainedBytes()).as("after %d versions", s).isLessThanOrEqualTo(TransferJournal.RETAINED_BYTES_MAX);
            assertThat(j.bytes()).isLessThanOrEqualTo(TransferJournal.BYTES_MAX);
        }
        assertThat(j.versionCount()).isEqualTo(3); // three thirds of the budget fit
        // Small versions still append in place: one copy per many appends, the dropped ones within the bound.
        for (long s = 201; s <= 3_000; s++) j = j.with(List.of(version(0, s, 1_000)));
        assertThat(j.versionCount()).isEqualTo(TransferJournal.VERSIONS_MAX);
        assertThat(j.retainedBytes()).isLessThanOrEqualTo(TransferJournal.VERSIONS_MAX * 1_000L);
    }

    /** Where zone's chain ends after {@code model} and {@code added}, or -1 when it has none. */
    private static long lastTo(List<TransferJournal.Version> model, List<TransferJournal.Version> added, int zone) {
        for (int i = added.size() - 1; i >= 0; i--) if (added.get(i).zone() == zone) return added.get(i).toSerial();
        for (int i = model.size() - 1; i >= 0; i--) if (model.get(i).zone() == zone) return model.get(i).toSerial();
        return -1;
    }

    /** The journal's rules on a plain list: a restarted chain drops its zone, then the oldest go past either bound. */
    private static List<TransferJournal.Version> trimmed(List<TransferJournal.Version> before, List<TransferJournal.Version> added) {
        List<TransferJournal.Version> all = new ArrayList<>(before);
        for (TransferJournal.Version v : added) {
            long last = lastTo(all, List.of(), v.zone());
            if (last >= 0 && last != v.fromSerial()) all.removeIf(old -> old.zone() == v.zone());
            all.add(v);
        }
        while (all.size() > TransferJournal.VERSIONS_MAX) all.remove(0);
        while (!all.isEmpty() && all.stream().mapToLong(TransferJournal.Version::bytes).sum() > TransferJournal.BYTES_MAX) all.remove(0);
        return List.copyOf(all);
    }
}
