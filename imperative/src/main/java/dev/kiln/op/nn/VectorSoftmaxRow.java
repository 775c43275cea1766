package dev.kiln.op.nn;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 softmax row of {@link SoftmaxKernel} on the Vector API: exponentials in double lanes rounded to float
 * (what {@code (float) Math.exp(d)} gives; the double exponential is within an ulp of double, far inside float
 * rounding) and the final division in double lanes, as the scalar row does. The sum keeps the scalar row's
 * {@link SoftmaxKernel#STRIPES stripes}: with as many double lanes as stripes one vector accumulator holds them,
 * else each lane is added to its stripe's partial; either way the row's roundings are the scalar row's. Only
 * loaded when the Vector API is available.
 */
final class VectorSoftmaxRow {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int L = D.length();

    private VectorSoftmaxRow() {
    }

    /**
     * {@link SoftmaxKernel#rowMax} by lanes; where lanes and the scalar loop could disagree (a NaN, or a maximum of
     * zero whose sign depends on which zero came first) the scalar loop decides.
     */
    private static float max(float[] x, int base, int len, int bound, float sign) {
        if (bound == 0) {
            return SoftmaxKernel.rowMax(x, base, len, sign);
        }
        FloatVector acc = FloatVector.fromArray(F, x, base).mul(sign);
        for (int j = L; j < bound; j += L) {
            acc = acc.max(FloatVector.fromArray(F, x, base + j).mul(sign));
        }
        float max = acc.reduceLanes(VectorOperators.MAX);
        for (int j = bound; j < len; j++) {
            max = Math.max(max, sign * x[base + j]);
        }
        return Float.isNaN(max) || max == 0f ? SoftmaxKernel.rowMax(x, base, len, sign) : max;
    }

    /**
     * Softmax (or log-softmax) of {@code x[base, base + len)} into {@code y} (which may be {@code x}), the positions
     * up to {@code m} zeroed; {@code sign} is -1 for softmin.
     */
    static void row(float[] x, float[] y, int base, int m, int len, float temp, float sign, boolean log) {
        int bound = len - len % L;
        float max = max(x, base, len, bound, sign);
        double[] partial = new double[SoftmaxKernel.STRIPES];
        double[] lanes = L == SoftmaxKernel.STRIPES ? null : new double[L];
        DoubleVector acc = DoubleVector.zero(D);
        for (int j = 0; j < bound; j += L) {
            FloatVector v = FloatVector.fromArray(F, x, base + j).mul(sign).sub(max);
            if (temp != 1f) {
                v = v.div(temp);
            }
            DoubleVector e = ((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0)).lanewise(VectorOperators.EXP);
            FloatVector ef = (FloatVector) e.convertShape(VectorOperators.D2F, F, 0);
            (log ? v : ef).intoArray(y, base + j);
            DoubleVector rounded = (DoubleVector) ef.convertShape(VectorOperators.F2D, D, 0);
            if (L == SoftmaxKernel.STRIPES) {
                acc = acc.add(rounded);
            } else {
                rounded.intoArray(lanes, 0);
                for (int q = 0; q < L; q++) {
                    partial[(j + q) % SoftmaxKernel.STRIPES] += lanes[q];
                }
            }
        }
        if (L == SoftmaxKernel.STRIPES) {
            acc.intoArray(partial, 0);
        }
        SoftmaxKernel.exponentiate(x, y, base, bound, len, max, temp, sign, log, partial);
        double sum = SoftmaxKernel.total(partial);
        if (!log) {
            for (int k = 0; k < bound; k += L) {
                DoubleVector e = (DoubleVector) FloatVector.fromArray(F, y, base + k)
                        .convertShape(VectorOperators.F2D, D, 0);
                ((FloatVector) e.div(sum).convertShape(VectorOperators.D2F, F, 0)).intoArray(y, base + k);
            }
        }
        SoftmaxKernel.finish(y, base, log ? 0 : bound, m, len, sum, log);
    }
}
