package dev.kiln.op.nn;

import dev.kiln.autograd.Autograd;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import dev.kiln.testing.GradientCase;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gradients the float64 central-difference checker cannot take: the float32-only ops (SoftmaxActivation and
 * InstanceNorm against the equivalent softmax and GroupNorm, LRN against float32 central differences) and
 * SoftmaxOutput, whose MXNet gradient is the cross-entropy loss's rather than its output's derivative.
 */
class NNSpecialGradientTest {
    private final GradientCase.Inputs r = new GradientCase.Inputs(77);

    /** Gradients of {@code sum(head * op(inputs)[0])} with respect to every input, in training mode. */
    private static List<NDArray> grads(String op, Map<String, ?> attrs, NDArray head, NDArray... inputs) {
        List<NDArray> vars = new ArrayList<>();
        for (NDArray in : inputs) {
            vars.add(in.copy().attachGrad());
        }
        NDArray out;
        try (var rec = Autograd.record()) {
            out = Ops.invoke(op, attrs, vars.toArray(NDArray[]::new)).get(0);
        }
        out.backward(head);
        List<NDArray> g = new ArrayList<>();
        for (NDArray v : vars) {
            g.add(v.grad().copy());
        }
        return g;
    }

    private NDArray f32(double low, double high, int... dims) {
        return r.uniform(low, high, dims).astype(DType.FLOAT32);
    }

    @Test
    void softmaxActivationHasSoftmaxsGradient() {
        NDArray x = f32(-2, 2, 2, 3, 4);
        NDArray head = f32(-1, 1, 2, 3, 4);
        assertThat(grads("SoftmaxActivation", Map.of(), head, x).get(0))
                .isCloseTo(grads("softmax", Map.of(), head, x).get(0).toDoubleArray(), 1e-6, 1e-7);
        assertThat(grads("SoftmaxActivation", Map.of("mode", "channel"), head, x).get(0))
                .isCloseTo(grads("softmax", Map.of("axis", 1), head, x).get(0).toDoubleArray(), 1e-6, 1e-7);
    }

    @Test
    void instanceNormHasTheGradientOfGroupNormWithOneChannelPerGroup() {
        NDArray x = f32(-1, 1, 2, 3, 4);
        NDArray gamma = f32(0.5, 1.5, 3);
        NDArray beta = f32(-1, 1, 3);
        NDArray head = f32(-1, 1, 2, 3, 4);
        List<NDArray> got = grads("InstanceNorm", Map.of("eps", 1e-3), head, x, gamma, beta);
        List<NDArray> want = grads("GroupNorm", Map.of("eps", 1e-3, "num_groups", 3), head, x, gamma, beta);
        for (int i = 0; i < 3; i++) {
            assertThat(got.get(i)).isCloseTo(want.get(i).toDoubleArray(), 1e-5, 1e-6);
        }
    }

    @Test
    void lrnMatchesFloat32CentralDifferences() {
        NDArray x = f32(-1.5, 1.5, 2, 5, 2, 2);
        NDArray head = f32(-1, 1, 2, 5, 2, 2);
        Map<String, Object> attrs = Map.of("nsize", 3, "alpha", 0.5, "beta", 0.75, "knorm", 1.0);
        NDArray analytic = grads("LRN", attrs, head, x).get(0);
        double h = 1e-2;
        for (int j = 0; j < x.size(); j++) {
            NDArray plus = x.copy();
            plus.setDouble(j, x.getDouble(j) + h);
            NDArray minus = x.copy();
            minus.setDouble(j, x.getDouble(j) - h);
            double numeric = (dot(Ops.call("LRN", attrs, plus), head) - dot(Ops.call("LRN", attrs, minus), head))
                    / (2 * h);
            assertThat(analytic.getDouble(j)).as("coordinate %d", j)
                    .isCloseTo(numeric, org.assertj.core.data.Offset.offset(2e-3 + 1e-2 * Math.abs(numeric)));
        }
    }

    private static double dot(NDArray a, NDArray b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += a.getDouble(i) * b.getDouble(i);
        }
        return s;
    }

    /** MXNet's SoftmaxOutput gradient for index labels on (N, K) data: (softmax - one_hot) * scale / norm. */
    private static double[] expected(NDArray p, double[] labels, double scale, double norm, int ignore) {
        int k = p.shape().get(1);
        double[] g = p.toDoubleArray();
        for (int i = 0; i < labels.length; i++) {
            for (int j = 0; j < k; j++) {
                g[i * k + j] = (int) labels[i] == ignore ? 0
                        : (g[i * k + j] - (j == (int) labels[i] ? 1 : 0)) * scale / norm;
            }
        }
        return g;
    }

    @Test
    void softmaxOutputIgnoresTheIncomingGradient() {
        NDArray x = r.uniform(-2.0, 2.0, 3, 4);
        NDArray label = NDArray.of(Shape.of(3), DType.FLOAT64, 2, 0, 3);
        NDArray p = Ops.call("softmax", x);
        double[] labels = label.toDoubleArray();
        NDArray head = r.uniform(-1.0, 1.0, 3, 4);
        List<NDArray> g = grads("SoftmaxOutput", Map.of("grad_scale", 2.0), head, x, label);
        assertThat(g.get(0)).isCloseTo(expected(p, labels, 2, 1, -99), 1e-12, 1e-12);
        assertThat(g.get(1)).isCloseTo(new double[3], 0, 0);
        assertThat(grads("SoftmaxOutput", Map.of("normalization", "batch"), head, x, label).get(0))
                .isCloseTo(expected(p, labels, 1, 3, -99), 1e-12, 1e-12);
        Map<String, Object> ignoring = Map.of("use_ignore", true, "ignore_label", 0.0, "normalization", "valid");
        assertThat(grads("SoftmaxOutput", ignoring, head, x, label).get(0))
                .isCloseTo(expected(p, labels, 1, 2, 0), 1e-12, 1e-12);
        double[] withHead = expected(p, labels, 1, 1, -99);
        for (int i = 0; i < withHead.length; i++) {
            withHead[i] *= head.getDouble(i);
        }
        assertThat(grads("SoftmaxOutput", Map.of("out_grad", true), head, x, label).get(0))
                .isCloseTo(withHead, 1e-12, 1e-12);
    }

    @Test
    void softmaxOutputWithADistributionLabelGivesOutputMinusLabel() {
        NDArray x = r.uniform(-2.0, 2.0, 2, 3);
        NDArray label = Ops.call("softmax", r.uniform(-2.0, 2.0, 2, 3));
        double[] want = Ops.call("softmax", x).toDoubleArray();
        for (int i = 0; i < want.length; i++) {
            want[i] -= label.getDouble(i);
        }
        assertThat(grads("SoftmaxOutput", Map.of("normalization", "batch"), r.uniform(-1.0, 1.0, 2, 3), x, label).get(0))
                .isCloseTo(want, 1e-12, 1e-12);
    }

    @Test
    void softmaxOutputMultiOutputDividesNullNormalizationByThePositions() {
        NDArray x = r.uniform(-2.0, 2.0, 2, 3, 2);
        NDArray label = NDArray.of(Shape.of(2, 2), DType.FLOAT64, 0, 2, 1, 1);
        NDArray p = Ops.call("softmax", Map.of("axis", 1), x);
        double[] want = p.toDoubleArray();
        for (int n = 0; n < 2; n++) {
            for (int s = 0; s < 2; s++) {
                int c = (int) label.getDouble(n * 2 + s);
                for (int k = 0; k < 3; k++) {
                    int i = n * 6 + k * 2 + s;
                    want[i] = (want[i] - (k == c ? 1 : 0)) / 2;
                }
            }
        }
        assertThat(grads("SoftmaxOutput", Map.of("multi_output", true), r.uniform(-1.0, 1.0, 2, 3, 2), x, label).get(0))
                .isCloseTo(want, 1e-12, 1e-12);
    }

    @Test
    void rulesRunOnFloat32AsOnFloat64() {
        NDArray x = r.uniform(-1.0, 1.0, 2, 3, 2);
        NDArray gamma = r.uniform(0.5, 1.5, 3);
        NDArray beta = r.uniform(-1.0, 1.0, 3);
        NDArray head = r.uniform(-1.0, 1.0, 2, 3, 2);
        Map<String, Object> attrs = Map.of("fix_gamma", false);
        List<NDArray> wide = grads("BatchNorm", attrs, head, x, gamma, beta, NDArray.zeros(3).astype(DType.FLOAT64),
                NDArray.ones(3).astype(DType.FLOAT64));
        List<NDArray> narrow = grads("BatchNorm", attrs, head.astype(DType.FLOAT32), x.astype(DType.FLOAT32),
                gamma.astype(DType.FLOAT32), beta.astype(DType.FLOAT32), NDArray.zeros(3), NDArray.ones(3));
        for (int i = 0; i < 3; i++) {
            assertThat(narrow.get(i)).hasDType(DType.FLOAT32).isCloseTo(wide.get(i).toDoubleArray(), 1e-4, 1e-5);
        }
        NDArray y = grads("LayerNorm", Map.of(), head.astype(DType.FLOAT32), x.astype(DType.FLOAT32),
                NDArray.ones(2), NDArray.zeros(2)).get(0);
        assertThat(y).hasDType(DType.FLOAT32).isCloseTo(grads("LayerNorm", Map.of(), head, x,
                NDArray.ones(2).astype(DType.FLOAT64), NDArray.zeros(2).astype(DType.FLOAT64)).get(0).toDoubleArray(),
                1e-4, 1e-5);
    }
}
