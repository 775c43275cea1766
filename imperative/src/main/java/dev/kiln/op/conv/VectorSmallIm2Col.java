package dev.kiln.op.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Im2Col#im2col} for small planes whose positions are a whole number of vectors (ResNet-18's 4x4 and 8x8
 * layers): every vector of a column-matrix row is one lane selection from two vectors of the channel's plane, with
 * the padding lanes zeroed. The copy-based path moves a 4x4 tap as a 12-float copy plus a few zeroed elements, so
 * its per-copy cost took about 30% of a 512-channel 4x4 weight gradient. Which two vectors, which lanes and which are
 * padding depend only on the window and are worked out once per call ({@link Plan}). Only loaded when the Vector API
 * is available ({@link dev.kiln.kernel.simd.VectorSupport#isAvailable()}); results are exactly the copy-based path's.
 */
final class VectorSmallIm2Col {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Largest plane taken: four vectors (8x8 with 16 lanes); larger planes are long copies already. */
    private static final int MAX_VECTORS = 4;

    private VectorSmallIm2Col() {
    }

    /**
     * Per tap {@code t} and output vector {@code q} (entry {@code t * vectors + q}): the first of the two plane
     * vectors it selects from ({@code first}, the second is the next one or the same when the plane is one vector),
     * the lane indices into their concatenation ({@code index}, {@code L} per entry), and the lanes inside the image
     * ({@code valid}, a bit per lane).
     */
    record Plan(int vectors, int taps, int[] first, int[] second, float[] index, long[] valid) {
        /**
         * The plan of a window that {@link #applies}. Each tap shifts the plane by a constant, so the image elements
         * one output vector reads are within a run of {@code L} and so within two consecutive plane vectors.
         */
        static Plan of(Window w) {
            int gh = w.grid()[1];
            int gw = w.grid()[2];
            int height = w.image()[1];
            int width = w.image()[2];
            int plane = gh * gw;
            int vectors = plane / L;
            int taps = w.kernelSize();
            int[] first = new int[taps * vectors];
            int[] second = new int[taps * vectors];
            float[] index = new float[taps * vectors * L];
            long[] valid = new long[taps * vectors];
            for (int kh = 0, t = 0; kh < w.kernel()[1]; kh++) {
                for (int kw = 0; kw < w.kernel()[2]; kw++, t++) {
                    for (int q = 0; q < vectors; q++) {
                        int e = t * vectors + q;
                        int lowest = Integer.MAX_VALUE;
                        int highest = -1;
                        int[] src = new int[L];
                        for (int lane = 0; lane < L; lane++) {
                            int pos = q * L + lane;
                            int iy = pos / gw - w.pad()[1] + kh * w.dilate()[1];
                            int ix = pos % gw - w.pad()[2] + kw * w.dilate()[2];
                            src[lane] = iy >= 0 && iy < height && ix >= 0 && ix < width ? iy * width + ix : -1;
                            if (src[lane] >= 0) {
                                lowest = Math.min(lowest, src[lane]);
                                highest = Math.max(highest, src[lane]);
                                valid[e] |= 1L << lane;
                            }
                        }
                        int a = highest < 0 ? 0 : lowest / L;
                        first[e] = a;
                        second[e] = Math.min(a + 1, vectors - 1);
                        for (int lane = 0; lane < L; lane++) {
                            int s = src[lane];
                            // a source in the second vector is at L + its lane even when both are the same vector
                            index[e * L + lane] = s < 0 ? 0 : s / L == a ? s - a * L : L + s - second[e] * L;
                        }
                    }
                }
            }
            return new Plan(vectors, taps, first, second, index, valid);
        }
    }

    /**
     * Whether a window takes this path: a 2-D window of unit stride with the grid the image's size ("same" padding),
     * whose plane is one to {@link #MAX_VECTORS} whole vectors.
     */
    static boolean applies(Window w) {
        int plane = w.imageSize();
        return Im2Col.isSamePlanar(w) && w.grid()[1] == w.image()[1] && plane % L == 0 && plane / L >= 1
                && plane / L <= MAX_VECTORS;
    }

    /**
     * {@link Im2Col#im2col} for a window that {@link #applies}, by its {@code plan}: the rows of
     * channels {@code [cFrom, cTo)}, row stride {@code ld}, from the image at {@code x[xOff...]}.
     */
    static void im2col(float[] x, int xOff, int cFrom, int cTo, Plan plan, float[] col, int colOff, int ld) {
        int vectors = plan.vectors();
        int taps = plan.taps();
        int plane = vectors * L;
        int[] first = plan.first();
        int[] second = plan.second();
        float[] index = plan.index();
        long[] valid = plan.valid();
        FloatVector zero = FloatVector.zero(S);
        for (int c = cFrom; c < cTo; c++) {
            int base = xOff + c * plane;
            int row = colOff + c * taps * ld;
            for (int t = 0; t < taps; t++, row += ld) {
                for (int q = 0; q < vectors; q++) {
                    int e = t * vectors + q;
                    FloatVector a = FloatVector.fromArray(S, x, base + first[e] * L);
                    FloatVector b = FloatVector.fromArray(S, x, base + second[e] * L);
                    FloatVector picked = FloatVector.fromArray(S, index, e * L).selectFrom(a, b);
                    zero.blend(picked, VectorMask.fromLong(S, valid[e])).intoArray(col, row + q * L);
                }
            }
        }
    }
}
