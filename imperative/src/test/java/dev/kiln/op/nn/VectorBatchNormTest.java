package dev.kiln.op.nn;

import dev.kiln.kernel.simd.VectorSupport;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpContext;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link VectorBatchNorm} against plain double loops, bit for bit, on runs of lengths around the vector width at
 * offsets, with NaN, infinities, both zeros and large values mixed in; and {@link BatchNormReluOp} against BatchNorm
 * followed by relu.
 */
class VectorBatchNormTest {
    private static float[] data(int n, long seed) {
        Random r = new Random(seed);
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f, 3e38f, -1e-40f};
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextInt(10) == 0 ? specials[r.nextInt(specials.length)] : (float) (r.nextGaussian() * 4);
        }
        return v;
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToIntBits(v[i]);
        }
        return b;
    }

    @ParameterizedTest(name = "length {0}")
    @ValueSource(ints = {1, 7, 8, 9, 16, 17, 25, 196, 784})
    void vectorLoopsEqualThePlainLoops(int len) {
        Assumptions.assumeTrue(VectorSupport.isAvailable());
        int from = 3;
        float[] x = data(from + len + 5, len);
        float[] og = data(x.length, len + 1);
        double mean = 0.3, scale = 1.7, shift = -0.4, invStd = 0.9;
        for (boolean relu : new boolean[] {false, true}) {
            float[] expected = data(x.length, 9);
            float[] actual = expected.clone();
            for (int i = from; i < from + len; i++) {
                float y = (float) ((x[i] - mean) * scale + shift);
                expected[i] = relu ? Math.max(y, 0f) : y;
            }
            VectorBatchNorm.normalise(x, actual, from, len, mean, scale, shift, relu);
            assertThat(bits(actual)).as("normalise relu=" + relu).isEqualTo(bits(expected));
        }
        float[] expected = data(x.length, 11);
        float[] actual = expected.clone();
        double meanO = 0.2, meanOX = -0.7, viaMean = 0.05, viaInvStd = 0.3;
        for (int i = from; i < from + len; i++) {
            double v = (x[i] - mean) * invStd;
            expected[i] = (float) (scale * (og[i] - meanO - v * meanOX) + viaMean - viaInvStd * v);
        }
        VectorBatchNorm.batchGradient(og, x, actual, from, len, mean, invStd, scale, meanO, meanOX, viaMean,
                viaInvStd);
        assertThat(bits(actual)).as("batchGradient").isEqualTo(bits(expected));
    }

    @Test
    void batchNormReluEqualsBatchNormThenRelu() {
        Shape shape = Shape.of(4, 3, 5, 6);
        float[] x = data(shape.size(), 5);
        for (boolean training : new boolean[] {true, false}) {
            List<NDArray> fused = run(BatchNormReluOp.INSTANCE, shape, x, training);
            List<NDArray> plain = run(OpRegistry.global().get("BatchNorm"), shape, x, training);
            NDArray relu = Ops.invokeAll(OpRegistry.global().get("relu"), OpRegistry.global().get("relu")
                    .attrs(Map.of()), List.of(plain.get(0))).get(0);
            assertThat(bits((float[]) fused.get(0).data())).as("output").isEqualTo(bits((float[]) relu.data()));
            for (int k = 1; k < fused.size(); k++) {
                assertThat(bits((float[]) fused.get(k).data())).as("result " + k)
                        .isEqualTo(bits((float[]) plain.get(k).data()));
            }
        }
    }

    /** Outputs 0 to 2 and the moving statistics after one call of {@code op} on {@code x}. */
    private static List<NDArray> run(dev.kiln.op.OpDef op, Shape shape, float[] x, boolean training) {
        Shape ch = Shape.of(shape.get(1));
        NDArray movingMean = NDArray.wrap(ch, new float[] {0.1f, -0.2f, 0.3f});
        NDArray movingVar = NDArray.wrap(ch, new float[] {1f, 2f, 0.5f});
        boolean prev = OpContext.setTraining(training);
        try {
            List<NDArray> out = Ops.invokeAll(op, op.attrs(Map.of("fix_gamma", false, "eps", 1e-5)),
                    List.of(NDArray.wrap(shape, x.clone()), NDArray.wrap(ch, new float[] {1.5f, -0.5f, 1f}),
                            NDArray.wrap(ch, new float[] {0.2f, 0.1f, -0.3f}), movingMean, movingVar));
            return List.of(out.get(0), out.get(1), out.get(2), movingMean, movingVar);
        } finally {
            OpContext.setTraining(prev);
        }
    }
}
