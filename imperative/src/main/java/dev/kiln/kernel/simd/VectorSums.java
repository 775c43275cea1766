package dev.kiln.kernel.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.util.Objects;

/**
 * Double-precision sums of contiguous float32 runs on the Vector API (BatchNorm's statistics and gradient sums, the
 * convolution bias gradient): elements widened to double lanes and summed in vector accumulators, the tail in scalar
 * double. The terms are those of a scalar double loop, only the order of the additions differs, so results agree to
 * double rounding before the single rounding to float. Every load is written out where it is used: a helper that
 * returned the widened vector was sometimes left uninlined by C2, and then each load boxed a vector and converted
 * it lane by lane (13.7 MB per CNN training step, a fifth slower). Call only when {@link VectorSupport#isAvailable()}.
 */
public final class VectorSums {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int L = D.length();

    private VectorSums() {
    }

    /**
     * The sum of {@code x[from, from + len)}, shifted by {@code -shift} and squared when {@code square}. Four
     * accumulators: with two, each add waited on the one two vectors back, and the loop ran at half the rate the
     * widening allows (BatchNorm's statistics were 6% of a CNN training step).
     */
    public static double sum(float[] x, int from, int len, double shift, boolean square) {
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = DoubleVector.zero(D);
        DoubleVector a2 = DoubleVector.zero(D);
        DoubleVector a3 = DoubleVector.zero(D);
        int i = from;
        int end = from + len;
        // checked once, with the loops' bound a local, so the compiler drops the loads' own range checks
        Objects.checkFromIndexSize(from, len, x.length);
        int last = end - 4 * L;
        if (square) {
            for (; i <= last; i += 4 * L) {
                DoubleVector d0 = ((DoubleVector) FloatVector.fromArray(F, x, i).convertShape(VectorOperators.F2D, D,
                        0)).sub(shift);
                DoubleVector d1 = ((DoubleVector) FloatVector.fromArray(F, x, i + L).convertShape(VectorOperators.F2D,
                        D, 0)).sub(shift);
                DoubleVector d2 = ((DoubleVector) FloatVector.fromArray(F, x, i + 2 * L)
                        .convertShape(VectorOperators.F2D, D, 0)).sub(shift);
                DoubleVector d3 = ((DoubleVector) FloatVector.fromArray(F, x, i + 3 * L)
                        .convertShape(VectorOperators.F2D, D, 0)).sub(shift);
                a0 = d0.fma(d0, a0);
                a1 = d1.fma(d1, a1);
                a2 = d2.fma(d2, a2);
                a3 = d3.fma(d3, a3);
            }
            for (; i <= end - L; i += L) {
                DoubleVector d = ((DoubleVector) FloatVector.fromArray(F, x, i).convertShape(VectorOperators.F2D, D,
                        0)).sub(shift);
                a0 = d.fma(d, a0);
            }
        } else {
            for (; i <= last; i += 4 * L) {
                a0 = a0.add(FloatVector.fromArray(F, x, i).convertShape(VectorOperators.F2D, D, 0));
                a1 = a1.add(FloatVector.fromArray(F, x, i + L).convertShape(VectorOperators.F2D, D, 0));
                a2 = a2.add(FloatVector.fromArray(F, x, i + 2 * L).convertShape(VectorOperators.F2D, D, 0));
                a3 = a3.add(FloatVector.fromArray(F, x, i + 3 * L).convertShape(VectorOperators.F2D, D, 0));
            }
            for (; i <= end - L; i += L) {
                a0 = a0.add(FloatVector.fromArray(F, x, i).convertShape(VectorOperators.F2D, D, 0));
            }
        }
        double s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < end; i++) {
            double d = x[i] - shift;
            s += square ? d * d : x[i];
        }
        return s;
    }

    /**
     * Adds {@code sum(og)} to {@code sums[0]} and {@code sum(og * (x - mean) * invStd)} to {@code sums[1]} over
     * {@code [from, from + len)}.
     */
    public static void gradientSums(float[] og, float[] x, int from, int len, double mean, double invStd,
                                    double[] sums) {
        DoubleVector o = DoubleVector.zero(D);
        DoubleVector p = DoubleVector.zero(D);
        DoubleVector o1 = DoubleVector.zero(D);
        DoubleVector p1 = DoubleVector.zero(D);
        DoubleVector o2 = DoubleVector.zero(D);
        DoubleVector p2 = DoubleVector.zero(D);
        DoubleVector o3 = DoubleVector.zero(D);
        DoubleVector p3 = DoubleVector.zero(D);
        int i = from;
        int end = from + len;
        Objects.checkFromIndexSize(from, len, og.length);
        Objects.checkFromIndexSize(from, len, x.length);
        int last = end - 4 * L;
        // four accumulators per sum, as in sum()
        for (; i <= last; i += 4 * L) {
            DoubleVector g = (DoubleVector) FloatVector.fromArray(F, og, i).convertShape(VectorOperators.F2D, D, 0);
            DoubleVector g1 = (DoubleVector) FloatVector.fromArray(F, og, i + L)
                    .convertShape(VectorOperators.F2D, D, 0);
            DoubleVector g2 = (DoubleVector) FloatVector.fromArray(F, og, i + 2 * L)
                    .convertShape(VectorOperators.F2D, D, 0);
            DoubleVector g3 = (DoubleVector) FloatVector.fromArray(F, og, i + 3 * L)
                    .convertShape(VectorOperators.F2D, D, 0);
            DoubleVector v = (DoubleVector) FloatVector.fromArray(F, x, i).convertShape(VectorOperators.F2D, D, 0);
            DoubleVector v1 = (DoubleVector) FloatVector.fromArray(F, x, i + L)
                    .convertShape(VectorOperators.F2D, D, 0);
            DoubleVector v2 = (DoubleVector) FloatVector.fromArray(F, x, i + 2 * L)
                    .convertShape(VectorOperators.F2D, D, 0);
            DoubleVector v3 = (DoubleVector) FloatVector.fromArray(F, x, i + 3 * L)
                    .convertShape(VectorOperators.F2D, D, 0);
            o = o.add(g);
            o1 = o1.add(g1);
            o2 = o2.add(g2);
            o3 = o3.add(g3);
            p = g.fma(v.sub(mean).mul(invStd), p);
            p1 = g1.fma(v1.sub(mean).mul(invStd), p1);
            p2 = g2.fma(v2.sub(mean).mul(invStd), p2);
            p3 = g3.fma(v3.sub(mean).mul(invStd), p3);
        }
        for (; i + L <= end; i += L) {
            DoubleVector g = (DoubleVector) FloatVector.fromArray(F, og, i).convertShape(VectorOperators.F2D, D, 0);
            DoubleVector v = (DoubleVector) FloatVector.fromArray(F, x, i).convertShape(VectorOperators.F2D, D, 0);
            o = o.add(g);
            p = g.fma(v.sub(mean).mul(invStd), p);
        }
        double so = o.add(o1).add(o2.add(o3)).reduceLanes(VectorOperators.ADD);
        double sp = p.add(p1).add(p2.add(p3)).reduceLanes(VectorOperators.ADD);
        for (; i < end; i++) {
            double g = og[i];
            so += g;
            sp += g * ((x[i] - mean) * invStd);
        }
        sums[0] += so;
        sums[1] += sp;
    }
}
