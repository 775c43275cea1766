package dev.kiln.tornado.kernel;

import dev.kiln.compiler.jit.FusedElementwiseOp;
import dev.kiln.compiler.jit.FusedExpression;
import dev.kiln.graph.Entry;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.ElementwiseFormula;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.kiln.tornado.kernel.KernelHarness.assertMatchesCpu;
import static dev.kiln.tornado.kernel.KernelHarness.node;
import static dev.kiln.tornado.kernel.KernelHarness.random;
import static dev.kiln.tornado.kernel.KernelHarness.unsupported;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Broadcasting binary ops, scalar ops, activations and the compiler's fused elementwise groups run from the ops'
 * scalar forms; ops without a form are unsupported with a reason naming the op.
 */
class FusedAndBroadcastKernelsTest {
    private final Random r = new Random(17);

    @Test
    void broadcastBinaryOpsIndexEveryInputByNumpyRules() {
        for (String op : List.of("broadcast_add", "broadcast_sub", "broadcast_mul", "broadcast_div",
                "broadcast_maximum", "broadcast_minimum", "broadcast_greater", "broadcast_power")) {
            assertMatchesCpu(node(op, Map.of(), 2), 1e-6, random(r, 2, 3, 4), random(r, 3, 1));
            assertMatchesCpu(node(op, Map.of(), 2), 1e-6, random(r, 1, 4), random(r, 3, 1));
            assertMatchesCpu(node(op, Map.of(), 2), 1e-6, random(r, 0.1f, 2f, 2, 1, 3), random(r, 4, 1));
        }
    }

    @Test
    void scalarOpsAndParametrisedActivations() {
        NDArray x = random(r, 3, 7);
        for (String op : List.of("_plus_scalar", "_minus_scalar", "_rminus_scalar", "_mul_scalar", "_div_scalar",
                "_rdiv_scalar", "_maximum_scalar", "_minimum_scalar", "_greater_scalar", "_lesser_equal_scalar")) {
            assertMatchesCpu(node(op, Map.of("scalar", 0.7), 1), 1e-6, x);
        }
        for (String act : List.of("relu", "sigmoid", "tanh", "softrelu", "softsign")) {
            assertMatchesCpu(node("Activation", Map.of("act_type", act), 1), 1e-6, x);
        }
        for (String act : List.of("leaky", "elu", "selu")) {
            assertMatchesCpu(node("LeakyReLU", Map.of("act_type", act, "slope", 0.2), 1), 1e-6, x);
        }
        assertMatchesCpu(node("hard_sigmoid", Map.of("alpha", 0.3, "beta", 0.4), 1), 1e-6, x);
    }

    @Test
    void opsWithoutAScalarFormAreUnsupportedNamingTheOp() {
        assertThat(unsupported(node("arcsinh", Map.of(), 1), Shape.of(3))).get().asString().contains("arcsinh");
        assertThat(unsupported(node("erfinv", Map.of(), 1), Shape.of(3))).get().asString().contains("erfinv");
        assertThat(unsupported(node("gammaln", Map.of(), 1), Shape.of(3))).get().asString().contains("gammaln");
        assertThat(unsupported(node("argmax", Map.of("axis", 0), 1), Shape.of(3))).get().asString()
                .contains("argmax");
    }

    private static ElementwiseFormula formula(String op, Map<String, ?> attrs) {
        OpDef def = OpRegistry.global().get(op);
        return def.elementwiseFormula(def.attrs(attrs), DType.FLOAT32);
    }

    private static OpNode fused(FusedExpression e) {
        FusedElementwiseOp op = new FusedElementwiseOp(e);
        List<Entry> inputs = new java.util.ArrayList<>();
        for (int i = 0; i < e.numInputs(); i++) {
            inputs.add(new Entry(i, 0));
        }
        return new OpNode("fused0", op, op.attrs(Map.of()), inputs);
    }

    @Test
    void fusedGroupRoundsEachStepAndWritesEveryOutput() {
        // %2 = a * b; %3 = %2 + 0.5; %4 = sigmoid(%3); %5 = relu(%2); outputs %4 and %5
        FusedExpression e = new FusedExpression(DType.FLOAT32, 2, List.of(
                new FusedExpression.Step("mul0", formula("elemwise_mul", Map.of()), List.of(0, 1)),
                new FusedExpression.Step("plus0", formula("_plus_scalar", Map.of("scalar", 0.5)), List.of(2)),
                new FusedExpression.Step("sig0", formula("sigmoid", Map.of()), List.of(3)),
                new FusedExpression.Step("relu0", formula("Activation", Map.of("act_type", "relu")), List.of(2))),
                List.of(4, 5));
        assertMatchesCpu(fused(e), 1e-6, random(r, 4, 5), random(r, 4, 5));
    }

    @Test
    void fusedGroupReadsABroadcastRow() {
        FusedExpression e = new FusedExpression(DType.FLOAT32, 2, List.of(
                new FusedExpression.Step("add0", formula("broadcast_add", Map.of()), List.of(0, 1)),
                new FusedExpression.Step("tanh0", formula("tanh", Map.of()), List.of(2))),
                List.of(3), List.of(FusedExpression.Access.ELEMENT, FusedExpression.Access.ROW));
        assertMatchesCpu(fused(e), 1e-6, random(r, 3, 4), random(r, 4));
    }

    @Test
    void fusedGroupWithMoreArraysThanAKernelTakesIsUnsupported() {
        List<FusedExpression.Step> steps = new java.util.ArrayList<>();
        for (int k = 0; k < 8; k++) {
            steps.add(new FusedExpression.Step("add" + k, formula("elemwise_add", Map.of()),
                    List.of(2 * k, 2 * k + 1)));
        }
        FusedExpression e = new FusedExpression(DType.FLOAT32, 16, steps, List.of(16));
        Shape[] shapes = new Shape[16];
        java.util.Arrays.fill(shapes, Shape.of(3));
        assertThat(unsupported(fused(e), shapes)).get().asString().contains("17 arrays");
    }

    @Test
    void fusedGroupWithAStepWithoutAFormIsUnsupported() {
        FusedExpression e = new FusedExpression(DType.FLOAT32, 1, List.of(
                new FusedExpression.Step("erfinv0", formula("erfinv", Map.of()), List.of(0))), List.of(1));
        assertThat(unsupported(fused(e), Shape.of(3))).get().asString().contains("erfinv");
    }
}
