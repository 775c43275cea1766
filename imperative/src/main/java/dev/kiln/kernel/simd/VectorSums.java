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

    /** The sum of {@code x[from, from + len)}, shifted by {@code -shift} and squared when {@code square}. */
    public static double sum(float[] x, int from, int len, double shift, boolean square) {
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = DoubleVector.zero(D);
        int i = from;
        int end = from + len;
        // checked once, with the loops' bound a local, so the compiler drops the loads' own range checks
        Objects.checkFromIndexSize(from, len, x.length);
        int last = end - 2 * L;
        if (square) {
            for (; i <= last; i += 2 * L) {
                DoubleVector w0 = (DoubleVector) FloatVector.fromArray(F, x, i).convertShape(VectorOperators.F2D, D, 0);
                DoubleVector w1 = (DoubleVector) FloatVector.fromArray(F, x, i + L)
                        .convertShape(VectorOperators.F2D, D, 0);
                DoubleVector d0 = w0.sub(shift);
                DoubleVector d1 = w1.sub(shift);
                a0 = d0.fma(d0, a0);
                a1 = d1.fma(d1, a1);
            }
        } else {
            for (; i <= last; i += 2 * L) {
                DoubleVector w0 = (DoubleVector) FloatVector.fromArray(F, x, i).convertShape(VectorOperators.F2D, D, 0);
                DoubleVector w1 = (DoubleVector) FloatVector.fromArray(F, x, i + L)
                        .convertShape(VectorOperators.F2D, D, 0);
                a0 = a0.add(w0);
                a1 = a1.add(w1);
            }
        }
        double s = a0.add(a1).reduceLanes(VectorOperators.ADD);
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
        int i = from;
        int end = from + len;
        Objects.checkFromIndexSize(from, len, og.length);
        Objects.checkFromIndexSize(from, len, x.length);
        int last = end - 2 * L;
        // two accumulators per sum, as in sum(): each add waits on the one two vectors back, not on the last
        for (; i <= last; i += 2 * L) {
            DoubleVector g = (DoubleVector) FloatVector.fromArray(F, og, i).convertShape(VectorOperators.F2D, D, 0);
            DoubleVector g1 = (DoubleVector) FloatVector.fromArray(F, og, i + L)
                    .convertShape(VectorOperators.F2D, D, 0);
            DoubleVector v = (DoubleVector) FloatVector.fromArray(F, x, i).convertShape(VectorOperators.F2D, D, 0);
            DoubleVector v1 = (DoubleVector) FloatVector.fromArray(F, x, i + L)
                    .convertShape(VectorOperators.F2D, D, 0);
            o = o.add(g);
            o1 = o1.add(g1);
            p = g.fma(v.sub(mean).mul(invStd), p);
            p1 = g1.fma(v1.sub(mean).mul(invStd), p1);
        }
        for (; i + L <= end; i += L) {
            DoubleVector g = (DoubleVector) FloatVector.fromArray(F, og, i).convertShape(VectorOperators.F2D, D, 0);
            DoubleVector v = (DoubleVector) FloatVector.fromArray(F, x, i).convertShape(VectorOperators.F2D, D, 0);
            o = o.add(g);
            p = g.fma(v.sub(mean).mul(invStd), p);
        }
        double so = o.add(o1).reduceLanes(VectorOperators.ADD);
        double sp = p.add(p1).reduceLanes(VectorOperators.ADD);
        for (; i < end; i++) {
            double g = og[i];
            so += g;
            sp += g * ((x[i] - mean) * invStd);
        }
        sums[0] += so;
        sums[1] += sp;
    }
}
