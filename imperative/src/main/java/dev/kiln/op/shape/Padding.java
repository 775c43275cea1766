package dev.kiln.op.shape;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.IntTuple;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;
import dev.kiln.parallel.Parallel;

import java.util.List;
import java.util.Map;

/**
 * {@code Pad} (alias {@code pad}): pads the spatial axes of a 4-D or 5-D array, as MXNet 1.x does (the first two axes,
 * batch and channel, take no padding). Modes: {@code constant} fills with {@code constant_value}, {@code edge} repeats
 * the border element, {@code reflect} mirrors without repeating it (NumPy's {@code reflect}, so each pad must be
 * shorter than its axis). The gradient folds the pads back onto the elements they copy ({@link PadBackward}).
 */
final class Padding extends ShapeOp {
    static final AttrSpec<String> MODE = AttrSpec.required("mode", AttrType.oneOf("constant", "edge", "reflect"),
            "how padded elements are filled");
    static final AttrSpec<IntTuple> PAD_WIDTH = AttrSpec.required("pad_width", AttrType.TUPLE,
            "(before_1, after_1, ..., before_N, after_N), zero for the first two axes");
    static final AttrSpec<Double> CONSTANT_VALUE = AttrSpec.of("constant_value", AttrType.FLOAT, 0.0,
            "the fill value in constant mode");

    Padding() {
        super("Pad", DATA, List.of(MODE, PAD_WIDTH, CONSTANT_VALUE), "pad");
    }

    @Override
    public String doc() {
        return "Pads the spatial axes of a 4-D or 5-D array.";
    }

    int[] widths(Attrs attrs, Shape in) {
        int r = in.rank();
        IntTuple pw = attrs.get(PAD_WIDTH);
        if (r != 4 && r != 5) {
            throw error("supports only 4-D or 5-D input (N, C, spatial...), got shape " + in);
        }
        if (pw.size() != 2 * r) {
            throw error("pad_width=" + pw + " must have 2 * rank = " + (2 * r) + " entries for input shape " + in);
        }
        int[] w = pw.toArray();
        if (w[0] != 0 || w[1] != 0 || w[2] != 0 || w[3] != 0) {
            throw error("pad_width=" + pw + " must be zero for the first two axes (batch and channel)");
        }
        boolean reflect = attrs.get(MODE).equals("reflect");
        boolean edge = attrs.get(MODE).equals("edge");
        for (int i = 0; i < 2 * r; i++) {
            if (w[i] < 0) {
                throw error("pad_width=" + pw + " has a negative entry");
            }
            int len = in.get(i / 2);
            if (len == Shape.UNKNOWN) {
                continue;
            }
            if (reflect && w[i] >= len) {
                throw error("reflect padding of " + w[i] + " on axis " + (i / 2) + " must be smaller than its size "
                        + len + " (input shape " + in + ", pad_width=" + pw + ")");
            }
            if (edge && w[i] > 0 && len == 0) {
                throw error("edge padding needs a non-empty axis " + (i / 2) + " (input shape " + in + ")");
            }
        }
        return w;
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        requireKnown(in);
        return List.of(padded(attrs, in.get(0)));
    }

    /** {@code s} with each axis grown by its pads; an unknown axis stays unknown. */
    private Shape padded(Attrs attrs, Shape s) {
        int[] w = widths(attrs, s);
        int[] out = s.dims();
        for (int i = 0; i < out.length; i++) {
            out[i] = out[i] == Shape.UNKNOWN ? Shape.UNKNOWN : out[i] + w[2 * i] + w[2 * i + 1];
        }
        return Shape.partial(out);
    }

    /**
     * Once the input's rank is known each known axis grows by its pads, as in MXNet; an unknown one stays unknown
     * (its length checks wait until it is known).
     */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.forwardFromRank(s -> padded(slots.attrs(), s));
    }

    /** The input index an output index {@code o} reads along one axis, or -1 for a constant element. */
    static int source(int o, int before, int len, String mode) {
        int i = o - before;
        if (i >= 0 && i < len) {
            return i;
        }
        return switch (mode) {
            case "edge" -> i < 0 ? 0 : len - 1;
            case "reflect" -> i < 0 ? -i : 2 * (len - 1) - i;
            default -> -1;
        };
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray x = call.input(0);
        String mode = call.attr(MODE);
        NDArray out = call.newOutput(0);
        if (mode.equals("constant")) {
            out.fill(call.attr(CONSTANT_VALUE));
        }
        int[] in = x.shape().dims();
        int[] dims = out.shape().dims();
        int[] w = widths(call.attrs(), x.shape());
        int r = dims.length;
        int last = r - 1;
        int[] inStrides = x.shape().strides();
        int rows = Strided.product(dims, 0, last);
        int width = dims[last];
        int len = in[last];
        int before = w[2 * last];
        int after = w[2 * last + 1];
        if (out.size() == 0 || x.size() == 0) {
            return List.of(out);
        }
        Parallel.forRange(rows, Math.max(1, 4096 / Math.max(1, width)), (from, to) -> {
            for (int row = from; row < to; row++) {
                int rem = row;
                int base = 0;
                boolean constant = false;
                for (int a = last - 1; a >= 0; a--) {
                    int o = rem % dims[a];
                    rem /= dims[a];
                    int i = source(o, w[2 * a], in[a], mode);
                    if (i < 0) {
                        constant = true;
                        break;
                    }
                    base += i * inStrides[a];
                }
                if (constant) {
                    continue;
                }
                int dst = row * width;
                Strided.copyRow(x.data(), base, 1, out.data(), dst + before, 1, len);
                switch (mode) {
                    case "edge" -> {
                        Strided.copyRow(x.data(), base, 0, out.data(), dst, 1, before);
                        Strided.copyRow(x.data(), base + len - 1, 0, out.data(), dst + before + len, 1, after);
                    }
                    case "reflect" -> {
                        Strided.copyRow(x.data(), base + before, -1, out.data(), dst, 1, before);
                        Strided.copyRow(x.data(), base + len - 2, -1, out.data(), dst + before + len, 1, after);
                    }
                    default -> {
                        // constant: the pads already hold constant_value
                    }
                }
            }
        });
        return List.of(out);
    }

    /** constant_value is an attribute and gets no gradient; data's is the output gradient with the pads folded back. */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        return g.grads(g.apply("_backward_Pad", Map.of("mode", g.attr(MODE), "pad_width", g.attr(PAD_WIDTH)),
                g.outGrad(0)));
    }
}
