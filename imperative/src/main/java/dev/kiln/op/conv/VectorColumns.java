package dev.kiln.op.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector part of {@link ColumnPanels}: each vector of a panel row is one load of the shifted image plane, masked
 * to the positions inside the image (masked-off lanes read as zero and are not read), or two such loads blended
 * where the vector reaches into the next image; it is stored whole. Only loaded when the Vector API is available.
 */
final class VectorColumns {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int LANES = S.length();
    private static final FloatVector ZERO = FloatVector.zero(S);

    private VectorColumns() {
    }

    /**
     * Fills the panel of columns {@code [j, j + width)} of B, rows {@code [p0, p0 + kc)}, panel row {@code p} at
     * {@code dst[d + p * nr]} ({@code nr} a whole number of vectors; lanes past {@code width} become zero) when
     * images are at least a vector wide, returning {@code width}; else returns 0 and leaves it to the scalar code.
     */
    static int fill(ColumnPanels cp, int p0, int kc, int j, int width, float[] dst, int d, int nr) {
        ColumnPanels.Taps taps = cp.taps();
        int grid = taps.grid();
        if (grid < LANES) {
            return 0;
        }
        int kernel = taps.delta().length;
        long[] bits = taps.bits();
        int[] delta = taps.delta();
        float[] x = cp.x();
        int image = cp.image();
        int slots = (width + LANES - 1) / LANES;
        // per vector of the panel row: where it reads (this image, then the next one) and its masks
        int[] at = new int[slots];
        int[] next = new int[slots];
        int[] pos = new int[slots];
        long[] first = new long[slots];
        long[] second = new long[slots];
        int c0 = p0 / kernel;
        int img = j / grid;
        int g = j - img * grid;
        for (int s = 0; s < slots; s++) {
            int lanes = Math.min(LANES, width - s * LANES);
            // lanes [0, split) read this image, lanes [split, lanes) the next one from its position 0
            int split = Math.min(lanes, grid - g);
            first[s] = (1L << split) - 1;
            second[s] = ((1L << lanes) - 1) & ~first[s];
            pos[s] = g;
            at[s] = cp.xOff() + img * cp.stride() + c0 * image + g;
            next[s] = cp.xOff() + (img + 1) * cp.stride() + c0 * image - split;
            g += LANES;
            if (g >= grid) {
                g -= grid;
                img++;
            }
        }
        int tap = p0 - c0 * kernel;
        int plane = 0;
        for (int p = 0, row = d; p < kc; p++, row += nr) {
            int in = tap * grid;
            int shift = plane + delta[tap];
            for (int s = 0; s < slots; s++) {
                // each load: the lanes whose bit is set, zero in the others; a whole load then a blend, or a masked
                // load (which reads only the set lanes) where a whole vector would leave the array. Written out
                // twice rather than called: a vector returned from a call C2 does not inline is boxed.
                int off = at[s] + shift;
                VectorMask<Float> mask = VectorMask.fromLong(S, bits[in + pos[s]] & first[s]);
                FloatVector v = off >= 0 && off <= x.length - LANES ? ZERO.blend(FloatVector.fromArray(S, x, off), mask)
                        : FloatVector.fromArray(S, x, off, mask);
                if (second[s] != 0) {
                    int off2 = next[s] + shift;
                    VectorMask<Float> mask2 = VectorMask.fromLong(S, bits[in] << Long.bitCount(first[s]) & second[s]);
                    FloatVector w = off2 >= 0 && off2 <= x.length - LANES
                            ? ZERO.blend(FloatVector.fromArray(S, x, off2), mask2)
                            : FloatVector.fromArray(S, x, off2, mask2);
                    v = v.blend(w, VectorMask.fromLong(S, second[s]));
                }
                v.intoArray(dst, row + s * LANES);
            }
            if (++tap == kernel) {
                tap = 0;
                plane += image;
            }
        }
        return width;
    }
}
