package dev.kiln.op.nn;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.OpDef;

/**
 * The per-row math of softmax and LayerNorm, for a compiler that fuses them with the elementwise work around them:
 * which op nodes qualify (a whole row along one axis, no length mask, no output dtype, no statistics output), and
 * the row computation itself, the very code the ops run, so fused results equal the ops' bit for bit.
 */
public final class RowKernels {
    private RowKernels() {
    }

    /**
     * A softmax-family node's row math.
     *
     * @param axis the normalised axis
     */
    public record Softmax(int axis, boolean negate, boolean log, double temperature) {
        /** The (log-)softmax of {@code buf[0, n)} in place, before rounding to {@code dtype}. */
        public void row(double[] buf, int n, DType dtype) {
            SoftmaxKernel.row(buf, n, SoftmaxKernel.Precision.of(dtype, temperature), negate, log);
        }

        /**
         * The float32 (log-)softmax of {@code x[0, n)} into {@code y[0, n)} (which may be {@code x}): the op's own
         * float32 row, on the Vector API where it is available, with the roundings of {@link #row} for float32.
         */
        public void floatRow(float[] x, float[] y, int n) {
            SoftmaxKernel.floatRow(x, y, 0, n, n, (float) temperature, negate, log, SoftmaxKernel.VECTOR);
        }
    }

    /** LayerNorm's row math: {@code eps} as the op uses it (rounded to float). */
    public record LayerNorm(int axis, double eps) {
        /** Normalises {@code buf[0, m)} in place with per-position {@code gamma} and {@code beta}. */
        public void row(double[] buf, int m, double[] gamma, double[] beta) {
            double mu = RowNorm.mean(buf, m);
            RowNorm.normalise(buf, m, mu, RowNorm.std(buf, m, mu, eps), gamma, beta);
        }

        /** Whether {@link #floatRow} takes rows of length {@code m}. */
        public boolean takesFloatRow(int m) {
            return SoftmaxKernel.VECTOR && VectorLayerNormRow.fits(m);
        }

        /**
         * {@link #row} of the float32 row {@code x[0, m)} into {@code y[0, m)} (which may be {@code x}), rounded to
         * float, without a double copy of the row: bitwise {@link #row} on the widened row, rounded. Only for rows
         * {@link #takesFloatRow} takes.
         */
        public void floatRow(float[] x, float[] y, int m, double[] gamma, double[] beta) {
            VectorLayerNormRow.row(x, y, m, eps, gamma, beta);
        }
    }

    /** The row math of a {@code softmax}, {@code log_softmax} or {@code softmin} node on data of shape {@code s}. */
    public static Softmax softmax(OpDef op, Attrs attrs, Shape s) {
        if (!(op instanceof SoftmaxOp sm) || attrs.get(SoftmaxOp.USE_LENGTH) || attrs.get(SoftmaxOp.DTYPE) != null) {
            return null;
        }
        Integer axis = normalised(attrs.get(SoftmaxOp.AXIS), s);
        Double t = attrs.get(SoftmaxOp.TEMPERATURE);
        return axis == null ? null : new Softmax(axis, sm.isNegate(), sm.isLog(), t == null ? 1.0 : t);
    }

    /** The row math of a {@code LayerNorm} node on data of shape {@code s} that does not output its statistics. */
    public static LayerNorm layerNorm(OpDef op, Attrs attrs, Shape s) {
        if (!(op instanceof LayerNormOp) || attrs.get(LayerNormOp.OUTPUT_MEAN_VAR)) {
            return null;
        }
        Integer axis = normalised(attrs.get(LayerNormOp.AXIS), s);
        return axis == null ? null : new LayerNorm(axis, NNOp.asFloat(attrs.get(LayerNormOp.EPS)));
    }

    private static Integer normalised(int axis, Shape s) {
        int a = axis < 0 ? axis + s.rank() : axis;
        return a >= 0 && a < s.rank() ? a : null;
    }
}
