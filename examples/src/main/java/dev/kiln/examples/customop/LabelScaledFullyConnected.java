package dev.kiln.examples.customop;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradReq;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import dev.kiln.op.custom.CustomOp;
import dev.kiln.op.custom.CustomOpProp;
import dev.kiln.op.custom.CustomOps;

import java.util.List;
import java.util.Map;

/**
 * A worked custom operator, after MXNet's classic custom-layer tutorial: a fully connected layer
 * {@code out = data * weight^T + bias} that, in training mode, multiplies each sample's output at its true label by
 * {@code k} (0 < k < 1) when that output is positive. Shrinking the true class's score during training makes the
 * model push it higher than plain softmax training would (a margin). Prediction is the plain layer.
 * <p>
 * Inputs {@code data} (batch, features), {@code weight} (num_hidden, features), {@code bias} (num_hidden,) and
 * {@code label} (batch,), class indices stored as floats; output (batch, num_hidden). Keyword arguments
 * {@code num_hidden} and {@code k}. The backward is written by hand: the fully connected gradient (two matrix
 * products and a sum) applied to the output gradient scaled the way forward scaled the output.
 */
public final class LabelScaledFullyConnected {
    /** The name the operator is registered under. */
    public static final String OP_TYPE = "label_scaled_fc";

    private LabelScaledFullyConnected() {
    }

    /** Registers the operator (idempotent). */
    public static void register() {
        CustomOps.register(OP_TYPE, Prop::new);
    }

    /** Applies the layer; recorded like any op under {@code Autograd.record()}. */
    public static NDArray apply(NDArray data, NDArray weight, NDArray bias, NDArray label, int numHidden, double k) {
        return CustomOps.call(OP_TYPE, Map.of("num_hidden", numHidden, "k", k), data, weight, bias, label);
    }

    /** The description: four inputs, one output, shapes checked like FullyConnected's. */
    static final class Prop extends CustomOpProp {
        private final int numHidden;
        private final double k;

        Prop(Map<String, String> kwargs) {
            super(true);
            String hidden = kwargs.get("num_hidden");
            if (hidden == null) {
                throw new KilnException(OP_TYPE + ": keyword argument 'num_hidden' is required");
            }
            numHidden = Integer.parseInt(hidden);
            k = Double.parseDouble(kwargs.getOrDefault("k", "0.5"));
            if (!(k > 0 && k < 1)) {
                throw new KilnException(OP_TYPE + ": k must lie in (0, 1), got " + k);
            }
        }

        @Override
        public List<String> listArguments() {
            return List.of("data", "weight", "bias", "label");
        }

        @Override
        public Inferred<Shape> inferShape(List<Shape> in) {
            Shape data = in.get(0);
            if (data.rank() != 2) {
                throw new KilnException(OP_TYPE + ": data must be (batch, features), got " + data);
            }
            Shape weight = Shape.of(numHidden, data.get(1));
            Shape bias = Shape.of(numHidden);
            Shape label = Shape.of(data.get(0));
            List<Shape> expected = List.of(data, weight, bias, label);
            for (int i = 1; i < 4; i++) {
                if (!in.get(i).equals(expected.get(i))) {
                    throw new KilnException(OP_TYPE + ": " + listArguments().get(i) + " must be " + expected.get(i)
                            + " for data " + data + " and num_hidden " + numHidden + ", got " + in.get(i));
                }
            }
            return new Inferred<>(in, List.of(Shape.of(data.get(0), numHidden)), List.of());
        }

        @Override
        public CustomOp createOperator(Device device, List<Shape> inShapes, List<DType> inTypes) {
            return new Op(numHidden, k);
        }
    }

    /** The computation; remembers whether forward ran in training mode, since backward must undo the same scale. */
    static final class Op extends CustomOp {
        private final int numHidden;
        private final double k;
        private boolean training;

        Op(int numHidden, double k) {
            this.numHidden = numHidden;
            this.k = k;
        }

        @Override
        public void forward(boolean isTrain, List<GradReq> req, List<NDArray> inData, List<NDArray> outData,
                            List<NDArray> aux) {
            training = isTrain;
            NDArray out = Ops.call("FullyConnected", Map.of("num_hidden", numHidden), inData.get(0), inData.get(1),
                    inData.get(2));
            if (isTrain) {
                out = Ops.call("elemwise_mul", out, scale(out, inData.get(3)));
            }
            assign(outData.get(0), req.get(0), out);
        }

        @Override
        public void backward(List<GradReq> req, List<NDArray> outGrad, List<NDArray> inData, List<NDArray> outData,
                             List<NDArray> inGrad, List<NDArray> aux) {
            NDArray dy = outGrad.get(0);
            if (training) {
                dy = Ops.call("elemwise_mul", dy, scale(outData.get(0), inData.get(3))); // k > 0 keeps the sign
            }
            NDArray data = inData.get(0);
            NDArray weight = inData.get(1);
            assign(inGrad.get(0), req.get(0), Ops.call("dot", dy, weight));
            assign(inGrad.get(1), req.get(1), Ops.call("dot", Map.of("transpose_a", true), dy, data));
            assign(inGrad.get(2), req.get(2), Ops.call("sum", Map.of("axis", 0), dy));
            assign(inGrad.get(3), req.get(3), Ops.call("zeros_like", inData.get(3))); // labels get no gradient
        }

        /** 1 everywhere except {@code k} at each row's label column where {@code out} is positive. */
        private NDArray scale(NDArray out, NDArray label) {
            NDArray atLabel = Ops.call("one_hot", Map.of("depth", numHidden, "dtype", out.dtype().mxnetName()), label);
            NDArray positive = Ops.call("_greater_scalar", Map.of("scalar", 0.0), out);
            NDArray mask = Ops.call("elemwise_mul", atLabel, positive);
            return Ops.call("_plus_scalar", Map.of("scalar", 1.0), Ops.call("_mul_scalar", Map.of("scalar", k - 1),
                    mask));
        }
    }
}
