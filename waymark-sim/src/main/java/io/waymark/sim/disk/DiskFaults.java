package io.waymark.sim.disk;

/**
 * The fault dice of a {@link SimDisk}, one probability per kind of fault (TigerBeetle's
 * {@code write_fault_probability} style). Every probability is per call (write, fsync) or, for bit
 * flips, per file at each crash.
 *
 * @param writeFaultProbability a write fails with EIO (a prefix of it may still reach the file)
 * @param noSpaceProbability    a write fails with ENOSPC (a prefix of it may still reach the file)
 * @param syncFaultProbability  an fsync of a file or of the directory fails with EIO; a file's unsynced
 *                              writes are then doomed: still readable, never durable (Linux marks the
 *                              pages clean, so a retried fsync "succeeds" and loses them)
 * @param bitFlipProbability    at a crash, one bit flips somewhere in a file's durable (fsynced) bytes
 */
public record DiskFaults(double writeFaultProbability, double noSpaceProbability, double syncFaultProbability, double bitFlipProbability) {
    public static final DiskFaults NONE = new DiskFaults(0, 0, 0, 0);

    public DiskFaults {
        check("writeFaultProbability", writeFaultProbability);
        check("noSpaceProbability", noSpaceProbability);
        check("syncFaultProbability", syncFaultProbability);
        check("bitFlipProbability", bitFlipProbability);
    }

    private static void check(String name, double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException(name + " must be in the range [0, 1], got " + p);
    }
}
