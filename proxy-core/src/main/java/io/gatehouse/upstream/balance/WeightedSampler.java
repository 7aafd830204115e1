package io.gatehouse.upstream.balance;

/**
 * Draws an index in proportion to fixed weights in constant time from one random long (Walker's alias
 * method, built with Vose's stable construction): the high 32 bits choose a column, the low 32 bits
 * choose between the column's own index and its alias. Immutable; nothing allocates when drawing.
 */
final class WeightedSampler {
    private final int n;
    /** Column i keeps its own index when the low 32 random bits are below this, else takes {@link #alias}. */
    private final long[] keep;
    private final int[] alias;

    WeightedSampler(double[] weights) {
        n = weights.length;
        keep = new long[n];
        alias = new int[n];
        if (n == 0) {
            return;
        }
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double[] scaled = new double[n];
        int[] small = new int[n];
        int[] large = new int[n];
        int smalls = 0;
        int larges = 0;
        for (int i = 0; i < n; i++) {
            scaled[i] = weights[i] * n / total;
            if (scaled[i] < 1) {
                small[smalls++] = i;
            } else {
                large[larges++] = i;
            }
        }
        while (smalls > 0 && larges > 0) {
            int s = small[--smalls];
            int l = large[--larges];
            keep[s] = (long) (scaled[s] * 0x1_0000_0000L);
            alias[s] = l;
            scaled[l] = scaled[l] + scaled[s] - 1;
            if (scaled[l] < 1) {
                small[smalls++] = l;
            } else {
                large[larges++] = l;
            }
        }
        // What is left is 1 up to rounding: those columns always keep their own index.
        while (larges > 0) {
            int l = large[--larges];
            keep[l] = 0x1_0000_0000L;
            alias[l] = l;
        }
        while (smalls > 0) {
            int s = small[--smalls];
            keep[s] = 0x1_0000_0000L;
            alias[s] = s;
        }
    }

    int size() {
        return n;
    }

    /** An index drawn with probability weight / total weight, from 64 random bits. */
    int draw(long random) {
        int column = (int) (((random >>> 32) * n) >>> 32);
        return (random & 0xffff_ffffL) < keep[column] ? column : alias[column];
    }
}
