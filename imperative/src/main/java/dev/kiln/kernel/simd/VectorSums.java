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

    /** The sum of {@code x[from, from + len)}. */
    public static double sum(float[] x, int from, int len) {
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = DoubleVector.zero(D);
        DoubleVector a2 = DoubleVector.zero(D);
        DoubleVector a3 = DoubleVector.zero(D);
        int i = from;
        int end = from + len;
        // checked once, with the loops' bound a local, so the compiler drops the loads' own range checks
        Objects.checkFromIndexSize(from, len, x.length);
        // four accumulators: with two, each add waited on the one two vectors back
        for (; i <= end - 4 * L; i += 4 * L) {
            a0 = a0.add(FloatVector.fromArray(F, x, i).convertShape(VectorOperators.F2D, D, 0));
            a1 = a1.add(FloatVector.fromArray(F, x, i + L).convertShape(VectorOperators.F2D, D, 0));
            a2 = a2.add(FloatVector.fromArray(F, x, i + 2 * L).convertShape(VectorOperators.F2D, D, 0));
            a3 = a3.add(FloatVector.fromArray(F, x, i + 3 * L).convertShape(VectorOperators.F2D, D, 0));
        }
        for (; i <= end - L; i += L) {
            a0 = a0.add(FloatVector.fromArray(F, x, i).convertShape(VectorOperators.F2D, D, 0));
        }
        double s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < end; i++) {
            s += x[i];
        }
        return s;
    }

    /**
     * Adds {@code sum(x - shift)} to {@code sums[0]} and {@code sum((x - shift)^2)} to {@code sums[1]} over
     * {@code [from, from + len)}, in one pass (BatchNorm's statistics; a shift near the data keeps the variance
     * {@code sums[1] / n - (sums[0] / n)^2} free of cancellation at double precision).
     */
    public static void shiftedSums(float[] x, int from, int len, double shift, double[] sums) {
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = DoubleVector.zero(D);
        DoubleVector q0 = DoubleVector.zero(D);
        DoubleVector q1 = DoubleVector.zero(D);
        int i = from;
        int end = from + len;
        Objects.checkFromIndexSize(from, len, x.length);
        for (; i <= end - 2 * L; i += 2 * L) {
            DoubleVector d0 = ((DoubleVector) FloatVector.fromArray(F, x, i).convertShape(VectorOperators.F2D, D,
                    0)).sub(shift);
            DoubleVector d1 = ((DoubleVector) FloatVector.fromArray(F, x, i + L).convertShape(VectorOperators.F2D, D,
                    0)).sub(shift);
            s0 = s0.add(d0);
            s1 = s1.add(d1);
            q0 = d0.fma(d0, q0);
            q1 = d1.fma(d1, q1);
        }
        for (; i <= end - L; i += L) {
            DoubleVector d = ((DoubleVector) FloatVector.fromArray(F, x, i).convertShape(VectorOperators.F2D, D,
                    0)).sub(shift);
            s0 = s0.add(d);
            q0 = d.fma(d, q0);
        }
        double s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        double q = q0.add(q1).reduceLanes(VectorOperators.ADD);
        for (; i < end; i++) {
            double d = x[i] - shift;
            s += d;
            q += d * d;
        }
        sums[0] += s;
        sums[1] += q;
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
