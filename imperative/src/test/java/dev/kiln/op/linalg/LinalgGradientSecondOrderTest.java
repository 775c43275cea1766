package dev.kiln.op.linalg;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradientChecker;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import dev.kiln.testing.GradientCase;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The linalg gradients differentiated again: the gradient of one operand, recorded with {@code createGraph}, is
 * checked against central differences as a function of both operands.
 */
class LinalgGradientSecondOrderTest {
    private final GradientCase.Inputs r = new GradientCase.Inputs(5150);

    @Test
    void batchDotWithEveryTransposeFlag() {
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Map<String, Object> attrs = Map.of("transpose_a", ta, "transpose_b", tb);
                for (int wrt = 0; wrt < 2; wrt++) {
                    secondOrder("batch_dot", attrs, wrt, ta ? r.uniform(2, 4, 3) : r.uniform(2, 3, 4),
                            tb ? r.uniform(2, 5, 4) : r.uniform(2, 4, 5));
                }
            }
        }
    }

    @Test
    void gemm2WithAlphaAndTransposes() {
        for (boolean ta : new boolean[] {false, true}) {
            Map<String, Object> attrs = Map.of("transpose_a", ta, "transpose_b", !ta, "alpha", 1.5);
            for (int wrt = 0; wrt < 2; wrt++) {
                secondOrder("linalg_gemm2", attrs, wrt, ta ? r.uniform(4, 3) : r.uniform(3, 4),
                        ta ? r.uniform(4, 5) : r.uniform(5, 4));
            }
        }
    }

    @Test
    void matmulWithBroadcastAndVectors() {
        for (int wrt = 0; wrt < 2; wrt++) {
            secondOrder("matmul", Map.of(), wrt, r.uniform(2, 1, 3, 4), r.uniform(3, 4, 2));
            secondOrder("matmul", Map.of(), wrt, r.uniform(4), r.uniform(2, 4, 3));
        }
    }

    @Test
    void dotAndFullyConnected() {
        for (int wrt = 0; wrt < 2; wrt++) {
            secondOrder("dot", Map.of("transpose_a", true), wrt, r.uniform(4, 3), r.uniform(4, 5));
            secondOrder("dot", Map.of(), wrt, r.uniform(2, 3, 4), r.uniform(4, 2, 3));
            secondOrder("FullyConnected", Map.of("num_hidden", 3), wrt, r.uniform(2, 2, 2), r.uniform(3, 4),
                    r.uniform(3));
            secondOrder("FullyConnected", Map.of("num_hidden", 3, "flatten", false), wrt, r.uniform(2, 2, 4),
                    r.uniform(3, 4), r.uniform(3));
        }
    }

    @Test
    void float32GradientsMatchFloat64() {
        NDArray a = r.uniform(2, 3, 4);
        NDArray b = r.uniform(5, 4);
        NDArray bias = r.uniform(5);
        Map<String, Object> attrs = Map.of("num_hidden", 5, "flatten", false);
        List<NDArray> g64 = grads("FullyConnected", attrs, a, b, bias);
        List<NDArray> g32 = grads("FullyConnected", attrs, a.astype(DType.FLOAT32), b.astype(DType.FLOAT32),
                bias.astype(DType.FLOAT32));
        for (int i = 0; i < 3; i++) {
            assertThat(g32.get(i).dtype()).isEqualTo(DType.FLOAT32);
            double[] x = g32.get(i).toDoubleArray();
            double[] y = g64.get(i).toDoubleArray();
            for (int j = 0; j < x.length; j++) {
                assertThat(x[j]).isCloseTo(y[j], org.assertj.core.data.Offset.offset(1e-5));
            }
        }
    }

    private static List<NDArray> grads(String op, Map<String, Object> attrs, NDArray... in) {
        List<NDArray> vars = new java.util.ArrayList<>();
        for (NDArray x : in) {
            vars.add(x.copy().attachGrad());
        }
        NDArray out;
        try (var rec = Autograd.record()) {
            out = Ops.call(op, attrs, vars.toArray(NDArray[]::new));
        }
        return Autograd.grad(List.of(out), vars, List.of(fixedHead(out.shape(), out.dtype())), false, false);
    }

    /**
     * Checks the gradient of {@code op}'s input {@code wrt} (for a fixed head gradient), recorded with
     * {@code createGraph}, as a function of all inputs.
     */
    private static void secondOrder(String op, Map<String, Object> attrs, int wrt, NDArray... inputs) {
        GradientChecker.forFunction("d " + op + " " + attrs + " / d input " + wrt, in -> {
            try (var rec = Autograd.record()) {
                for (NDArray x : in) {
                    if (x.autogradEntry() == null) {
                        x.attachGrad(); // the numeric evaluations see plain arrays
                    }
                }
                NDArray out = Ops.call(op, attrs, in.toArray(NDArray[]::new));
                return Autograd.grad(List.of(out), List.of(in.get(wrt)),
                        List.of(fixedHead(out.shape(), out.dtype())), true, true);
            }
        }).verify(inputs);
    }

    private static NDArray fixedHead(Shape shape, DType dtype) {
        Random random = new Random(7);
        NDArray h = NDArray.zeros(shape, DType.FLOAT64, Device.cpu());
        for (int i = 0; i < h.size(); i++) {
            h.setDouble(i, random.nextDouble() * 2 - 1);
        }
        return h.astype(dtype);
    }
}
