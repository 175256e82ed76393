package io.waymark.adapters.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Where things are in a format-3 log file ({@link Sectors}), for tests that damage or tear one by hand
 * from outside this package: logical offsets (what stores see) to file offsets, and the torn state a
 * crash leaves of the last append.
 */
public final class LogFiles {
    public static final int SECTOR_BYTES = Sectors.BYTES;
    public static final int SECTOR_DATA_BYTES = Sectors.DATA;

    private LogFiles() {}

    /** The file offset of logical offset {@code logical} (as {@code sizeBytes()} and entry offsets count). */
    public static long physical(long logical) {
        return Sectors.physical(logical);
    }

    /** The file offset of the first sector at or after logical offset {@code logical} (a batch boundary when it is one). */
    public static long sectorStart(long logical) {
        return Sectors.sectorStart(logical);
    }

    /** The file offset just after the last data byte of the last batch (0 when the log has none). */
    public static long dataEnd(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        for (long k = b.length / Sectors.BYTES - 1; k >= 1; k--) { // bounded by the file's sectors
            Sectors.Sector c = Sectors.classify(ByteBuffer.wrap(b).position((int) (k * Sectors.BYTES)), new CRC32C());
            if (c instanceof Sectors.Sector.Good g) return k * Sectors.BYTES + Sectors.HEAD + g.data().remaining();
        }
        return 0;
    }

    /**
     * Leaves the last batch as a crash during its append can: its last sector lost (zero) when it has
     * more than one, else its only sector as the first of a longer batch whose rest was lost.
     */
    public static void tearLastBatch(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        CRC32C crc = new CRC32C();
        long last = -1;
        int batch = -1;
        for (long k = b.length / Sectors.BYTES - 1; k >= 1 && last < 0; k--) { // bounded by the file's sectors
            if (Sectors.classify(ByteBuffer.wrap(b).position((int) (k * Sectors.BYTES)), crc) instanceof Sectors.Sector.Good g) {
                last = k;
                batch = g.batch();
            }
        }
        if (last < 1) throw new IllegalArgumentException(file + " holds no batch");
        long first = last;
        while (first > 1 && Sectors.classify(ByteBuffer.wrap(b).position((int) ((first - 1) * Sectors.BYTES)), crc) instanceof Sectors.Sector.Good g && g.batch() == batch) first--;
        ByteBuffer s = ByteBuffer.wrap(b);
        int at = (int) (last * Sectors.BYTES);
        if (last > first) {
            java.util.Arrays.fill(b, at, at + Sectors.BYTES, (byte) 0);
        } else {
            s.putShort(at + 8, (short) Sectors.DATA).putShort(at + 10, (short) 0); // not last: more was to follow
            crc.reset();
            crc.update(b, at + 4, Sectors.BYTES - 4);
            s.putInt(at, (int) crc.getValue());
        }
        Files.write(file, b);
    }
}
