package dev.kiln.op.nn;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpContext;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * BatchNorm's float32 loops (reading channels in place) against its float64 path (copying each channel to doubles),
 * on the same random values: forward outputs, batch statistics, moving-statistics updates and all three gradients
 * agree to float32 rounding, for channel axes with and without elements before and after them, and run lengths that
 * are not multiples of the unrolling.
 */
class BatchNormKernelsTest {

    static Stream<Object[]> cases() {
        return Stream.of(
                new Object[] {new int[] {4, 5, 3, 7}, 1, true, false},
                new Object[] {new int[] {4, 5, 3, 7}, 1, false, false},
                new Object[] {new int[] {4, 5, 3, 7}, 1, true, true},
                new Object[] {new int[] {6, 3, 5}, -1, true, false},
                new Object[] {new int[] {3, 6, 2}, 0, true, false},
                new Object[] {new int[] {64, 4, 9, 9}, 1, true, false},
                // runs of 25: a pair of double vectors, then one vector, then a scalar tail (8 lanes)
                new Object[] {new int[] {8, 3, 5, 5}, 1, true, false},
                new Object[] {new int[] {64, 4, 9, 9}, 1, false, true});
    }

    private static double[] random(int n, Random r, double offset) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            // float32-exact values, so both dtypes see the same numbers
            v[i] = (float) (offset + 3 * r.nextGaussian());
        }
        return v;
    }

    private static NDArray of(Shape s, DType t, double[] v) {
        return NDArray.of(s, t, v);
    }

    @ParameterizedTest(name = "{0} axis={1} training={2} use_global_stats={3}")
    @MethodSource("cases")
    void float32LoopsMatchTheFloat64Path(int[] dims, int axis, boolean training, boolean globalStats) {
        Shape shape = Shape.of(dims);
        int c = dims[axis < 0 ? dims.length + axis : axis];
        Random r = new Random(dims.length * 131L + c);
        double[] x = random(shape.size(), r, 2.5);
        double[] gamma = random(c, r, 1);
        double[] beta = random(c, r, 0);
        double[] mm = random(c, r, 0);
        double[] mv = new double[c];
        for (int i = 0; i < c; i++) {
            mv[i] = (float) (0.5 + r.nextDouble());
        }
        double[] og = random(shape.size(), r, 0);
        double[] meanGrad = random(c, r, 0);
        double[] invStdGrad = random(c, r, 0);
        Map<String, Object> attrs = Map.of("axis", axis, "fix_gamma", false, "use_global_stats", globalStats,
                "eps", 1e-5);

        List<NDArray> f32 = run(DType.FLOAT32, shape, c, attrs, training, x, gamma, beta, mm, mv, og, meanGrad,
                invStdGrad);
        List<NDArray> f64 = run(DType.FLOAT64, shape, c, attrs, training, x, gamma, beta, mm, mv, og, meanGrad,
                invStdGrad);
        for (int i = 0; i < f32.size(); i++) {
            assertThat(f32.get(i)).as("result " + i).isCloseTo(f64.get(i).toDoubleArray(), 2e-6, 2e-6);
        }
    }

    /**
     * BatchNorm forward in {@code type}, then its gradient with the given head gradients; returns output, mean,
     * inverse std, moving mean and variance after the call, and the data, gamma and beta gradients.
     */
    private static List<NDArray> run(DType type, Shape shape, int c, Map<String, Object> attrs, boolean training,
                                     double[] x, double[] gamma, double[] beta, double[] mm, double[] mv, double[] og,
                                     double[] meanGrad, double[] invStdGrad) {
        Shape ch = Shape.of(c);
        NDArray data = of(shape, type, x);
        NDArray g = of(ch, type, gamma);
        NDArray movingMean = of(ch, type, mm);
        NDArray movingVar = of(ch, type, mv);
        var bn = OpRegistry.global().get("BatchNorm");
        boolean prev = OpContext.setTraining(training);
        List<NDArray> fwd;
        try {
            fwd = Ops.invokeAll(bn, bn.attrs(attrs), List.of(data, g, of(ch, type, beta), movingMean, movingVar));
        } finally {
            OpContext.setTraining(prev);
        }
        var back = OpRegistry.global().get("_backward_BatchNorm");
        boolean batchStats = training && !(Boolean) attrs.get("use_global_stats");
        List<NDArray> grads = Ops.invokeAll(back, back.attrs(Map.of("axis", attrs.get("axis"), "fix_gamma", false,
                "use_global_stats", !batchStats)), List.of(of(shape, type, og), data, g, fwd.get(1), fwd.get(2),
                of(ch, type, meanGrad), of(ch, type, invStdGrad)));
        return List.of(fwd.get(0), fwd.get(1), fwd.get(2), movingMean, movingVar, grads.get(0), grads.get(1),
                grads.get(2));
    }

    @Test
    void oneShiftedPassGivesTheTwoPassMeanAndSquaredDeviations() {
        Random r = new Random(9);
        Rows rows = new Rows(5, 3, 41); // runs of 41: vector pairs, one vector and a scalar tail
        for (double offset : new double[] {0, -7.5, 1e4}) {
            float[] x = new float[rows.outer() * rows.length() * rows.inner()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (offset + (i % 3 == 0 ? 30 : 0.01) * r.nextGaussian());
            }
            for (int c = 0; c < rows.length(); c++) {
                double sum = 0;
                int n = rows.outer() * rows.inner();
                for (int o = 0; o < rows.outer(); o++) {
                    for (int i = 0; i < rows.inner(); i++) {
                        sum += x[(o * rows.length() + c) * rows.inner() + i];
                    }
                }
                double mean = sum / n;
                double squares = 0;
                for (int o = 0; o < rows.outer(); o++) {
                    for (int i = 0; i < rows.inner(); i++) {
                        double d = x[(o * rows.length() + c) * rows.inner() + i] - mean;
                        squares += d * d;
                    }
                }
                double[] m = new double[2];
                BatchNormKernels.moments(x, rows, c, m);
                org.assertj.core.api.Assertions.assertThat(m[0]).as("mean, offset %s channel %d", offset, c)
                        .isCloseTo(mean, within(1e-12 * (1 + Math.abs(mean))));
                org.assertj.core.api.Assertions.assertThat(m[1]).as("squares, offset %s channel %d", offset, c)
                        .isCloseTo(squares, within(1e-9 * squares));
            }
        }
    }

    @Test
    void aConstantChannelHasExactlyZeroVariance() {
        Rows rows = new Rows(3, 2, 37);
        float[] x = new float[rows.outer() * rows.length() * rows.inner()];
        java.util.Arrays.fill(x, 0.1f);
        double[] m = new double[2];
        BatchNormKernels.moments(x, rows, 1, m);
        org.assertj.core.api.Assertions.assertThat(m).containsExactly(0.1f, 0.0);
    }
}
