package dev.kiln.autograd;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.Gradient;
import dev.kiln.op.OpBackend;
import dev.kiln.op.OpDef;
import dev.kiln.op.Ops;
import dev.kiln.testing.GradientCase;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FunctionTest {

    /** sigmoid with the gradient y * (1 - y) from the saved output. */
    static final class Sigmoid extends Function {
        @Override
        protected List<NDArray> forward(NDArray... in) {
            NDArray y = Ops.call("sigmoid", in[0]);
            saveForBackward(y);
            return List.of(y);
        }

        @Override
        protected List<NDArray> backward(NDArray... dy) {
            NDArray y = saved().get(0);
            NDArray slope = Ops.call("elemwise_mul", y, Ops.call("_rminus_scalar", Map.of("scalar", 1.0), y));
            return List.of(Ops.call("elemwise_mul", dy[0], slope));
        }
    }

    /** (a * b, a + b): two inputs saved, two outputs. */
    static final class ProductAndSum extends Function {
        List<NDArray> seenGrads;

        @Override
        protected List<NDArray> forward(NDArray... in) {
            saveForBackward(in[0], in[1]);
            return List.of(Ops.call("elemwise_mul", in[0], in[1]), Ops.call("elemwise_add", in[0], in[1]));
        }

        @Override
        protected List<NDArray> backward(NDArray... dy) {
            seenGrads = Arrays.asList(dy);
            NDArray a = saved().get(0);
            NDArray b = saved().get(1);
            return List.of(Ops.call("elemwise_add", Ops.call("elemwise_mul", dy[0], b), dy[1]),
                    Ops.call("elemwise_add", Ops.call("elemwise_mul", dy[0], a), dy[1]));
        }
    }

    private static final GradientCase.Inputs IN = new GradientCase.Inputs(7);

    @Test
    void sigmoidFunctionPassesTheGradientCheck() {
        GradientChecker.forFunction("Sigmoid Function", in -> new Sigmoid().apply(in.get(0)))
                .verify(IN.uniform(-3.0, 3.0, 3, 4));
    }

    @Test
    void sigmoidFunctionMatchesTheBuiltInGradient() {
        NDArray x = IN.uniform(-3.0, 3.0, 2, 5);
        NDArray head = IN.uniform(-1.0, 1.0, 2, 5);
        NDArray a = x.copy().attachGrad();
        NDArray b = x.copy().attachGrad();
        NDArray ya;
        NDArray yb;
        try (var rec = Autograd.record()) {
            ya = new Sigmoid().call(a);
            yb = Ops.call("sigmoid", b);
        }
        ya.backward(head);
        yb.backward(head);
        assertThat(ya).isCloseTo(yb, 0, 0);
        assertThat(a.grad()).isCloseTo(b.grad(), 1e-6, 1e-7);
    }

    @Test
    void savedArraysAndSeveralOutputsReachBackward() {
        GradientChecker.forFunction("ProductAndSum", in -> new ProductAndSum().apply(in.get(0), in.get(1)))
                .verify(IN.uniform(-2.0, 2.0, 3), IN.uniform(-2.0, 2.0, 3));
    }

    @Test
    void anOutputNoGradientReachedGetsZeros() {
        NDArray a = NDArray.of(dev.kiln.ndarray.Shape.of(2), 1f, 2f).attachGrad();
        NDArray b = NDArray.of(dev.kiln.ndarray.Shape.of(2), 3f, 4f).attachGrad();
        ProductAndSum f = new ProductAndSum();
        List<NDArray> out;
        try (var rec = Autograd.record()) {
            out = f.apply(a, b);
        }
        out.get(0).backward();
        assertThat(f.seenGrads.get(1)).isCloseTo(new double[] {0, 0}, 0, 0);
        assertThat(a.grad()).isCloseTo(new double[] {3, 4}, 0, 0);
        assertThat(b.grad()).isCloseTo(new double[] {1, 2}, 0, 0);
    }

    @Test
    void forwardRunsWithRecordingPausedAndIsOneTapeStep() {
        NDArray x = IN.uniform(-1.0, 1.0, 3).attachGrad();
        boolean[] recordingInside = new boolean[1];
        boolean[] trainingInside = new boolean[1];
        Function probe = new Function() {
            @Override
            protected List<NDArray> forward(NDArray... in) {
                recordingInside[0] = Autograd.isRecording();
                trainingInside[0] = Autograd.isTraining();
                return List.of(Ops.call("exp", Ops.call("negative", in[0])));
            }

            @Override
            protected List<NDArray> backward(NDArray... dy) {
                return List.of(dy[0]);
            }
        };
        NDArray y;
        try (var rec = Autograd.record()) {
            y = probe.call(x);
        }
        assertThat(recordingInside[0]).isFalse();
        assertThat(trainingInside[0]).isTrue();
        TapeNode node = ((TapeEntry.Output) y.autogradEntry()).node();
        assertThat(node.op().name()).startsWith("Function(");
        y.backward();
        assertThat(x.grad()).isCloseTo(new double[] {1, 1, 1}, 0, 0);
    }

    @Test
    void outsideRecordingTheOutputsHaveNoHistory() {
        NDArray y = new Sigmoid().call(NDArray.of(dev.kiln.ndarray.Shape.of(1), 0f));
        assertThat(y.autogradEntry()).isNull();
        assertThat(y).isCloseTo(new double[] {0.5}, 0, 0);
    }

    @Test
    void anInputReturnedAsOutputKeepsItsOwnHistory() {
        NDArray x = IN.uniform(-1.0, 1.0, 2).attachGrad();
        Function identity = new Function() {
            @Override
            protected List<NDArray> forward(NDArray... in) {
                return List.of(in[0]);
            }

            @Override
            protected List<NDArray> backward(NDArray... dy) {
                return List.of(Ops.call("_mul_scalar", Map.of("scalar", 3.0), dy[0]));
            }
        };
        NDArray y;
        try (var rec = Autograd.record()) {
            y = identity.call(x);
        }
        assertThat(x.autogradEntry()).isInstanceOf(TapeEntry.Variable.class);
        y.backward();
        assertThat(x.grad()).isCloseTo(new double[] {3, 3}, 0, 0);
    }

    @Test
    void nullGradientsMeanNoGradientAndFloat32Works() {
        NDArray a = IN.uniform(-1.0, 1.0, 2).astype(DType.FLOAT32).attachGrad();
        NDArray b = IN.uniform(-1.0, 1.0, 2).astype(DType.FLOAT32).attachGrad();
        Function firstOnly = new Function() {
            @Override
            protected List<NDArray> forward(NDArray... in) {
                return List.of(Ops.call("elemwise_add", in[0], in[1]));
            }

            @Override
            protected List<NDArray> backward(NDArray... dy) {
                return Arrays.asList(dy[0], null);
            }
        };
        NDArray y;
        try (var rec = Autograd.record()) {
            y = firstOnly.call(a, b);
        }
        y.backward();
        assertThat(a.grad()).hasDType(DType.FLOAT32).isCloseTo(new double[] {1, 1}, 0, 0);
        assertThat(b.grad()).isCloseTo(new double[] {0, 0}, 0, 0);
    }

    @Test
    void anInstanceIsAppliedOnce() {
        Sigmoid s = new Sigmoid();
        s.call(NDArray.zeros(2));
        assertThatThrownBy(() -> s.call(NDArray.zeros(2))).isInstanceOf(KilnException.class)
                .hasMessageContaining("already applied").hasMessageContaining("create a new one");
    }

    @Test
    void backwardMustGiveOneGradientPerInput() {
        NDArray x = IN.uniform(-1.0, 1.0, 2).attachGrad();
        Function wrong = new Function() {
            @Override
            protected List<NDArray> forward(NDArray... in) {
                return List.of(Ops.call("negative", in[0]));
            }

            @Override
            protected List<NDArray> backward(NDArray... dy) {
                return List.of(dy[0], dy[0]);
            }
        };
        NDArray y;
        try (var rec = Autograd.record()) {
            y = wrong.call(x);
        }
        assertThatThrownBy(y::backward).isInstanceOf(KilnException.class)
                .hasMessageContaining("backward returned 2 gradients for 1 inputs");
    }

    @Test
    void aSymbolicGradientCannotCallAFunction() {
        NDArray x = IN.uniform(-1.0, 1.0, 2).attachGrad();
        NDArray y;
        try (var rec = Autograd.record()) {
            y = new Sigmoid().call(x);
        }
        OpDef op = ((TapeEntry.Output) y.autogradEntry()).node().op();
        OpBackend<Object> symbolic = (name, attrs, inputs) -> List.of("sym");
        List<Object> outputs = new ArrayList<>(List.of("y"));
        Gradient<Object> g = new Gradient<>(symbolic, op, op.defaultAttrs(), List.of("x"), outputs,
                new ArrayList<>(List.of((Object) "dy")), null, true);
        assertThatThrownBy(() -> op.gradient(g)).isInstanceOf(KilnException.class)
                .hasMessageContaining("NDArrays only").hasMessageContaining("CustomOp");
    }
}
