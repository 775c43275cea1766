package dev.kiln.op.nn;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * LayerNorm of one contiguous float32 row on the Vector API, reading and writing floats: each float is widened in a
 * register rather than copied into a double row first, and the result is rounded back as it is stored, where the
 * scalar path spent as long on those two copies as on the statistics. The sums keep {@link RowNorm#sum}'s sixteen
 * stripes in two eight-lane double accumulators and its fold, and every element gets {@link RowNorm#normalise}'s
 * double operations (no fused multiply-add), so results are bitwise those of the widened row. Only for eight double
 * lanes (AVX-512); only loaded when the Vector API is available.
 */
final class VectorLayerNormRow {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Float lanes as wide as one double vector, widened into it. */
    private static final VectorSpecies<Float> H =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int L = D.length();
    private static final int S = RowNorm.STRIPES;
    /**
     * Lanes 4 to 7 moved to lanes 0 to 3, and 2 and 3 to 0 and 1: the fold {@code ((t0 + t4) + (t2 + t6)) + ((t1 + t5)
     * + (t3 + t7))} of {@link VectorRowSums} as two vector additions (lane extractions of a 512-bit vector cost more).
     */
    private static final VectorShuffle<Double> HIGH_FOUR = VectorShuffle.fromOp(D, i -> (i + 4) % L);
    private static final VectorShuffle<Double> HIGH_TWO = VectorShuffle.fromOp(D, i -> (i + 2) % L);

    private VectorLayerNormRow() {
    }

    /** Whether rows of length {@code m} run here: eight double lanes and a whole number of stripe blocks. */
    static boolean fits(int m) {
        return L == 8 && S == 2 * L && m > 0 && m % S == 0;
    }

    /**
     * {@code y[0, m) = (x[0, m) - mean) / sqrt(var + eps) * gamma + beta} as {@link RowKernels.LayerNorm#row} computes
     * it on the widened row, rounded to float; {@code y} may be {@code x}.
     */
    static void row(float[] x, float[] y, int m, double eps, double[] gamma, double[] beta) {
        double mu = plain(x, m) / m;
        double inverse = 1.0 / Math.sqrt(squares(x, m, mu) / m + eps);
        for (int j = 0; j < m; j += L) {
            DoubleVector d = ((DoubleVector) FloatVector.fromArray(H, x, j).convertShape(VectorOperators.F2D, D, 0))
                    .sub(mu).mul(inverse).mul(DoubleVector.fromArray(D, gamma, j))
                    .add(DoubleVector.fromArray(D, beta, j));
            ((FloatVector) d.convertShape(VectorOperators.D2F, H, 0)).intoArray(y, j);
        }
    }

    // one method per sum, each with its own loop and fold, as in VectorRowSums: vectors merged after a branch are
    // where C2 may box them

    /** {@link RowNorm#sum} of the widened row around 0: stripes {@code [0, 8)} in {@code a0}, {@code [8, 16)} in a1. */
    private static double plain(float[] x, int m) {
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = a0;
        for (int j = 0; j < m; j += S) {
            a0 = a0.add(((DoubleVector) FloatVector.fromArray(H, x, j).convertShape(VectorOperators.F2D, D, 0))
                    .sub(0.0));
            a1 = a1.add(((DoubleVector) FloatVector.fromArray(H, x, j + L).convertShape(VectorOperators.F2D, D, 0))
                    .sub(0.0));
        }
        DoubleVector t = a0.add(a1);
        DoubleVector u = t.add(t.rearrange(HIGH_FOUR));
        DoubleVector v = u.add(u.rearrange(HIGH_TWO));
        return v.lane(0) + v.lane(1);
    }

    /** {@link RowNorm#sum} of the squares of the widened row around {@code mu}, striped as {@link #plain}. */
    private static double squares(float[] x, int m, double mu) {
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = a0;
        for (int j = 0; j < m; j += S) {
            DoubleVector d0 = ((DoubleVector) FloatVector.fromArray(H, x, j).convertShape(VectorOperators.F2D, D, 0))
                    .sub(mu);
            DoubleVector d1 = ((DoubleVector) FloatVector.fromArray(H, x, j + L)
                    .convertShape(VectorOperators.F2D, D, 0)).sub(mu);
            a0 = d0.fma(d0, a0);
            a1 = d1.fma(d1, a1);
        }
        DoubleVector t = a0.add(a1);
        DoubleVector u = t.add(t.rearrange(HIGH_FOUR));
        DoubleVector v = u.add(u.rearrange(HIGH_TWO));
        return v.lane(0) + v.lane(1);
    }
}
