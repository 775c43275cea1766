package dev.kiln.op.shape;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradientChecker;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.Ops;
import dev.kiln.testing.GradientCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.kiln.op.shape.ShapeTestSupport.attrs;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gradients of the shape ops beyond the registry-wide first-order check: outputs that receive no gradient, float32,
 * and second order through the {@code _backward_*} ops (the gradient of a gradient with respect to the head gradient).
 */
class ShapeGradientTest {
    private static final GradientCase.Inputs R = new GradientCase.Inputs(913);

    @Test
    void splitPassesZerosForOutputsWithoutGradient() {
        NDArray x = R.uniform(2, 6);
        GradientChecker.forFunction("split, output 1 only",
                in -> List.of(Ops.invoke("SliceChannel", attrs("num_outputs", 3), in.get(0)).get(1))).verify(x);
        GradientChecker.forFunction("_split_v2 squeezed, outputs 0 and 2",
                in -> {
                    List<NDArray> parts = Ops.invoke("_split_v2", attrs("indices", "(0, 1, 2)", "axis", 0,
                            "squeeze_axis", true), in.get(0));
                    return List.of(parts.get(0), parts.get(2));
                }).verify(R.uniform(3, 4));
    }

    @Test
    void castGradientReturnsToTheInputDtype() {
        NDArray x = NDArray.of(dev.kiln.ndarray.Shape.of(2, 2), DType.FLOAT32, new double[] {1, 2, 3, 4})
                .attachGrad();
        try (var rec = Autograd.record()) {
            NDArray y = Ops.call("Cast", attrs("dtype", "float64"), x);
            y.backward(NDArray.of(y.shape(), DType.FLOAT64, new double[] {3, 3, 3, 3}));
        }
        assertThat(x.grad().dtype()).isEqualTo(DType.FLOAT32);
        assertThat(x.grad().toDoubleArray()).containsExactly(3, 3, 3, 3);
    }

    /** float32 gradients of the ops with backward kernels agree with float64 ones. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backwardOps")
    void float32MatchesFloat64(String op, Map<String, Object> a, NDArray x) {
        double[] g64 = gradOf(op, a, x);
        double[] g32 = gradOf(op, a, x.astype(DType.FLOAT32));
        assertThat(g32).containsExactly(g64, org.assertj.core.data.Offset.offset(1e-5));
    }

    /** The gradient of the input gradient with respect to the head gradient, through the backward ops' rules. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backwardOps")
    void secondOrderThroughBackwardOps(String op, Map<String, Object> a, NDArray x) {
        int outputs = Ops.invoke(op, a, x).size();
        List<NDArray> inputs = new ArrayList<>();
        inputs.add(x);
        int[] heads = new int[outputs];
        for (int k = 0; k < outputs; k++) {
            NDArray out = Ops.invoke(op, a, x).get(k);
            inputs.add(R.uniform(out.shape().dims()));
            heads[k] = k + 1;
        }
        GradientChecker.forFunction(op + " gradient", in -> {
            NDArray v = in.get(0).detach().copy().attachGrad();
            try (var rec = Autograd.record()) {
                List<NDArray> y = Ops.invoke(op, a, v);
                return Autograd.grad(y, List.of(v), in.subList(1, in.size()), true, true);
            }
        }).wrt(heads).verify(inputs.toArray(NDArray[]::new));
    }

    @Test
    void secondOrderOfConcatThroughItsBackwardOp() {
        GradientChecker.forFunction("Concat gradient", in -> {
            NDArray a = in.get(0).detach().copy().attachGrad();
            NDArray b = in.get(1).detach().copy().attachGrad();
            try (var rec = Autograd.record()) {
                NDArray y = Ops.call("Concat", attrs("num_args", 2, "dim", 1), a, b);
                return Autograd.grad(List.of(y), List.of(a, b), List.of(in.get(2)), true, true);
            }
        }).wrt(2).verify(R.uniform(2, 1), R.uniform(2, 3), R.uniform(2, 4));
    }

    @Test
    void secondOrderOfSliceLikeThroughItsBackwardOp() {
        NDArray like = R.uniform(3, 2);
        GradientChecker.forFunction("slice_like gradient", in -> {
            NDArray x = in.get(0).detach().copy().attachGrad();
            try (var rec = Autograd.record()) {
                NDArray y = Ops.call("slice_like", attrs("axes", "(0, -1)"), x, like);
                return Autograd.grad(List.of(y), List.of(x), List.of(in.get(1)), true, true);
            }
        }).wrt(1).verify(R.uniform(4, 5), R.uniform(3, 2));
    }

    static Stream<Object[]> backwardOps() {
        return Stream.of(
                new Object[] {"slice", attrs("begin", "(None, -1)", "end", "(None, 0)", "step", "(2, -2)"),
                        R.uniform(4, 5)},
                new Object[] {"slice_axis", attrs("axis", 1, "begin", 1, "end", 3), R.uniform(3, 4)},
                new Object[] {"tile", attrs("reps", "(2, 1, 3)"), R.uniform(2, 2)},
                new Object[] {"repeat", attrs("repeats", 2, "axis", 0), R.uniform(2, 3)},
                new Object[] {"repeat", attrs("repeats", 2), R.uniform(2, 3)},
                new Object[] {"Pad", attrs("mode", "reflect", "pad_width", "(0, 0, 0, 0, 2, 1, 1, 2)"),
                        R.uniform(1, 2, 3, 3)},
                new Object[] {"Pad", attrs("mode", "edge", "pad_width", "(0, 0, 0, 0, 3, 0, 1, 2)"),
                        R.uniform(1, 1, 2, 3)},
                new Object[] {"Pad", attrs("mode", "constant", "pad_width", "(0, 0, 0, 0, 1, 1, 0, 2)",
                        "constant_value", 2.0), R.uniform(2, 1, 2, 2)},
                new Object[] {"diag", attrs("k", -1), R.uniform(3)},
                new Object[] {"diag", attrs("k", 1, "axis1", 2, "axis2", 0), R.uniform(3, 2, 4)},
                new Object[] {"SliceChannel", attrs("num_outputs", 2, "axis", 0), R.uniform(4, 3)},
                new Object[] {"Cast", attrs("dtype", "float64"), R.uniform(2, 3)});
    }

    private static double[] gradOf(String op, Map<String, Object> a, NDArray x) {
        NDArray v = x.copy().attachGrad();
        try (var rec = Autograd.record()) {
            List<NDArray> y = Ops.invoke(op, a, v);
            List<NDArray> heads = new ArrayList<>();
            for (NDArray o : y) {
                NDArray h = NDArray.zeros(o.shape(), o.dtype(), o.device());
                for (int i = 0; i < h.size(); i++) {
                    h.setDouble(i, (i % 7) * 0.25 - 0.5);
                }
                heads.add(h);
            }
            Autograd.backward(y, heads, false);
        }
        assertThat(v.grad().dtype()).isEqualTo(x.dtype());
        return v.grad().toDoubleArray();
    }
}
