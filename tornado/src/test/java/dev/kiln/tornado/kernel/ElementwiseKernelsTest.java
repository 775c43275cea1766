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

    @ParameterizedTest
    @ValueSource(strings = {"elemwise_add", "elemwise_sub", "elemwise_mul", "elemwise_div", "_power", "_maximum",
        "_minimum", "_greater", "_lesser_equal", "_equal", "_logical_and"})
    void sameShapeBinaryOpMatchesCpu(String op) {
        NDArray a = random(r, 4, 6);
        NDArray b = random(r, 4, 6);
        assertMatchesCpu(node(op, Map.of(), 2), 1e-6, a, b);
    }
}
