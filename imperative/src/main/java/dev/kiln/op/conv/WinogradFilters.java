package dev.kiln.op.conv;

import dev.kiln.kernel.gemm.VectorTranspose;
import dev.kiln.parallel.Parallel;
import jdk.incubator.vector.FloatVector;

import java.util.Arrays;

/**
 * The filter side of {@link WinogradConv}: {@code U[t] = G g G^T} of every kernel, laid out as the register block's
 * packed B (per transformed position {@code t} and panel of {@code 4 * L} filters, one row of the panel's filters
 * per channel). The weight is first transposed so that a vector holds one tap of sixteen filters.
 */
final class WinogradFilters {
    private static final int L = FloatVector.SPECIES_PREFERRED.length();
    private static final int NR = 4 * L;
    /** Weights smaller than this (floats) are transformed on the calling thread alone. */
    private static final int SPLIT_MIN_FLOATS = 1 << 15;

    private WinogradFilters() {
    }

    /**
     * {@code U} of {@code w} (filters, channels, 3, 3) at {@code u[(t * panels + p) * cp * NR + c * NR + j]} for filter
     * {@code p * NR + j}; zero for the padding channels and filters. The result is the calling thread's scratch.
     */
    static float[] transform(float[] w, WinogradConv.Layout lay) {
        int channels = lay.channels();
        int filters = lay.filters();
        int cp = lay.cp();
        int fp = lay.fp();
        int ld = (filters + L - 1) / L * L;
        int depth = channels * 9;
        int grain = depth * filters >= SPLIT_MIN_FLOATS ? 1 : Integer.MAX_VALUE;
        float[] wt = ConvScratch.floats(ConvScratch.Slot.TRANSPOSED_WEIGHTS, cp * 9 * ld);
        Parallel.forRange(ld / L, grain, (p0, p1) -> {
            int f0 = p0 * L;
            int f1 = Math.min(filters, p1 * L);
            VectorTranspose.transpose(f1 - f0, depth, w, f0 * depth, depth, wt, f0, ld);
            if (p1 * L > filters) {
                for (int k = 0; k < depth; k++) {
                    Arrays.fill(wt, k * ld + filters, (k + 1) * ld, 0f);
                }
            }
        });
        Arrays.fill(wt, depth * ld, cp * 9 * ld, 0f);
        int panels = lay.panels();
        int ts = panels * cp * NR;
        float[] u = ConvScratch.floats(ConvScratch.Slot.PACKED_WEIGHTS, 16 * ts);
        int last = (panels - 1) * NR;
        Parallel.forRange(cp, grain, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                for (int f = 0; f < ld; f += L) {
                    int p = f / NR;
                    WinogradTiles.filter(wt, c * 9 * ld + f, ld, u, (p * cp + c) * NR + f - p * NR, ts);
                }
                for (int t = 0; t < 16; t++) {
                    int row = t * ts + ((panels - 1) * cp + c) * NR;
                    Arrays.fill(u, row + ld - last, row + NR, 0f);
                }
            }
        });
        return u;
    }

    /**
     * {@code U} of the data gradient's weight, read straight from the layer's {@code w} (filters, channels, 3, 3): the
     * data gradient convolves with every kernel flipped and channels and filters swapped, so {@code lay} has the
     * layer's filters as its channels and its channels as filters. Each vector of 16 of those gathers its taps at
     * stride 9 (one kernel after another) and reads them in reverse, which spares the flipped copy and its transpose.
     */
    static float[] transformFlipped(float[] w, WinogradConv.Layout lay) {
        int depth = lay.channels();
        int outs = lay.filters();
        int cp = lay.cp();
        int panels = lay.panels();
        int ts = panels * cp * NR;
        float[] u = ConvScratch.floats(ConvScratch.Slot.PACKED_WEIGHTS, 16 * ts);
        int grain = depth * outs * 9 >= SPLIT_MIN_FLOATS ? 1 : Integer.MAX_VALUE;
        Parallel.forRange(cp, grain, (c0, c1) -> {
            float[] taps = ConvScratch.floats(ConvScratch.Slot.TILE, 9 * L);
            for (int c = c0; c < c1; c++) {
                for (int f = 0; f < lay.fp(); f += L) {
                    int p = f / NR;
                    int at = (p * cp + c) * NR + f - p * NR;
                    if (c >= depth || f >= outs) {
                        for (int t = 0; t < 16; t++) {
                            Arrays.fill(u, at + t * ts, at + t * ts + L, 0f);
                        }
                        continue;
                    }
                    VectorGather.kernels(w, (c * outs + f) * 9, Math.min(L, outs - f), taps);
                    WinogradTiles.filter(taps, 8 * L, -L, u, at, ts);
                }
            }
        });
        return u;
    }
}
