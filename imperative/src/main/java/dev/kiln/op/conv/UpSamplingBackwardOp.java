package dev.kiln.op.conv;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.parallel.Parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code _backward_UpSampling(ograd, inputs...)}: one gradient per UpSampling input. For {@code nearest} each input
 * gets the sum of the output gradient over the blocks its pixels were repeated into (from its own channels when
 * concatenated, from all channels when summed). For {@code bilinear}, the deconvolution's gradients: data gets the
 * depthwise convolution of the output gradient with the weight, the weight gets the data times im2col of the output
 * gradient (MXNet trains this weight too; freeze it to keep the bilinear filter).
 */
final class UpSamplingBackwardOp extends PerInputBackwardOp {
    private final UpSamplingOp op;

    UpSamplingBackwardOp(UpSamplingOp forward) {
        super(forward, List.of("ograd", "data"));
        this.op = forward;
    }

    @Override
    public boolean isDifferentiable() {
        return true;
    }

    /**
     * Nearest: linear in {@code ograd} alone, so the gradient is UpSampling of the head gradients. Bilinear: as for
     * Deconvolution, bilinear UpSampling of (head for data, weight) plus that of (data, head for weight) for
     * {@code ograd}, the data gradient with the weight's head for data, the weight gradient with the data's head for
     * weight.
     */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        Map<String, Object> attrs = givenAttrs(op, g.attrs());
        if (!UpSamplingOp.isBilinear(g.attrs())) {
            List<T> heads = new ArrayList<>();
            List<T> result = new ArrayList<>();
            for (int i = 1; i < g.numInputs(); i++) {
                heads.add(g.outGrad(i - 1));
            }
            result.add(g.backend().applyOne(op.name(), attrs, heads));
            for (int i = 1; i < g.numInputs(); i++) {
                result.add(null);
            }
            return result;
        }
        T dy = g.input(0);
        T x = g.input(1);
        T w = g.input(2);
        T hx = g.outGrad(0);
        T hw = g.outGrad(1);
        T gy = g.requiresGrad(0) ? g.add(g.apply(op.name(), attrs, hx, w), g.apply(op.name(), attrs, x, hw)) : null;
        T gx = g.requiresGrad(1) ? g.applyAll(name(), attrs, dy, x, hw).get(0) : null;
        T gw = g.requiresGrad(2) ? g.applyAll(name(), attrs, dy, hx, w).get(1) : null;
        return g.grads(gy, gx, gw);
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        List<Shape> forwardIn = in.subList(1, in.size());
        Shape expected = op.inferShapes(attrs, forwardIn).get(0);
        if (in.get(0).isKnown() && expected.isKnown() && !in.get(0).equals(expected)) {
            throw error("ograd has shape " + in.get(0) + " but UpSampling of these inputs gives " + expected);
        }
        return List.copyOf(forwardIn);
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> in) {
        FloatingKernels.requireFloating(this, inputNames(attrs), in);
        return List.copyOf(in.subList(1, in.size()));
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        Attrs attrs = call.attrs();
        NDArray dy = FloatingKernels.widen(call.input(0));
        int[] yd = dy.shape().dims();
        List<NDArray> out = new ArrayList<>();
        if (UpSamplingOp.isBilinear(attrs)) {
            NDArray x = FloatingKernels.widen(call.input(1));
            int[] d = x.shape().dims();
            Window win = UpSamplingOp.bilinearWindow(attrs, d, dy.shape());
            Object w = FloatingKernels.widen(call.input(2)).data();
            Object dx;
            Object dw;
            if (dy.data() instanceof double[] g) {
                dx = ConvKernels.convolution(g, (double[]) w, null, d[0], d[1], d[1], d[1], win);
                dw = ConvGradKernels.weightGrad((double[]) x.data(), g, d[0], d[1], d[1], d[1], win);
            } else {
                float[] g = (float[]) dy.data();
                dx = ConvKernels.convolution(g, (float[]) w, null, d[0], d[1], d[1], d[1], win);
                dw = ConvGradKernels.weightGrad((float[]) x.data(), g, d[0], d[1], d[1], d[1], win);
            }
            out.add(wrap(call, 0, dy, call.input(1).shape(), dx));
            out.add(wrap(call, 1, dy, call.input(2).shape(), dw));
            return out;
        }
        boolean sum = attrs.get(UpSamplingOp.MULTI_INPUT_MODE).equals("sum");
        int channelStart = 0;
        for (int i = 1; i < call.inputs().size(); i++) {
            Shape s = call.input(i).shape();
            Object dx = dy.data() instanceof double[] ? new double[s.size()] : new float[s.size()];
            nearest(dy.data(), yd, dx, s.dims(), sum ? 0 : channelStart);
            channelStart += s.get(1);
            out.add(wrap(call, i - 1, dy, s, dx));
        }
        return out;
    }

    private static NDArray wrap(Invocation call, int i, NDArray like, Shape shape, Object data) {
        return FloatingKernels.narrow(NDArray.wrap(shape, like.dtype(), call.device(), data), call.outputTypes().get(i));
    }

    /** Sums each {@code f x f} block of output channels from {@code channelStart} into the input-sized {@code dx}. */
    private static void nearest(Object dy, int[] yd, Object dx, int[] xd, int channelStart) {
        int h = xd[2];
        int w = xd[3];
        int oh = yd[2];
        int ow = yd[3];
        int f = h == 0 ? 1 : oh / h;
        int planes = xd[0] * xd[1];
        Parallel.forRange(planes, Math.max(1, (1 << 14) / Math.max(1, oh * ow)), (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int n = plane / xd[1];
                int c = plane % xd[1];
                int dst = plane * h * w;
                int src = (n * yd[1] + channelStart + c) * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    int row = dst + (oy / f) * w;
                    int o = src + oy * ow;
                    if (dy instanceof float[] gs) {
                        float[] xs = (float[]) dx;
                        for (int ox = 0; ox < ow; ox++) {
                            xs[row + ox / f] += gs[o + ox];
                        }
                    } else {
                        double[] gs = (double[]) dy;
                        double[] xs = (double[]) dx;
                        for (int ox = 0; ox < ow; ox++) {
                            xs[row + ox / f] += gs[o + ox];
                        }
                    }
                }
            }
        });
    }
}
