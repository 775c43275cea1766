package dev.kiln.op.shape;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.parallel.Parallel;

import java.util.List;
import java.util.Map;

/**
 * {@code _backward_Pad(out_grad)}: the gradient of {@code Pad} with the same {@code mode} and {@code pad_width}. Each
 * element of {@code out_grad} is added to the input element it was copied from (none for constant pads). Padding
 * works axis by axis, so the fold does too, one spatial axis at a time, accumulating in float64. It is linear, and its
 * own gradient is {@code Pad} with zero constant.
 */
final class PadBackward extends ShapeOp {
    private static final Padding FORWARD = new Padding();

    PadBackward() {
        super("_backward_Pad", List.of("out_grad"), List.of(Padding.MODE, Padding.PAD_WIDTH));
    }

    @Override
    public String doc() {
        return "Folds Pad's output gradient back onto the input's shape.";
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        requireKnown(in);
        Shape padded = in.get(0);
        int[] w = attrs.get(Padding.PAD_WIDTH).toArray();
        if (w.length != 2 * padded.rank()) {
            throw error("pad_width=" + attrs.get(Padding.PAD_WIDTH) + " must have 2 * rank = " + (2 * padded.rank())
                    + " entries for out_grad shape " + padded);
        }
        int[] dims = padded.dims();
        for (int i = 0; i < dims.length; i++) {
            dims[i] -= w[2 * i] + w[2 * i + 1];
            if (dims[i] < 0) {
                throw error("out_grad shape " + padded + " is smaller than pad_width=" + attrs.get(Padding.PAD_WIDTH));
            }
        }
        Shape data = Shape.of(dims);
        FORWARD.widths(attrs, data);
        return List.of(data);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray g = call.input(0);
        String mode = call.attr(Padding.MODE);
        int[] w = call.attr(Padding.PAD_WIDTH).toArray();
        int[] dims = g.shape().dims();
        double[] acc = (double[]) Storage.convert(g.dtype(), g.data(), DType.FLOAT64);
        for (int a = 0; a < dims.length; a++) {
            if (w[2 * a] != 0 || w[2 * a + 1] != 0) {
                int len = dims[a] - w[2 * a] - w[2 * a + 1];
                acc = fold(acc, dims, a, w[2 * a], len, mode);
                dims[a] = len;
            }
        }
        DType t = call.outputTypes().get(0);
        return List.of(call.wrapOutput(0, t == DType.FLOAT64 ? acc : Storage.convert(DType.FLOAT64, acc, t)));
    }

    /** Folds axis {@code a} of {@code src} (shape {@code dims}) from its padded length down to {@code len}. */
    private static double[] fold(double[] src, int[] dims, int a, int before, int len, String mode) {
        int outer = Strided.product(dims, 0, a);
        int inner = Strided.product(dims, a + 1, dims.length);
        int padded = dims[a];
        double[] dst = new double[Math.multiplyExact(outer, len * inner)];
        if (len == 0) {
            return dst;
        }
        Parallel.forRange(outer, Math.max(1, 4096 / Math.max(1, padded * inner)), (from, to) -> {
            for (int o = from; o < to; o++) {
                for (int j = 0; j < padded; j++) {
                    int i = Padding.source(j, before, len, mode);
                    if (i < 0) {
                        continue;
                    }
                    int s = (o * padded + j) * inner;
                    int d = (o * len + i) * inner;
                    for (int k = 0; k < inner; k++) {
                        dst[d + k] += src[s + k];
                    }
                }
            }
        });
        return dst;
    }

    /** The fold's adjoint is padding again, with zeros where the forward pass had constants. */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        return g.grads(g.apply("Pad", Map.of("mode", g.attr(Padding.MODE), "pad_width", g.attr(Padding.PAD_WIDTH),
                "constant_value", 0.0), g.outGrad(0)));
    }
}
