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
 * <p>File layout: the same 28-byte record twice (so that one flipped bit does not lose the floor),
 * each {@code "WMFLOOR1"}, u64 nextMin, u64 reserved, u32 crc32c of the 24 bytes before it
 * (big-endian); a file with one record is read too. Written atomically: temporary file, fsync,
 * rename, fsync of the directory.
 */
final class GenerationFloor {
    static final String FILE = "plans.floor";
    private static final byte[] MAGIC = "WMFLOOR1".getBytes(StandardCharsets.US_ASCII);
    private static final int RECORD_BYTES = 8 + 8 + 8 + 4;
    private static final int COPIES = 2;

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
            long size = f.size();
            if (size != RECORD_BYTES && size != (long) RECORD_BYTES * COPIES) {
                return new Read.Damaged(dir.describe(FILE) + " has " + size + " bytes, expected " + RECORD_BYTES * COPIES);
            }
            ByteBuffer b = ByteBuffer.allocate((int) size);
            f.readFully(b, 0);
            for (int at = 0; at < size; at += RECORD_BYTES) { // bounded: at most COPIES records
                Value v = decode(b, at);
                if (v != null) return new Read.Good(v);
            }
            return new Read.Damaged(dir.describe(FILE) + " fails its checksum in every copy");
        }
    }

    /** The record at {@code at}, or null when it fails its checksum. */
    private static Value decode(ByteBuffer b, int at) {
        byte[] a = b.array();
        CRC32C crc = new CRC32C();
        crc.update(a, at, RECORD_BYTES - 4);
        if (!Arrays.equals(Arrays.copyOfRange(a, at, at + 8), MAGIC) || (int) crc.getValue() != b.getInt(at + RECORD_BYTES - 4)) return null;
        long nextMin = b.getLong(at + 8);
        long reserved = b.getLong(at + 16);
        return nextMin < 0 || reserved < 0 ? null : new Value(nextMin, reserved);
    }

    /** Replaces the floor atomically; durable when this returns. */
    static void write(DataDir dir, Value v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(RECORD_BYTES * COPIES);
        for (int copy = 0; copy < COPIES; copy++) {
            int at = b.position();
            b.put(MAGIC).putLong(v.nextMin()).putLong(v.reserved());
            CRC32C crc = new CRC32C();
            crc.update(b.array(), at, RECORD_BYTES - 4);
            b.putInt((int) crc.getValue());
        }
        b.flip();
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
