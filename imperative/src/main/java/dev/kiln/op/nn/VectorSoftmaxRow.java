package dev.kiln.op.nn;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 softmax row of {@link SoftmaxKernel} on the Vector API: exponentials in float lanes by the operations
 * of {@link SoftmaxExp} (twice as many lanes as a double vector) and the final scaling by the sum's reciprocal in double lanes, as
 * the scalar row does. The sum keeps the scalar row's {@link SoftmaxKernel#STRIPES stripes}: with as many double lanes
 * as stripes one vector accumulator holds them (a float vector's low half added before its high half, positions in
 * order), else each lane is added to its stripe's partial; either way the row's roundings are the scalar row's. Only
 * loaded when the Vector API is available.
 */
final class VectorSoftmaxRow {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /**
     * Twice as many float lanes as a double vector has (the same bits): each float vector's exponentials are added as
     * two halves.
     */
    private static final VectorSpecies<Float> F =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize()));
    /** Float lanes as wide as one double vector, for the division. */
    private static final VectorSpecies<Float> H =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int L = D.length();
    private static final int W = F.length();
    private static final int ROUND_BITS = Float.floatToRawIntBits(SoftmaxExp.ROUND);

    private VectorSoftmaxRow() {
    }

    /**
     * {@link SoftmaxKernel#rowMax} by lanes; where lanes and the scalar loop could disagree (a NaN, or a maximum of
     * zero whose sign depends on which zero came first) the scalar loop decides. Each lane keeps its larger value by
     * a comparison and a blend, as the scalar loop does, in two interleaved chains: {@code max} with Java's NaN and
     * signed-zero rules is a longer dependent sequence, and one chain of it cost a third of a 128-wide row. A NaN
     * in the first vector stays in its lane (no comparison with it holds) and sends the row to the scalar loop;
     * later NaNs are never taken, as in the scalar loop.
     */
    private static float max(float[] x, int base, int len, int bound, float sign) {
        if (bound == 0) {
            return SoftmaxKernel.rowMax(x, base, len, sign);
        }
        FloatVector acc = FloatVector.fromArray(F, x, base).mul(sign);
        FloatVector other = acc;
        int j = W;
        for (; j + W < bound; j += 2 * W) {
            FloatVector v = FloatVector.fromArray(F, x, base + j).mul(sign);
            FloatVector u = FloatVector.fromArray(F, x, base + j + W).mul(sign);
            acc = acc.blend(v, acc.compare(VectorOperators.LT, v));
            other = other.blend(u, other.compare(VectorOperators.LT, u));
        }
        if (j < bound) {
            FloatVector v = FloatVector.fromArray(F, x, base + j).mul(sign);
            acc = acc.blend(v, acc.compare(VectorOperators.LT, v));
        }
        acc = acc.blend(other, acc.compare(VectorOperators.LT, other));
        float max = acc.reduceLanes(VectorOperators.MAX);
        for (int t = bound; t < len; t++) {
            max = Math.max(max, sign * x[base + t]);
        }
        return Float.isNaN(max) || max == 0f ? SoftmaxKernel.rowMax(x, base, len, sign) : max;
    }

    /**
     * Softmax (or log-softmax) of {@code x[base, base + len)} into {@code y} (which may be {@code x}), the positions
     * up to {@code m} zeroed; {@code sign} is -1 for softmin.
     */
    static void row(float[] x, float[] y, int base, int m, int len, float temp, float sign, boolean log) {
        int bound = len - len % W;
        float max = max(x, base, len, bound, sign);
        double[] partial = new double[SoftmaxKernel.STRIPES];
        double[] lanes = L == SoftmaxKernel.STRIPES ? null : new double[W];
        DoubleVector acc = DoubleVector.zero(D);
        for (int j = 0; j < bound; j += W) {
            FloatVector v = FloatVector.fromArray(F, x, base + j).mul(sign).sub(max);
            if (temp != 1f) {
                v = v.div(temp);
            }
            // SoftmaxExp.exp, lane by lane the same operations (written out here: a vector returned from a call
            // HotSpot does not inline is boxed)
            FloatVector k = v.mul(SoftmaxExp.LOG2E).add(SoftmaxExp.ROUND);
            IntVector n = ((IntVector) k.reinterpretAsInts()).sub(ROUND_BITS);
            FloatVector nf = k.sub(SoftmaxExp.ROUND).neg();
            FloatVector r = nf.fma(v.broadcast(SoftmaxExp.LN2_HI), v);
            r = nf.fma(v.broadcast(SoftmaxExp.LN2_LO), r);
            FloatVector p = r.fma(SoftmaxExp.C7, SoftmaxExp.C6);
            p = p.fma(r, r.broadcast(SoftmaxExp.C5));
            p = p.fma(r, r.broadcast(SoftmaxExp.C4));
            p = p.fma(r, r.broadcast(SoftmaxExp.C3));
            p = p.fma(r, r.broadcast(SoftmaxExp.C2));
            p = p.fma(r, r.broadcast(1f));
            p = p.fma(r, r.broadcast(1f));
            IntVector half = n.lanewise(VectorOperators.ASHR, 1);
            FloatVector ef = p.mul((FloatVector) half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                    .mul((FloatVector) n.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            VectorMask<Float> inRange = v.compare(VectorOperators.GE, SoftmaxExp.MIN)
                    .and(v.compare(VectorOperators.LE, SoftmaxExp.MAX));
            if (!inRange.allTrue()) {
                ef = ef.blend(0f, v.compare(VectorOperators.LT, SoftmaxExp.MIN))
                        .blend(Float.POSITIVE_INFINITY, v.compare(VectorOperators.GT, SoftmaxExp.MAX))
                        .blend(v, v.compare(VectorOperators.NE, v));
            }
            (log ? v : ef).intoArray(y, base + j);
            DoubleVector low = (DoubleVector) ef.convertShape(VectorOperators.F2D, D, 0);
            DoubleVector high = (DoubleVector) ef.convertShape(VectorOperators.F2D, D, 1);
            if (L == SoftmaxKernel.STRIPES) {
                acc = acc.add(low).add(high);
            } else {
                low.intoArray(lanes, 0);
                high.intoArray(lanes, L);
                for (int q = 0; q < W; q++) {
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
            double inverse = 1.0 / sum;
            for (int k = 0; k < bound; k += L) {
                DoubleVector e = (DoubleVector) FloatVector.fromArray(H, y, base + k)
                        .convertShape(VectorOperators.F2D, D, 0);
                ((FloatVector) e.mul(inverse).convertShape(VectorOperators.D2F, H, 0)).intoArray(y, base + k);
            }
        }
        SoftmaxKernel.finish(y, base, log ? 0 : bound, m, len, sum, log);
    }
}
