package dev.kiln.kernel.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 16 x 16 float transpose in registers, for packing a transposed op(B) with AVX-512: sixteen row loads, four
 * rounds of sixteen two-vector lane selections (each round swaps one bit of the row index with the same bit of the
 * lane index) and sixteen stores, about twice as fast as gathering the columns. It only moves values, so packing with
 * it or with gathers gives the same panels. Public for the convolution kernels, which transpose output gradients the
 * same way; only for 16-lane vectors (check {@link #SIDE} against the preferred species' length).
 */
public final class VectorTranspose {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    /** Side of the transposed block: the lanes of a 512-bit float vector. */
    public static final int SIDE = 16;
    private static final FloatVector LO1 = selector(1, false), HI1 = selector(1, true);
    private static final FloatVector LO2 = selector(2, false), HI2 = selector(2, true);
    private static final FloatVector LO4 = selector(4, false), HI4 = selector(4, true);
    private static final FloatVector LO8 = selector(8, false), HI8 = selector(8, true);

    private VectorTranspose() {
    }

    /**
     * Lane indices into the concatenation (x, y) of a row pair (i, i + s) that swap bit s of the row index with bit s
     * of the lane index: the low output keeps lanes without bit s from x and takes the others from y, shifted down
     * by s; the high output the reverse.
     */
    private static FloatVector selector(int s, boolean high) {
        float[] idx = new float[SIDE];
        for (int j = 0; j < SIDE; j++) {
            boolean bit = (j & s) != 0;
            idx[j] = high ? (bit ? SIDE + j : j + s) : (bit ? SIDE + j - s : j);
        }
        return FloatVector.fromArray(S, idx, 0);
    }

    /** {@code dst[dAt + j * dld + r] = src[at + r * ld + j]} for r, j in [0, 16). */
    public static void transpose(float[] src, int at, int ld, float[] dst, int dAt, int dld) {
        FloatVector v0 = FloatVector.fromArray(S, src, at);
        FloatVector v1 = FloatVector.fromArray(S, src, at + 1 * ld);
        FloatVector v2 = FloatVector.fromArray(S, src, at + 2 * ld);
        FloatVector v3 = FloatVector.fromArray(S, src, at + 3 * ld);
        FloatVector v4 = FloatVector.fromArray(S, src, at + 4 * ld);
        FloatVector v5 = FloatVector.fromArray(S, src, at + 5 * ld);
        FloatVector v6 = FloatVector.fromArray(S, src, at + 6 * ld);
        FloatVector v7 = FloatVector.fromArray(S, src, at + 7 * ld);
        FloatVector v8 = FloatVector.fromArray(S, src, at + 8 * ld);
        FloatVector v9 = FloatVector.fromArray(S, src, at + 9 * ld);
        FloatVector v10 = FloatVector.fromArray(S, src, at + 10 * ld);
        FloatVector v11 = FloatVector.fromArray(S, src, at + 11 * ld);
        FloatVector v12 = FloatVector.fromArray(S, src, at + 12 * ld);
        FloatVector v13 = FloatVector.fromArray(S, src, at + 13 * ld);
        FloatVector v14 = FloatVector.fromArray(S, src, at + 14 * ld);
        FloatVector v15 = FloatVector.fromArray(S, src, at + 15 * ld);
        FloatVector w0 = LO1.selectFrom(v0, v1), w1 = HI1.selectFrom(v0, v1);
        FloatVector w2 = LO1.selectFrom(v2, v3), w3 = HI1.selectFrom(v2, v3);
        FloatVector w4 = LO1.selectFrom(v4, v5), w5 = HI1.selectFrom(v4, v5);
        FloatVector w6 = LO1.selectFrom(v6, v7), w7 = HI1.selectFrom(v6, v7);
        FloatVector w8 = LO1.selectFrom(v8, v9), w9 = HI1.selectFrom(v8, v9);
        FloatVector w10 = LO1.selectFrom(v10, v11), w11 = HI1.selectFrom(v10, v11);
        FloatVector w12 = LO1.selectFrom(v12, v13), w13 = HI1.selectFrom(v12, v13);
        FloatVector w14 = LO1.selectFrom(v14, v15), w15 = HI1.selectFrom(v14, v15);
        FloatVector x0 = LO2.selectFrom(w0, w2), x2 = HI2.selectFrom(w0, w2);
        FloatVector x1 = LO2.selectFrom(w1, w3), x3 = HI2.selectFrom(w1, w3);
        FloatVector x4 = LO2.selectFrom(w4, w6), x6 = HI2.selectFrom(w4, w6);
        FloatVector x5 = LO2.selectFrom(w5, w7), x7 = HI2.selectFrom(w5, w7);
        FloatVector x8 = LO2.selectFrom(w8, w10), x10 = HI2.selectFrom(w8, w10);
        FloatVector x9 = LO2.selectFrom(w9, w11), x11 = HI2.selectFrom(w9, w11);
        FloatVector x12 = LO2.selectFrom(w12, w14), x14 = HI2.selectFrom(w12, w14);
        FloatVector x13 = LO2.selectFrom(w13, w15), x15 = HI2.selectFrom(w13, w15);
        FloatVector y0 = LO4.selectFrom(x0, x4), y4 = HI4.selectFrom(x0, x4);
        FloatVector y1 = LO4.selectFrom(x1, x5), y5 = HI4.selectFrom(x1, x5);
        FloatVector y2 = LO4.selectFrom(x2, x6), y6 = HI4.selectFrom(x2, x6);
        FloatVector y3 = LO4.selectFrom(x3, x7), y7 = HI4.selectFrom(x3, x7);
        FloatVector y8 = LO4.selectFrom(x8, x12), y12 = HI4.selectFrom(x8, x12);
        FloatVector y9 = LO4.selectFrom(x9, x13), y13 = HI4.selectFrom(x9, x13);
        FloatVector y10 = LO4.selectFrom(x10, x14), y14 = HI4.selectFrom(x10, x14);
        FloatVector y11 = LO4.selectFrom(x11, x15), y15 = HI4.selectFrom(x11, x15);
        FloatVector z0 = LO8.selectFrom(y0, y8), z8 = HI8.selectFrom(y0, y8);
        FloatVector z1 = LO8.selectFrom(y1, y9), z9 = HI8.selectFrom(y1, y9);
        FloatVector z2 = LO8.selectFrom(y2, y10), z10 = HI8.selectFrom(y2, y10);
        FloatVector z3 = LO8.selectFrom(y3, y11), z11 = HI8.selectFrom(y3, y11);
        FloatVector z4 = LO8.selectFrom(y4, y12), z12 = HI8.selectFrom(y4, y12);
        FloatVector z5 = LO8.selectFrom(y5, y13), z13 = HI8.selectFrom(y5, y13);
        FloatVector z6 = LO8.selectFrom(y6, y14), z14 = HI8.selectFrom(y6, y14);
        FloatVector z7 = LO8.selectFrom(y7, y15), z15 = HI8.selectFrom(y7, y15);
        z0.intoArray(dst, dAt);
        z1.intoArray(dst, dAt + 1 * dld);
        z2.intoArray(dst, dAt + 2 * dld);
        z3.intoArray(dst, dAt + 3 * dld);
        z4.intoArray(dst, dAt + 4 * dld);
        z5.intoArray(dst, dAt + 5 * dld);
        z6.intoArray(dst, dAt + 6 * dld);
        z7.intoArray(dst, dAt + 7 * dld);
        z8.intoArray(dst, dAt + 8 * dld);
        z9.intoArray(dst, dAt + 9 * dld);
        z10.intoArray(dst, dAt + 10 * dld);
        z11.intoArray(dst, dAt + 11 * dld);
        z12.intoArray(dst, dAt + 12 * dld);
        z13.intoArray(dst, dAt + 13 * dld);
        z14.intoArray(dst, dAt + 14 * dld);
        z15.intoArray(dst, dAt + 15 * dld);
    }

    /**
     * {@code dst[dAt + j * dld + r] = src[at + r * ld + j]} for r below {@code rows} and j below {@code cols}: whole
     * 16 x 16 blocks in registers, the ragged edges element by element.
     */
    public static void transpose(int rows, int cols, float[] src, int at, int ld, float[] dst, int dAt, int dld) {
        int fullRows = rows / SIDE * SIDE;
        int fullCols = cols / SIDE * SIDE;
        for (int r = 0; r < fullRows; r += SIDE) {
            for (int j = 0; j < fullCols; j += SIDE) {
                transpose(src, at + r * ld + j, ld, dst, dAt + j * dld + r, dld);
            }
            edge(r, r + SIDE, fullCols, cols, src, at, ld, dst, dAt, dld);
        }
        edge(fullRows, rows, 0, cols, src, at, ld, dst, dAt, dld);
    }

    private static void edge(int r0, int r1, int j0, int j1, float[] src, int at, int ld, float[] dst, int dAt,
                             int dld) {
        for (int r = r0; r < r1; r++) {
            for (int j = j0; j < j1; j++) {
                dst[dAt + j * dld + r] = src[at + r * ld + j];
            }
        }
    }
}
