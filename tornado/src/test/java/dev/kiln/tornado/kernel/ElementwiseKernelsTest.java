package dev.kiln.tornado.kernel;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.elementwise.SpecialFunctions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.kiln.tornado.kernel.KernelHarness.assertMatchesCpu;
import static dev.kiln.tornado.kernel.KernelHarness.node;
import static dev.kiln.tornado.kernel.KernelHarness.random;
import static org.assertj.core.api.Assertions.assertThat;

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
        "round", "rint", "log2", "erf"})
    void unaryOpsWithDeviceReplacementsMatchOnEdgeValues(String op) {
        NDArray x = NDArray.wrap(dev.kiln.ndarray.Shape.of(EDGES.length), EDGES.clone());
        assertMatchesCpu(node(op, Map.of(), 1), 1e-6, x);
    }

    /** A zero result keeps the sign the CPU gives it ({@code ceil(-0.5)} is -0.0), so {@code rcbrt} of it is -inf. */
    @ParameterizedTest
    @ValueSource(strings = {"floor", "ceil", "trunc", "fix", "cbrt"})
    void roundingAndCubeRootKeepTheSignOfZero(String op) {
        float[] v = {-0f, 0f, -0.5f, 0.5f, -0.3f, 0.3f, -1e-7f};
        NDArray x = NDArray.wrap(Shape.of(v.length), v.clone());
        float[] device = KernelHarness.run(node(op, Map.of(), 1), List.of(x)).get(0).toFloatArray();
        float[] cpu = KernelHarness.cpu(node(op, Map.of(), 1), List.of(x)).get(0).toFloatArray();
        for (int i = 0; i < v.length; i++) {
            assertThat(Float.floatToIntBits(device[i])).as("%s(%s): device %s, cpu %s", op, v[i], device[i], cpu[i])
                    .isEqualTo(Float.floatToIntBits(cpu[i]));
        }
    }

    /** The device's erf (FastErf's polynomials through DeviceMath) is within two float32 ulps of Kiln's erf. */
    @Test
    void erfIsWithinTwoUlpsOfTheCpuErfFromTinyToTheTails() {
        float[] v = new float[4001 + 40];
        for (int i = 0; i <= 4000; i++) {
            v[i] = -7f + 14f * i / 4000;
        }
        for (int k = 0; k < 40; k++) {
            v[4001 + k] = (k % 2 == 0 ? 1 : -1) * (float) Math.pow(10, -1 - k / 4.0);
        }
        NDArray x = NDArray.wrap(Shape.of(v.length), v);
        float[] device = KernelHarness.run(node("erf", Map.of(), 1), List.of(x)).get(0).toFloatArray();
        for (int i = 0; i < v.length; i++) {
            float expected = (float) SpecialFunctions.erf(v[i]);
            assertThat(Math.abs(device[i] - expected)).as("erf(%s): device %s, cpu %s", v[i], device[i], expected)
                    .isLessThanOrEqualTo(2 * Math.ulp(expected));
        }
    }

    @Test
    void geluSmoothL1AndClipMatchCpu() {
        NDArray x = random(r, -12f, 12f, 5, 40);
        assertMatchesCpu(node("LeakyReLU", Map.of("act_type", "gelu"), 1), 1e-6, x);
        assertMatchesCpu(node("smooth_l1", Map.of("scalar", 1.5), 1), 1e-6, x);
        assertMatchesCpu(node("clip", Map.of("a_min", -0.5, "a_max", 2.25), 1), 0, x);
        NDArray edges = NDArray.wrap(Shape.of(EDGES.length), EDGES.clone());
        assertMatchesCpu(node("clip", Map.of("a_min", -0.5, "a_max", 2.25), 1), 0, edges);
        assertMatchesCpu(node("LeakyReLU", Map.of("act_type", "gelu"), 1), 1e-6, edges);
    }

    @ParameterizedTest
    @ValueSource(doubles = {2.5, -0.75, 0})
    void modWithScalarsOfEitherSignOrZero(double scalar) {
        NDArray x = random(r, -7f, 7f, 6, 9);
        assertMatchesCpu(node("_mod_scalar", Map.of("scalar", scalar), 1), 1e-6, x);
        assertMatchesCpu(node("_rmod_scalar", Map.of("scalar", scalar == 0 ? 3 : scalar), 1), 1e-6,
                random(r, 0.5f, 4f, 6, 9));
    }

    @ParameterizedTest
    @ValueSource(strings = {"_power", "_hypot", "arctan2", "_maximum", "_minimum", "_not_equal", "_equal", "_mod"})
    void binaryOpsMatchOnEdgePairs(String op) {
        float[] a = new float[EDGES.length * EDGES.length];
        float[] b = new float[a.length];
        for (int i = 0; i < EDGES.length; i++) {
            for (int j = 0; j < EDGES.length; j++) {
                a[i * EDGES.length + j] = EDGES[i];
                b[i * EDGES.length + j] = EDGES[j];
                if (op.equals("_mod") && Math.abs((double) EDGES[i] / EDGES[j]) >= 0x1p29
                        && Float.isFinite(EDGES[i]) && EDGES[j] != 0) {
                    // the device's fmod is exact while the quotient stays below 2^29 (DeviceMath)
                    a[i * EDGES.length + j] = EDGES[j] * 12345.25f;
                }
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
