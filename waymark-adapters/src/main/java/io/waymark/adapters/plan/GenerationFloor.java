package io.waymark.adapters.plan;

import io.waymark.adapters.fs.DataDir;
import io.waymark.adapters.fs.DataFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The plan store's generation floor (I6: a generation is handed out once, whatever happens to
 * {@code plans.log}), in its own small file beside the log so that it survives the log being lost,
 * moved aside or restored from a backup.
 *
 * <p>{@code reserved}: every generation ever handed out is at most this. Publishes reserve a block of
 * generations at a time (one atomic floor write per block, not one fsync per publish).
 * {@code nextMin}: the next generation handed out is at least this; raised above {@code reserved}
 * when the log is found damaged or missing, because the log can then no longer tell which of the
 * reserved generations were handed out.
 *
 * <p>File layout (28 bytes, big-endian): {@code "WMFLOOR1"}, u64 nextMin, u64 reserved,
 * u32 crc32c of the 24 bytes before it. Written atomically: temporary file, fsync, rename, fsync of
 * the directory.
 */
final class GenerationFloor {
    static final String FILE = "plans.floor";
    private static final byte[] MAGIC = "WMFLOOR1".getBytes(StandardCharsets.US_ASCII);
    private static final int FILE_BYTES = 8 + 8 + 8 + 4;

    /** A floor as stored. */
    record Value(long nextMin, long reserved) {
        static final Value NONE = new Value(0, 0);

        Value {
            if (nextMin < 0 || reserved < 0) throw new IllegalArgumentException("floor values must be >= 0: " + nextMin + ", " + reserved);
        }

        /** The floor after the log turned out damaged or missing: nothing reserved may be handed out again. */
        Value distrustLog() {
            return new Value(Math.max(nextMin, reserved + 1), reserved);
        }
    }

    /** What reading found: absent, a value, or damage (with what is wrong). */
    sealed interface Read {
        record Absent() implements Read {}

        record Good(Value value) implements Read {}

        record Damaged(String reason) implements Read {}
    }

    private GenerationFloor() {}

    static Read read(DataDir dir) throws IOException {
        if (!dir.exists(FILE)) return new Read.Absent();
        try (DataFile f = dir.open(FILE)) {
            if (f.size() != FILE_BYTES) return new Read.Damaged(dir.describe(FILE) + " has " + f.size() + " bytes, expected " + FILE_BYTES);
            ByteBuffer b = ByteBuffer.allocate(FILE_BYTES);
            f.readFully(b, 0);
            byte[] a = b.array();
            CRC32C crc = new CRC32C();
            crc.update(a, 0, FILE_BYTES - 4);
            if (!Arrays.equals(Arrays.copyOf(a, 8), MAGIC) || (int) crc.getValue() != b.getInt(FILE_BYTES - 4)) {
                return new Read.Damaged(dir.describe(FILE) + " fails its checksum");
            }
            long nextMin = b.getLong(8);
            long reserved = b.getLong(16);
            if (nextMin < 0 || reserved < 0) return new Read.Damaged(dir.describe(FILE) + " holds negative generations");
            return new Read.Good(new Value(nextMin, reserved));
        }
    }

    /** Replaces the floor atomically; durable when this returns. */
    static void write(DataDir dir, Value v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(FILE_BYTES);
        b.put(MAGIC).putLong(v.nextMin()).putLong(v.reserved());
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, FILE_BYTES - 4);
        b.putInt((int) crc.getValue()).flip();
        String tmp = FILE + ".new";
        dir.delete(tmp);
        try (DataFile f = dir.open(tmp)) {
            f.write(b, 0);
            f.force();
        }
        dir.rename(tmp, FILE);
        dir.sync();
    }
}
