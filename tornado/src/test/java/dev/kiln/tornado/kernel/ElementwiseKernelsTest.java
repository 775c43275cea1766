package dev.kiln.tornado.kernel;

import dev.kiln.ndarray.NDArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.Random;

import static dev.kiln.tornado.kernel.KernelHarness.assertMatchesCpu;
import static dev.kiln.tornado.kernel.KernelHarness.node;
import static dev.kiln.tornado.kernel.KernelHarness.random;

/** Elementwise ops run from their scalar forms give the CPU kernels' results. */
class ElementwiseKernelsTest {
    private final Random r = new Random(7);

    @ParameterizedTest
    @ValueSource(strings = {"relu", "sigmoid", "tanh", "exp", "log", "sqrt", "rsqrt", "square", "abs", "negative",
        "reciprocal", "softsign", "sign", "floor", "ceil", "trunc", "sin", "cos", "expm1", "log1p"})
    void unaryOpMatchesCpu(String op) {
        assertMatchesCpu(node(op, Map.of(), 1), 1e-6, random(r, 3, 5, 4));
    }

    private static final float[] EDGES = {0f, -0f, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, 1e-7f, -1e-7f, 1e-3f,
        -1e-3f, 3e-6f, 7.5f, 1e20f, -1e20f, 3e38f, -3e38f, 8388609f, -8388609f, 4.5e15f, Float.NaN,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -1f, 1f, 88f, -88f, 0.25f};

    /** Ops whose Math functions the device lacks run through replacements ({@link DeviceMath}, floor and ceil). */
    @ParameterizedTest
    @ValueSource(strings = {"floor", "ceil", "trunc", "fix", "expm1", "log1p", "log10", "cbrt", "rcbrt", "sinh", "cosh",
        "round", "rint"})
    void unaryOpsWithDeviceReplacementsMatchOnEdgeValues(String op) {
        NDArray x = NDArray.wrap(dev.kiln.ndarray.Shape.of(EDGES.length), EDGES.clone());
        if (KernelHarness.unsupported(node(op, Map.of(), 1), x.shape()).isPresent()) {
            // round, rint and fix declare no scalar form
            org.assertj.core.api.Assertions.assertThat(KernelHarness.unsupported(node(op, Map.of(), 1), x.shape()))
                    .get().asString().contains(op);
            return;
        }
        assertMatchesCpu(node(op, Map.of(), 1), 1e-6, x);
    }

    @ParameterizedTest
    @ValueSource(strings = {"_power", "_hypot", "arctan2", "_maximum", "_minimum", "_not_equal", "_equal"})
    void binaryOpsMatchOnEdgePairs(String op) {
        float[] a = new float[EDGES.length * EDGES.length];
        float[] b = new float[a.length];
        for (int i = 0; i < EDGES.length; i++) {
            for (int j = 0; j < EDGES.length; j++) {
                a[i * EDGES.length + j] = EDGES[i];
                b[i * EDGES.length + j] = EDGES[j];
            }
        }
        dev.kiln.ndarray.Shape s = dev.kiln.ndarray.Shape.of(a.length);
        assertMatchesCpu(node(op.equals("arctan2") ? "arctan2" : op, Map.of(), 2), 1e-6, NDArray.wrap(s, a),
                NDArray.wrap(s, b));
    }

    @ParameterizedTest
    @ValueSource(strings = {"elemwise_add", "elemwise_sub", "elemwise_mul", "elemwise_div", "_power", "_maximum",
        "_minimum", "_greater", "_lesser_equal", "_equal", "_logical_and"})
    void sameShapeBinaryOpMatchesCpu(String op) {
        NDArray a = random(r, 4, 6);
        NDArray b = random(r, 4, 6);
        assertMatchesCpu(node(op, Map.of(), 2), 1e-6, a, b);
    }
}
