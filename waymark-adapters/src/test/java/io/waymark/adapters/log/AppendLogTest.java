package io.waymark.adapters.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.adapters.LogCapture;
import io.waymark.adapters.fs.FileDataDir;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AppendLogTest {
    private static final int MAX = 1 << 20;
    @TempDir Path dir;

    private Path file() {
        return dir.resolve("test.log");
    }

    private static byte[] entry(int i) {
        return ("entry-" + i + "-" + "x".repeat(i % 37)).getBytes(StandardCharsets.UTF_8);
    }

    private List<String> reopen() throws IOException {
        List<String> seen = new ArrayList<>();
        try (AppendLog log = Format2.open(file(), MAX, b -> seen.add(StandardCharsets.UTF_8.decode(b).toString()))) {
            assertThat(log.entries()).isEqualTo(seen.size());
            // A format-2 file ends where its data ends; compaction makes it format 3, zeroed ahead.
            if (java.util.Arrays.equals(java.util.Arrays.copyOf(Files.readAllBytes(file()), 8), AppendLog.HEADER_V2)) assertThat(log.sizeBytes()).isEqualTo(Files.size(file()));
        }
        return seen;
    }

    private long writeEntries(int n) throws IOException {
        try (AppendLog log = Format2.open(file(), MAX, b -> {})) {
            List<byte[]> batch = new ArrayList<>();
            for (int i = 0; i < n; i++) batch.add(entry(i));
            log.append(batch.subList(0, n / 2));
            log.append(batch.subList(n / 2, n));
            return log.sizeBytes();
        }
    }

    private static List<String> expected(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(new String(entry(i), StandardCharsets.UTF_8));
        return out;
    }

    @Test
    void entriesSurviveReopenInOrder() throws IOException {
        writeEntries(100);
        assertThat(reopen()).isEqualTo(expected(100));
        try (AppendLog log = Format2.open(file(), MAX, b -> {})) {
            assertThat(log.recovery().cut()).isFalse();
        }
    }

    @Test
    void tornTailIsCutAtTheLastGoodEntryAndReported() throws IOException {
        long size = writeEntries(10);
        long lastEntryStart = size - (FrameReader.overheadBytes(2) + entry(9).length);
        try (FileChannel ch = FileChannel.open(file(), StandardOpenOption.WRITE)) {
            ch.truncate(size - 3); // a crash in the middle of writing entry 9
        }
        try (LogCapture logs = new LogCapture(AppendLog.class)) {
            assertThat(reopen()).isEqualTo(expected(9));
            assertThat(logs.messages()).anySatisfy(m -> assertThat(m)
                    .startsWith("WARN").contains("cut " + (size - 3 - lastEntryStart) + " bytes")
                    .contains("offset " + lastEntryStart).contains("after 9 good entries").contains("torn entry"));
        }
        assertThat(Files.size(file())).isEqualTo(lastEntryStart);
        // The cut log takes appends again and keeps them.
        try (AppendLog log = Format2.open(file(), MAX, b -> {})) {
            log.append(List.of(entry(9)));
        }
        assertThat(reopen()).isEqualTo(expected(10));
    }

    @Test
    void tornFrameHeaderIsCut() throws IOException {
        long size = writeEntries(4);
        try (FileChannel ch = FileChannel.open(file(), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0}), size); // 3 bytes of a next frame header
        }
        assertThat(reopen()).isEqualTo(expected(4));
        assertThat(Files.size(file())).isEqualTo(size);
    }

    /** Defects 3 and 4 (issue 7): corruption is never truncation. */
    @Test
    void aFlippedByteInAPayloadRefusesToOpenAndChangesNothing() throws IOException {
        writeEntries(10);
        flip(offsetOf(6) + FrameReader.overheadBytes(2) + 2);
        assertRefusedAt(offsetOf(6), "after 6 good entries");
    }

    @Test
    void aFlippedByteInTheLastEntryIsDamageNotATornTail() throws IOException {
        writeEntries(10);
        flip(Files.size(file()) - 1);
        assertRefusedAt(offsetOf(9), "after 9 good entries");
    }

    @Test
    void aFlippedBitInALengthIsCaughtByTheChecksum() throws IOException {
        writeEntries(10);
        flip(offsetOf(3) + 3); // low byte of entry 3's length: still a plausible length
        assertRefusedAt(offsetOf(3), "after 3 good entries");
    }

    @Test
    void aLengthFlippedToRunPastTheEndOfTheLastEntryIsDamageNotATornTail() throws IOException {
        writeEntries(10);
        // Without a checksum of the frame header this looks exactly like a torn append, and was cut.
        flip(offsetOf(9) + 2); // 16 KiB more: within the entry limit, past the end of the file
        assertRefusedAt(offsetOf(9), "after 9 good entries");
    }

    @Test
    void anImpossibleLengthFollowedByDataIsDamage() throws IOException {
        writeEntries(5);
        flip(offsetOf(2)); // high byte of the length: far beyond the entry limit
        assertRefusedAt(offsetOf(2), "after 2 good entries");
    }

    @Test
    void zerosToTheEndOfTheFileAreATornTail() throws IOException {
        long size = writeEntries(4);
        try (FileChannel ch = FileChannel.open(file(), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[300]), size); // the size reached the disk, the data did not
        }
        assertThat(reopen()).isEqualTo(expected(4));
        assertThat(Files.size(file())).isEqualTo(size);
    }

    @Test
    void zerosFollowedByDataAreDamage() throws IOException {
        writeEntries(6);
        try (FileChannel ch = FileChannel.open(file(), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[FrameReader.overheadBytes(2)]), offsetOf(4));
        }
        assertRefusedAt(offsetOf(4), "after 4 good entries");
    }

    private void assertRefusedAt(long offset, String context) throws IOException {
        byte[] before = Files.readAllBytes(file());
        assertThatThrownBy(() -> Format2.open(file(), MAX, b -> {}))
                .isInstanceOf(LogCorruptException.class)
                .hasMessageContaining(file().toString())
                .hasMessageContaining("offset " + offset)
                .hasMessageContaining(context)
                .hasMessageContaining("What to do");
        assertThat(Files.readAllBytes(file())).as("a damaged log is left as it was").isEqualTo(before);
    }

    @Test
    void tornHeaderStartsAnEmptyLog() throws IOException {
        Files.write(file(), new byte[] {'W', 'M'});
        assertThat(reopen()).isEmpty();
        assertThat(Files.size(file())).isEqualTo(AppendLog.HEADER_V2.length);
    }

    @Test
    void aWholeFileOfZerosIsDamageNotATornHeader() throws IOException {
        Files.write(file(), new byte[AppendLog.HEADER_V2.length]);
        assertThat(reopen()).isEmpty(); // a header's worth of zeros: its size reached the disk, its data did not
        writeEntries(3);
        Files.write(file(), new byte[(int) Files.size(file())]); // everything zeroed at rest
        assertThatThrownBy(() -> Format2.open(file(), MAX, b -> {})).isInstanceOf(LogCorruptException.class).hasMessageContaining("bad header");
    }

    @Test
    void foreignFileIsRefusedNotTruncated() throws IOException {
        Files.writeString(file(), "this is somebody else's file");
        assertThatThrownBy(() -> Format2.open(file(), MAX, b -> {})).isInstanceOf(LogCorruptException.class);
        assertThat(Files.readString(file())).isEqualTo("this is somebody else's file");
    }

    @Test
    void oversizedAndEmptyEntriesAreRefusedBeforeWriting() throws IOException {
        try (AppendLog log = Format2.open(file(), 16, b -> {})) {
            assertThatThrownBy(() -> log.append(List.of(entry(1), new byte[17]))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> log.append(List.of(new byte[0]))).isInstanceOf(IllegalArgumentException.class);
            assertThat(log.entries()).isZero();
        }
        assertThat(reopen()).isEmpty();
    }

    /** Both formats a new file can have: format 2 frames and format 3 sectors chunk their writes alike. */
    @ParameterizedTest(name = "format {0}")
    @ValueSource(ints = {2, 3})
    void largeBatchesSpanSeveralWriteChunks(int format) throws IOException {
        byte[] big = new byte[900_000];
        for (int i = 0; i < big.length; i++) big[i] = (byte) i;
        List<byte[]> batch = new ArrayList<>();
        for (int i = 0; i < 40; i++) batch.add(big); // 36 MB: more than one 16 MB write chunk
        try (AppendLog log = AppendLog.open(FileDataDir.open(dir), "test.log", MAX, (AppendLog.Replay) (o, b) -> {}, format)) {
            log.append(batch);
        }
        int[] count = {0};
        try (AppendLog log = AppendLog.open(file(), MAX, b -> { // an existing file opens in its own format
            byte[] got = new byte[b.remaining()];
            b.get(got);
            assertThat(got).isEqualTo(big);
            count[0]++;
        })) {
            assertThat(log.recovery().cut()).isFalse();
        }
        assertThat(count[0]).isEqualTo(40);
        assertThat(Arrays.copyOf(Files.readAllBytes(file()), 8)).isEqualTo(format == 3 ? AppendLog.HEADER : AppendLog.HEADER_V2);
    }

    @Test
    void rewriteReplacesTheLogAtomically() throws IOException {
        writeEntries(50);
        try (AppendLog log = Format2.open(file(), MAX, b -> {})) {
            log.rewrite(List.of(entry(1), entry(2)));
            assertThat(log.entries()).isEqualTo(2);
            log.append(List.of(entry(3)));
        }
        assertThat(reopen()).isEqualTo(List.of(expected(4).get(1), expected(4).get(2), expected(4).get(3)));
        assertThat(Files.exists(dir.resolve("test.log.compact"))).isFalse();
    }

    private long offsetOf(int index) {
        long off = AppendLog.HEADER_V2.length;
        for (int i = 0; i < index; i++) off += FrameReader.overheadBytes(2) + entry(i).length;
        return off;
    }

    private void flip(long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file().toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x40);
        }
    }
}
