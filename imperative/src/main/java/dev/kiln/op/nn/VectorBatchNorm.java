package dev.kiln.op.nn;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.util.Objects;

/**
 * BatchNorm's element-wise passes over a contiguous float32 run on the Vector API: each float widened to a double
 * lane, the same double operations in the same order as {@link BatchNormKernels}' scalar loops (no fused
 * multiply-adds), and one rounding to float, so results equal theirs bit for bit. Only loaded when
 * {@link dev.kiln.kernel.simd.VectorSupport#isAvailable()}.
 */
final class VectorBatchNorm {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int L = D.length();

    private VectorBatchNorm() {
    }

    /** {@code y = (x - mean) * scale + shift} over {@code [from, from + len)}, then {@code max(y, 0)} with relu. */
    static void normalise(float[] x, float[] y, int from, int len, double mean, double scale, double shift,
                          boolean relu) {
        Objects.checkFromIndexSize(from, len, x.length);
        Objects.checkFromIndexSize(from, len, y.length);
        int i = from;
        int end = from + len;
        int last = end - L;
        FloatVector zero = FloatVector.zero(F);
        for (; i <= last; i += L) {
            DoubleVector v = (DoubleVector) FloatVector.fromArray(F, x, i).convertShape(VectorOperators.F2D, D, 0);
            FloatVector f = (FloatVector) v.sub(mean).mul(scale).add(shift).convertShape(VectorOperators.D2F, F, 0);
            (relu ? f.max(zero) : f).intoArray(y, i);
        }
        for (; i < end; i++) {
            float f = (float) ((x[i] - mean) * scale + shift);
            y[i] = relu ? Math.max(f, 0f) : f;
        }
    }

    /**
     * {@code dx = scale * (og - meanO - v * meanOX) + viaMean - viaInvStd * v} with {@code v = (x - mean) * invStd}
     * over {@code [from, from + len)}.
     */
    static void batchGradient(float[] og, float[] x, float[] dx, int from, int len, double mean, double invStd,
                              double scale, double meanO, double meanOX, double viaMean, double viaInvStd) {
        Objects.checkFromIndexSize(from, len, og.length);
        Objects.checkFromIndexSize(from, len, x.length);
        Objects.checkFromIndexSize(from, len, dx.length);
        int i = from;
        int end = from + len;
        int last = end - L;
        for (; i <= last; i += L) {
            DoubleVector g = (DoubleVector) FloatVector.fromArray(F, og, i).convertShape(VectorOperators.F2D, D, 0);
            DoubleVector v = ((DoubleVector) FloatVector.fromArray(F, x, i).convertShape(VectorOperators.F2D, D, 0))
                    .sub(mean).mul(invStd);
            DoubleVector t = g.sub(meanO).sub(v.mul(meanOX)).mul(scale).add(viaMean).sub(v.mul(viaInvStd));
            ((FloatVector) t.convertShape(VectorOperators.D2F, F, 0)).intoArray(dx, i);
        }
        for (; i < end; i++) {
            double v = (x[i] - mean) * invStd;
            dx[i] = (float) (scale * (og[i] - meanO - v * meanOX) + viaMean - viaInvStd * v);
        }
    }
}
