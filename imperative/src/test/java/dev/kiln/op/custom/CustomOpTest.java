package dev.kiln.op.custom;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradReq;
import dev.kiln.autograd.GradientChecker;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import dev.kiln.op.surface.ND;
import dev.kiln.testing.GradientCase;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CustomOpTest {
    private static final GradientCase.Inputs IN = new GradientCase.Inputs(11);

    /** {@code y = factor * x}; counts the props and operators it creates, and remembers the kwargs it saw. */
    static final class ScaleProp extends CustomOpProp {
        static final AtomicInteger PROPS = new AtomicInteger();
        static final AtomicInteger OPERATORS = new AtomicInteger();
        static volatile Map<String, String> lastKwargs;
        final double factor;

        ScaleProp(Map<String, String> kwargs) {
            PROPS.incrementAndGet();
            lastKwargs = kwargs;
            factor = Double.parseDouble(kwargs.getOrDefault("factor", "1"));
        }

        @Override
        public CustomOp createOperator(Device device, List<Shape> inShapes, List<DType> inTypes) {
            OPERATORS.incrementAndGet();
            return new CustomOp() {
                @Override
                public void forward(boolean isTrain, List<GradReq> req, List<NDArray> inData, List<NDArray> outData,
                                    List<NDArray> aux) {
                    assign(outData.get(0), req.get(0), Ops.call("_mul_scalar", Map.of("scalar", factor),
                            inData.get(0)));
                }

                @Override
                public void backward(List<GradReq> req, List<NDArray> outGrad, List<NDArray> inData,
                                     List<NDArray> outData, List<NDArray> inGrad, List<NDArray> aux) {
                    assign(inGrad.get(0), req.get(0), Ops.call("_mul_scalar", Map.of("scalar", factor),
                            outGrad.get(0)));
                }
            };
        }
    }

    /** Elementwise {@code 0.5 (x - label)^2}, a loss: backward ignores the head gradient and gives {@code x - label}. */
    static final class HalfSquareLossProp extends CustomOpProp {
        static volatile List<NDArray> seenOutGrad;

        HalfSquareLossProp() {
            super(false);
        }

        @Override
        public List<String> listArguments() {
            return List.of("data", "label");
        }

        @Override
        public CustomOp createOperator(Device device, List<Shape> inShapes, List<DType> inTypes) {
            return new CustomOp() {
                @Override
                public void forward(boolean isTrain, List<GradReq> req, List<NDArray> inData, List<NDArray> outData,
                                    List<NDArray> aux) {
                    NDArray d = Ops.call("elemwise_sub", inData.get(0), inData.get(1));
                    assign(outData.get(0), req.get(0), Ops.call("_mul_scalar", Map.of("scalar", 0.5),
                            Ops.call("square", d)));
                }

                @Override
                public void backward(List<GradReq> req, List<NDArray> outGrad, List<NDArray> inData,
                                     List<NDArray> outData, List<NDArray> inGrad, List<NDArray> aux) {
                    seenOutGrad = outGrad;
                    assign(inGrad.get(0), req.get(0), Ops.call("elemwise_sub", inData.get(0), inData.get(1)));
                    assign(inGrad.get(1), GradReq.NULL, inData.get(0));
                }
            };
        }
    }

    /**
     * {@code y = x - mean}, with auxiliary state {@code mean}, which training calls move towards the batch mean
     * (momentum 0.5), as BatchNorm's moving statistics.
     */
    static final class CenterProp extends CustomOpProp {
        @Override
        public List<String> listAuxiliaryStates() {
            return List.of("mean");
        }

        @Override
        public Inferred<Shape> inferShape(List<Shape> in) {
            return new Inferred<>(in, List.of(in.get(0)), List.of(Shape.of(in.get(0).get(1))));
        }

        @Override
        public CustomOp createOperator(Device device, List<Shape> inShapes, List<DType> inTypes) {
            return new CustomOp() {
                @Override
                public void forward(boolean isTrain, List<GradReq> req, List<NDArray> inData, List<NDArray> outData,
                                    List<NDArray> aux) {
                    NDArray mean = aux.get(0);
                    if (isTrain) {
                        NDArray batch = Ops.call("mean", Map.of("axis", 0), inData.get(0));
                        Ops.call("elemwise_add", Ops.call("_mul_scalar", Map.of("scalar", 0.5), mean),
                                Ops.call("_mul_scalar", Map.of("scalar", 0.5), batch)).copyTo(mean);
                    }
                    assign(outData.get(0), req.get(0), Ops.call("broadcast_sub", inData.get(0), mean));
                }

                @Override
                public void backward(List<GradReq> req, List<NDArray> outGrad, List<NDArray> inData,
                                     List<NDArray> outData, List<NDArray> inGrad, List<NDArray> aux) {
                    assign(inGrad.get(0), req.get(0), outGrad.get(0));
                }
            };
        }
    }

    /** Two outputs, {@code (2x, 3x)}; the operator keeps {@code isTrain} from forward for backward. */
    static final class TwoOutputsProp extends CustomOpProp {
        @Override
        public List<String> listOutputs() {
            return List.of("double", "triple");
        }

        @Override
        public CustomOp createOperator(Device device, List<Shape> inShapes, List<DType> inTypes) {
            return new CustomOp() {
                Boolean trainedForward;

                @Override
                public void forward(boolean isTrain, List<GradReq> req, List<NDArray> inData, List<NDArray> outData,
                                    List<NDArray> aux) {
                    trainedForward = isTrain;
                    assign(outData.get(0), req.get(0), Ops.call("_mul_scalar", Map.of("scalar", 2.0), inData.get(0)));
                    assign(outData.get(1), req.get(1), Ops.call("_mul_scalar", Map.of("scalar", 3.0), inData.get(0)));
                }

                @Override
                public void backward(List<GradReq> req, List<NDArray> outGrad, List<NDArray> inData,
                                     List<NDArray> outData, List<NDArray> inGrad, List<NDArray> aux) {
                    if (trainedForward == null) {
                        throw new IllegalStateException("backward ran on an operator that did not run forward");
                    }
                    assign(inGrad.get(0), req.get(0), Ops.call("elemwise_add",
                            Ops.call("_mul_scalar", Map.of("scalar", 2.0), outGrad.get(0)),
                            Ops.call("_mul_scalar", Map.of("scalar", 3.0), outGrad.get(1))));
                }
            };
        }
    }

    static {
        CustomOps.register("test_scale", ScaleProp::new);
        CustomOps.register("test_half_square_loss", kw -> new HalfSquareLossProp());
        CustomOps.register("test_center", kw -> new CenterProp());
        CustomOps.register("test_two_outputs", kw -> new TwoOutputsProp());
    }

    @Test
    void forwardAndBackwardRunTheOperator() {
        NDArray x = NDArray.of(Shape.of(3), 1f, -2f, 4f).attachGrad();
        NDArray y;
        try (var rec = Autograd.record()) {
            y = CustomOps.call("test_scale", Map.of("factor", 2.5), x);
        }
        assertThat(y).hasDType(DType.FLOAT32).isCloseTo(new double[] {2.5, -5, 10}, 0, 0);
        y.backward(NDArray.of(Shape.of(3), 1f, 2f, 3f));
        assertThat(x.grad()).isCloseTo(new double[] {2.5, 5, 7.5}, 0, 0);
    }

    @Test
    void passesTheGradientCheckThroughTheRegistryOp() {
        GradientChecker.forOp("Custom", Map.of("op_type", "test_scale", "factor", -1.5)).verify(IN.uniform(2, 3));
        GradientChecker.forOp("Custom", Map.of("op_type", "test_two_outputs")).verify(IN.uniform(4));
        GradientChecker.forOp("Custom", Map.of("op_type", "test_two_outputs")).training(false).verify(IN.uniform(4));
    }

    @Test
    void kwargsReachThePropAsStringsAndPropsAreReusedPerKwargs() {
        int before = ScaleProp.PROPS.get();
        NDArray x = NDArray.ones(2);
        CustomOps.call("test_scale", Map.of("factor", 0.25, "verbose", true, "n", 3), x);
        assertThat(ScaleProp.lastKwargs).containsEntry("factor", "0.25").containsEntry("verbose", "True")
                .containsEntry("n", "3").doesNotContainKey("op_type");
        CustomOps.call("test_scale", Map.of("factor", 0.25, "verbose", true, "n", 3), x);
        assertThat(ScaleProp.PROPS.get()).isEqualTo(before + 1);
        var attrs = OpRegistry.global().get("Custom").attrs(Map.of("op_type", "test_scale", "factor", "0.25"));
        assertThat(attrs.extra("factor")).isEqualTo("0.25");
        assertThat(attrs.toMXNetStrings(OpRegistry.global().get("Custom")))
                .containsExactly(Map.entry("op_type", "test_scale"), Map.entry("factor", "0.25"));
    }

    @Test
    void backwardRunsOnTheInstanceThatRanForward() {
        NDArray x = IN.uniform(3).attachGrad();
        int before = ScaleProp.OPERATORS.get();
        List<NDArray> ys;
        try (var rec = Autograd.record()) {
            ys = CustomOps.invoke("test_two_outputs", Map.of(), x);
        }
        assertThat(ys).hasSize(2);
        ys.get(1).backward();
        assertThat(x.grad()).isCloseTo(new double[] {3, 3, 3}, 0, 0);
        NDArray z = IN.uniform(2).attachGrad();
        NDArray y;
        try (var rec = Autograd.record()) {
            y = CustomOps.call("test_scale", Map.of("factor", 2), z);
        }
        y.backward();
        assertThat(ScaleProp.OPERATORS.get()).isEqualTo(before + 1);
    }

    @Test
    void withoutTopGradBackwardIgnoresTheHeadGradient() {
        NDArray x = NDArray.of(Shape.of(2), 1f, 3f).attachGrad();
        NDArray label = NDArray.of(Shape.of(2), 0f, 1f).attachGrad();
        NDArray loss;
        try (var rec = Autograd.record()) {
            loss = CustomOps.call("test_half_square_loss", Map.of(), x, label);
        }
        assertThat(loss).isCloseTo(new double[] {0.5, 2}, 0, 0);
        loss.backward(NDArray.of(Shape.of(2), 10f, 10f));
        assertThat(HalfSquareLossProp.seenOutGrad).isEmpty();
        assertThat(x.grad()).isCloseTo(new double[] {1, 2}, 0, 0);
        assertThat(label.grad()).isCloseTo(new double[] {0, 0}, 0, 0);
    }

    @Test
    void auxiliaryStatesAreUpdatedInPlaceAndGetNoGradient() {
        NDArray x = NDArray.of(Shape.of(2, 2), 1f, 2f, 3f, 6f).attachGrad();
        NDArray mean = NDArray.zeros(2).attachGrad();
        assertThat(OpRegistry.global().get("Custom").auxInputIndices(
                OpRegistry.global().get("Custom").attrs(Map.of("op_type", "test_center")))).containsExactly(1);
        NDArray y;
        try (var rec = Autograd.record()) {
            y = CustomOps.call("test_center", Map.of(), x, mean);
        }
        assertThat(mean).isCloseTo(new double[] {1, 2}, 0, 0);
        assertThat(y).isCloseTo(new double[] {0, 0, 2, 4}, 0, 0);
        y.backward();
        assertThat(x.grad()).isCloseTo(new double[] {1, 1, 1, 1}, 0, 0);
        assertThat(mean.grad()).isCloseTo(new double[] {0, 0}, 0, 0);
        NDArray predicted = CustomOps.call("test_center", Map.of(), NDArray.of(Shape.of(1, 2), 1f, 2f), mean);
        assertThat(mean).isCloseTo(new double[] {1, 2}, 0, 0);
        assertThat(predicted).isCloseTo(new double[] {0, 0}, 0, 0);
        GradientChecker.forOp("Custom", Map.of("op_type", "test_center")).training(false) // the state is not checked
                .verify(IN.uniform(3, 2), IN.uniform(2));
    }

    @Test
    void assignWritesAddsOrLeavesAlone() {
        CustomOp op = new ScaleProp(Map.of("factor", "2")).createOperator(Device.cpu(), List.of(Shape.of(2)),
                List.of(DType.FLOAT32));
        NDArray x = NDArray.of(Shape.of(2), 1f, 2f);
        NDArray dy = NDArray.of(Shape.of(2), 1f, 1f);
        List<NDArray> grads = new ArrayList<>();
        for (GradReq req : GradReq.values()) {
            NDArray g = NDArray.of(Shape.of(2), 10f, 20f);
            op.backward(List.of(req), List.of(dy), List.of(x), List.of(x), List.of(g), List.of());
            grads.add(g);
        }
        assertThat(grads.get(GradReq.WRITE.ordinal())).isCloseTo(new double[] {2, 2}, 0, 0);
        assertThat(grads.get(GradReq.ADD.ordinal())).isCloseTo(new double[] {12, 22}, 0, 0);
        assertThat(grads.get(GradReq.NULL.ordinal())).isCloseTo(new double[] {10, 20}, 0, 0);
    }

    @Test
    void theTypedSurfaceAppliesCustom() {
        List<NDArray> y = ND.nd.custom(List.of(NDArray.of(Shape.of(2), 1f, 2f)), "test_scale", Map.of("factor", 3));
        assertThat(y.get(0)).isCloseTo(new double[] {3, 6}, 0, 0);
    }

    @Test
    void anUnregisteredOpTypeIsAnError() {
        assertThatThrownBy(() -> CustomOps.call("no_such_custom_op", Map.of(), NDArray.ones(2)))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("no custom operator type 'no_such_custom_op' is registered")
                .hasMessageContaining("test_scale").hasMessageContaining("CustomOps.register");
        assertThatThrownBy(() -> Ops.call("Custom", Map.of(), NDArray.ones(2))).isInstanceOf(KilnException.class)
                .hasMessageContaining("op_type");
    }

    @Test
    void unknownAttributesAreStillRejectedByOrdinaryOps() {
        assertThatThrownBy(() -> Ops.call("relu", Map.of("factor", 2), NDArray.ones(2)))
                .isInstanceOf(KilnException.class).hasMessageContaining("has no attribute 'factor'");
    }

    @Test
    void badInferenceFromThePropIsReported() {
        CustomOps.register("test_changes_input", kw -> new CustomOpProp() {
            @Override
            public Inferred<Shape> inferShape(List<Shape> in) {
                return new Inferred<>(List.of(Shape.of(4)), List.of(Shape.of(4)), List.of());
            }

            @Override
            public CustomOp createOperator(Device device, List<Shape> inShapes, List<DType> inTypes) {
                throw new AssertionError("not reached");
            }
        });
        CustomOps.register("test_counts_wrong", kw -> new CustomOpProp() {
            @Override
            public Inferred<Shape> inferShape(List<Shape> in) {
                return new Inferred<>(in, List.of(in.get(0), in.get(0)), List.of());
            }

            @Override
            public CustomOp createOperator(Device device, List<Shape> inShapes, List<DType> inTypes) {
                throw new AssertionError("not reached");
            }
        });
        assertThatThrownBy(() -> CustomOps.call("test_changes_input", Map.of(), NDArray.ones(3)))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("custom op 'test_changes_input': inferShape changed input 'data' from (3,) to "
                        + "(4,)");
        assertThatThrownBy(() -> CustomOps.call("test_counts_wrong", Map.of(), NDArray.ones(3)))
                .isInstanceOf(KilnException.class).hasMessageContaining("returned 1 inputs, 2 outputs")
                .hasMessageContaining("[output]");
        assertThatThrownBy(() -> CustomOps.call("test_center", Map.of(), NDArray.ones(2, 2), NDArray.zeros(3)))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("expects auxiliary state 'mean' to be (2,), got (3,)");
        assertThatThrownBy(() -> CustomOps.call("test_half_square_loss", Map.of(), NDArray.ones(2)))
                .isInstanceOf(KilnException.class).hasMessageContaining("expects 2 inputs [data, label], got 1");
    }
}
