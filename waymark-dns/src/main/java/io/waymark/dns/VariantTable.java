package io.waymark.dns;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Weighted answer orders, prepared once per weight vector: each row holds {@code width} distinct
 * address indexes drawn by weight without replacement. A query picks a row at random, so a reply
 * costs a copy and no arithmetic on weights.
 *
 * <p>The first column is not drawn but apportioned (largest remainder) so that each address is
 * first in a share of rows equal to its weight share, to within one row; the other columns are drawn
 * with a generator seeded from the weights, so the same weights always give the same table.
 */
record VariantTable(int addressCount, int width, int rows, short[] indices) {
    /** Rows when every address appears in every answer: only the order varies, few rows suffice. */
    static final int ROWS_ORDER_ONLY = 128;
    /** Rows when answers hold a subset: appearance shares need more samples to settle. */
    static final int ROWS_SUBSET = 1024;
    private static final long SEED = 0x5741594d41524bL; // "WAYMARK": fixed so tests and runs agree

    VariantTable {
        if (Integer.bitCount(rows) != 1) throw new IllegalArgumentException("rows must be a power of two");
        if (indices.length != rows * width) throw new IllegalArgumentException("indices must hold rows × width entries");
    }

    int rowStart(int pick) {
        return (pick & (rows - 1)) * width;
    }

    int index(int position) {
        return indices[position];
    }

    static VariantTable build(int[] weights, int answerAddressesMax) {
        int k = weights.length;
        if (k < 2 || k > Short.MAX_VALUE) throw new IllegalArgumentException("a variant table needs 2.." + Short.MAX_VALUE + " addresses, got " + k);
        if (answerAddressesMax < 1) throw new IllegalArgumentException("answer addresses max must be at least 1");
        int width = Math.min(k, answerAddressesMax);
        int rows = width == k ? ROWS_ORDER_ONLY : ROWS_SUBSET;
        long total = 0;
        for (int w : weights) {
            if (w < 1) throw new IllegalArgumentException("weights must be at least 1");
            total += w;
        }
        int[] firsts = apportion(weights, total, rows);
        SplittableRandom random = new SplittableRandom(SEED ^ (31L * Arrays.hashCode(weights) + width));
        shuffle(firsts, random);
        // Latin hypercube: column c of row r draws from stratum strata[c][r] of [0, 1), every stratum
        // used once per column, so the table's appearance shares sit far closer to their expectation
        // than independent draws would (a 1,024-row table then errs by well under a percentage point).
        int[][] strata = new int[width][rows];
        for (int col = 1; col < width; col++) {
            for (int r = 0; r < rows; r++) strata[col][r] = r;
            shuffle(strata[col], random);
        }
        short[] indices = new short[rows * width];
        boolean[] taken = new boolean[k];
        for (int row = 0; row < rows; row++) {
            Arrays.fill(taken, false);
            int first = firsts[row];
            taken[first] = true;
            indices[row * width] = (short) first;
            long remaining = total - weights[first];
            for (int col = 1; col < width; col++) {
                double u = (strata[col][row] + random.nextDouble()) / rows;
                int pick = draw(weights, taken, remaining, u);
                taken[pick] = true;
                remaining -= weights[pick];
                indices[row * width + col] = (short) pick;
            }
        }
        return new VariantTable(k, width, rows, indices);
    }

    /** Row count per address proportional to weight, rounding by largest remainder; sums to rows. */
    private static int[] apportion(int[] weights, long total, int rows) {
        int k = weights.length;
        int[] counts = new int[k];
        double[] remainders = new double[k];
        int assigned = 0;
        for (int i = 0; i < k; i++) {
            double exact = (double) weights[i] * rows / total;
            counts[i] = (int) Math.floor(exact);
            remainders[i] = exact - counts[i];
            assigned += counts[i];
        }
        for (int left = rows - assigned; left > 0; left--) { // at most k iterations
            int best = 0;
            for (int i = 1; i < k; i++) if (remainders[i] > remainders[best]) best = i;
            counts[best]++;
            remainders[best] = -1;
        }
        int[] firsts = new int[rows];
        int at = 0;
        for (int i = 0; i < k; i++) for (int c = 0; c < counts[i]; c++) firsts[at++] = i;
        return firsts;
    }

    private static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** The address whose cumulative weight among the untaken ones covers {@code u × remaining}. */
    private static int draw(int[] weights, boolean[] taken, long remaining, double u) {
        long target = Math.min(remaining - 1, (long) (u * remaining));
        for (int i = 0; i < weights.length; i++) {
            if (taken[i]) continue;
            target -= weights[i];
            if (target < 0) return i;
        }
        throw new IllegalStateException("weighted draw ran past the remaining weight");
    }
}
