package dev.kiln.kernel.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register blocks two and four rows tall (four vectors wide) for a last row panel of fewer than six rows: a batch of
 * 8 is one six-row panel and two rows, which the full 6 x 4-vector block would compute as six, spending a third of
 * the product's multiply-adds on padding. Each computes the same fused multiply-adds in the same order as
 * {@link VectorSgemm#microKernel}, so results do not depend on the block's height; rows past the block's height are
 * neither read from A nor written to the tile.
 */
final class ShortKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int NR = VectorSgemm.NR;

    private ShortKernels() {
    }

    /**
     * Rows 0..{@code rows - 1} (1 to 4) times a full B panel into the tile (rows {@code NR} apart); arguments as for
     * {@link VectorSgemm#microKernel}. One or two rows run the two-row block, three or four the four-row block.
     */
    static void kernel(int rows, int kc, float[] pa, int aAt, int ars, int ads, float[] pb, int bAt, float[] tile) {
        if (rows <= 2) {
            kernel2(rows, kc, pa, aAt, ars, ads, pb, bAt, tile);
        } else {
            kernel4(rows, kc, pa, aAt, ars, ads, pb, bAt, tile);
        }
    }

    /** Two rows (the second only when {@code rows == 2}; A's second row is not read otherwise). */
    private static void kernel2(int rows, int kc, float[] pa, int aAt, int ars, int ads, float[] pb, int bAt,
                                float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        // a one-row block reads its only row twice rather than a row that may lie past A's end
        int second = rows == 2 ? ars : 0;
        for (int p = 0; p < kc; p++) {
            int bi = bAt + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, pb, bi);
            FloatVector b1 = FloatVector.fromArray(S, pb, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, pb, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, pb, bi + 3 * L);
            int ai = aAt + p * ads;
            FloatVector a = FloatVector.broadcast(S, pa[ai]);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01); c02 = a.fma(b2, c02); c03 = a.fma(b3, c03);
            a = FloatVector.broadcast(S, pa[ai + second]);
            c10 = a.fma(b0, c10); c11 = a.fma(b1, c11); c12 = a.fma(b2, c12); c13 = a.fma(b3, c13);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L); c02.intoArray(tile, 2 * L); c03.intoArray(tile, 3 * L);
        if (rows == 2) {
            c10.intoArray(tile, NR); c11.intoArray(tile, NR + L); c12.intoArray(tile, NR + 2 * L);
            c13.intoArray(tile, NR + 3 * L);
        }
    }

    /** Four rows (the fourth only when {@code rows == 4}; otherwise the third is read in its place). */
    private static void kernel4(int rows, int kc, float[] pa, int aAt, int ars, int ads, float[] pb, int bAt,
                                float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int fourth = rows == 4 ? 3 * ars : 2 * ars;
        for (int p = 0; p < kc; p++) {
            int bi = bAt + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, pb, bi);
            FloatVector b1 = FloatVector.fromArray(S, pb, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, pb, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, pb, bi + 3 * L);
            int ai = aAt + p * ads;
            FloatVector a = FloatVector.broadcast(S, pa[ai]);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01); c02 = a.fma(b2, c02); c03 = a.fma(b3, c03);
            a = FloatVector.broadcast(S, pa[ai + ars]);
            c10 = a.fma(b0, c10); c11 = a.fma(b1, c11); c12 = a.fma(b2, c12); c13 = a.fma(b3, c13);
            a = FloatVector.broadcast(S, pa[ai + 2 * ars]);
            c20 = a.fma(b0, c20); c21 = a.fma(b1, c21); c22 = a.fma(b2, c22); c23 = a.fma(b3, c23);
            a = FloatVector.broadcast(S, pa[ai + fourth]);
            c30 = a.fma(b0, c30); c31 = a.fma(b1, c31); c32 = a.fma(b2, c32); c33 = a.fma(b3, c33);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L); c02.intoArray(tile, 2 * L); c03.intoArray(tile, 3 * L);
        c10.intoArray(tile, NR); c11.intoArray(tile, NR + L); c12.intoArray(tile, NR + 2 * L);
        c13.intoArray(tile, NR + 3 * L);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L); c22.intoArray(tile, 2 * NR + 2 * L);
        c23.intoArray(tile, 2 * NR + 3 * L);
        if (rows == 4) {
            c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L); c32.intoArray(tile, 3 * NR + 2 * L);
            c33.intoArray(tile, 3 * NR + 3 * L);
        }
    }
}
