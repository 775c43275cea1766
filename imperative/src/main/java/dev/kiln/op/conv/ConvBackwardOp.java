package dev.kiln.op.conv;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code _backward_Convolution} and {@code _backward_Deconvolution}: from {@code (ograd, data, weight[, bias])} and
 * the forward attributes, the gradients of data, weight and (unless {@code no_bias}) bias. Each op's data gradient is
 * the other op's forward kernel on the output gradient, its weight gradient one product per group of the grid side
 * and the im2col of the image side ({@link ConvGradKernels}), its bias gradient the output gradient summed over batch
 * and positions. Channels-last layouts are permuted as in the forward op. A gradient the executor marks unused
 * ({@link dev.kiln.op.Invocation#isOutputUnused}, such as a first layer's data gradient) is not computed.
 * <p>
 * Its own gradient (for second derivatives) is again convolutions of the same kind: the op is linear in
 * {@code ograd} and in each of data and weight.
 */
final class ConvBackwardOp extends PerInputBackwardOp {
    private final ConvOpBase op;

    ConvBackwardOp(ConvOpBase forward) {
        super(forward, withOutGrad(forward.declaredInputs()));
        this.op = forward;
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        List<Shape> forwardIn = in.subList(1, in.size());
        Shape expected = op.inferShapes(attrs, forwardIn).get(0);
        if (in.get(0).isKnown() && expected.isKnown() && !in.get(0).equals(expected)) {
            throw error("ograd has shape " + in.get(0) + " but " + op.name() + " of these inputs gives " + expected);
        }
        return List.copyOf(forwardIn);
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> in) {
        List<DType> forwardIn = in.subList(1, in.size());
        DType out = op.inferTypes(attrs, forwardIn).get(0);
        if (in.get(0) != out) {
            throw error("ograd has dtype " + in.get(0) + " but the forward output has " + out);
        }
        return List.copyOf(forwardIn);
    }

    /** Every gradient is computed straight into its output array ({@link ConvOpBase#directOutput}). */
    @Override
    public boolean fillsOutputs(Attrs attrs) {
        return true;
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        ConvParams p = op.params(call.attrs());
        SpatialLayout layout = p.layout();
        NDArray dy = layout.toChannelFirst(FloatingKernels.widen(call.input(0)));
        NDArray x = layout.toChannelFirst(FloatingKernels.widen(call.input(1)));
        NDArray w = layout.toChannelFirst(FloatingKernels.widen(call.input(2)));
        int[] xd = x.shape().dims();
        int[] yd = dy.shape().dims();
        Window win = op.window(call.attrs(), p, xd, yd);
        List<NDArray> out = new ArrayList<>(3);
        out.add(call.isOutputUnused(0) ? call.newOutput(0) : result(call, 0, layout, x.shape(),
                op.runDataGrad(dy.data(), w.data(), xd[0], xd[1], p.numFilter(), p.numGroup(), win,
                        ConvOpBase.directOutput(call, 0, layout.channelLast()))));
        out.add(call.isOutputUnused(1) ? call.newOutput(1) : result(call, 1, layout, w.shape(),
                op.runWeightGrad(dy.data(), x.data(), xd[0], xd[1], p.numFilter(), p.numGroup(), win,
                        ConvOpBase.directOutput(call, 1, layout.channelLast()))));
        if (!p.noBias()) {
            int plane = yd[0] * yd[1] == 0 ? 0 : dy.size() / (yd[0] * yd[1]);
            Object direct = ConvOpBase.directOutput(call, 2, false);
            Object db = dy.data() instanceof double[] dd
                    ? ConvGradKernels.biasGrad(dd, yd[0], yd[1], plane, (double[]) direct)
                    : ConvGradKernels.biasGrad((float[]) dy.data(), yd[0], yd[1], plane, (float[]) direct);
            out.add(FloatingKernels.narrow(NDArray.wrap(Shape.of(yd[1]), dy.dtype(), call.device(), db),
                    call.outputTypes().get(2)));
        }
        return out;
    }

    private static NDArray result(Invocation call, int i, SpatialLayout layout, Shape shapeCF, Object data) {
        NDArray a = NDArray.wrap(shapeCF, data instanceof double[] ? DType.FLOAT64 : DType.FLOAT32, call.device(),
                data);
        return FloatingKernels.narrow(layout.fromChannelFirst(a), call.outputTypes().get(i));
    }

    /**
     * With head gradients {@code (hx, hw[, hb])} on the data, weight and bias gradients: the gradient for
     * {@code ograd} is the forward op of {@code (hx, weight)} plus that of {@code (data, hw)} with bias {@code hb};
     * data's is the data gradient with weight {@code hw}; weight's is the weight gradient with data {@code hx}; bias
     * does not enter the gradients.
     */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        boolean bias = g.numInputs() == 4;
        Map<String, Object> attrs = givenAttrs(op, g.attrs());
        Map<String, Object> noBias = new LinkedHashMap<>(attrs);
        noBias.put("no_bias", true);
        T dy = g.input(0);
        T x = g.input(1);
        T w = g.input(2);
        T hx = g.outGrad(0);
        T hw = g.outGrad(1);
        T gy = null;
        if (g.requiresGrad(0)) {
            T viaData = g.apply(op.name(), noBias, hx, w);
            T viaWeight = bias ? g.apply(op.name(), attrs, x, hw, g.outGrad(2)) : g.apply(op.name(), noBias, x, hw);
            gy = g.add(viaData, viaWeight);
        }
        T gx = g.requiresGrad(1) ? g.applyAll(name(), noBias, dy, x, hw).get(0) : null;
        T gw = g.requiresGrad(2) ? g.applyAll(name(), noBias, dy, hx, w).get(1) : null;
        return bias ? g.grads(gy, gx, gw, null) : g.grads(gy, gx, gw);
    }

    @Override
    public boolean isDifferentiable() {
        return true;
    }
}
