package io.waymark.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The journal keeps its byte total as a running sum (adding a version on every snapshot swap must not
 * walk all kept versions): it must equal the sum over what is kept through appends, trims by count,
 * trims by bytes and a zone's chain restarting.
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
}
