package dev.kiln.op.conv;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpFamily;
import dev.kiln.op.ShapeSlots;
import dev.kiln.parallel.Parallel;

import java.util.ArrayList;
import java.util.List;

/**
 * MXNet's {@code UpSampling} on NCHW data. {@code nearest} repeats each pixel {@code scale} times along height and
 * width; with several inputs ({@code arg0, arg1, ...}) each is repeated up to the first one's upsampled size and the
 * results are concatenated along channels or summed ({@code multi_input_mode}). {@code bilinear} is MXNet's
 * depthwise Deconvolution of {@code data} with the given {@code weight} (channels, 1, k, k), where
 * {@code k = 2 * scale - scale % 2}, stride {@code scale} and pad {@code ceil((scale - 1) / 2)}.
 */
final class UpSamplingOp extends FloatingOp {
    static final AttrSpec<Integer> SCALE = AttrSpec.required("scale", AttrType.INT, "upsampling factor");
    static final AttrSpec<Integer> NUM_FILTER = AttrSpec.of("num_filter", AttrType.INT, 0,
            "channels of data; bilinear only, where it must equal the channel count");
    static final AttrSpec<String> SAMPLE_TYPE = AttrSpec.required("sample_type",
            AttrType.oneOf("nearest", "bilinear"), "upsampling method");
    static final AttrSpec<String> MULTI_INPUT_MODE = AttrSpec.of("multi_input_mode", AttrType.oneOf("concat", "sum"),
            "concat", "how several nearest inputs combine: concat along channels or sum");
    static final AttrSpec<Integer> NUM_ARGS = AttrSpec.required("num_args", AttrType.INT,
            "number of inputs for nearest (1 or more); bilinear takes data and weight");
    static final AttrSpec<Long> WORKSPACE = AttrSpec.of("workspace", AttrType.LONG, 512L,
            "temporary workspace limit in MB for bilinear (accepted for compatibility)");

    UpSamplingOp() {
        super("UpSampling", OpFamily.NN, List.of("data"),
                List.of(SCALE, NUM_FILTER, SAMPLE_TYPE, MULTI_INPUT_MODE, NUM_ARGS, WORKSPACE));
    }

    @Override
    public String doc() {
        return "nearest-neighbour or bilinear (depthwise deconvolution) upsampling of NCHW data";
    }

    private static boolean bilinear(Attrs attrs) {
        return attrs.get(SAMPLE_TYPE).equals("bilinear");
    }

    /** Kernel size of the bilinear deconvolution. */
    private static int kernel(int scale) {
        return 2 * scale - scale % 2;
    }

    @Override
    public List<String> inputNames(Attrs attrs) {
        if (bilinear(attrs)) {
            return List.of("data", "weight");
        }
        int n = attrs.get(NUM_ARGS);
        if (n < 1) {
            throw error("num_args=" + n + " must be at least 1");
        }
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add("arg" + i);
        }
        return names;
    }

    /**
     * Bilinear upsampling's weight is (num_filter, 1, k, k) from the attributes alone, as are the data's channels;
     * one input (either mode)
     * gives the output (batch, channels, height * scale, width * scale), unknown dims staying unknown; several nearest
     * inputs are inferred once all are known.
     */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        int scale = slots.attrs().get(SCALE);
        boolean bilinear = bilinear(slots.attrs());
        int filters = slots.attrs().get(NUM_FILTER);
        if (scale >= 1 && bilinear && filters >= 1) {
            int k = kernel(scale);
            slots.assignInput(1, Shape.of(filters, 1, k, k));
            if (!ShapeSlots.isRankKnown(slots.input(0)) || slots.input(0).rank() == 4) {
                slots.learnInput(0, ShapeSlots.unknownDims(4).with(1, filters));
            }
        }
        Shape data = slots.input(0);
        if (scale >= 1 && (bilinear || slots.numInputs() == 1) && ShapeSlots.isRankKnown(data) && data.rank() == 4) {
            slots.assignOutput(0, Shape.partial(data.get(0), data.get(1), times(data.get(2), scale),
                    times(data.get(3), scale)));
        }
        slots.forward();
    }

    private static int times(int dim, int scale) {
        return dim == Shape.UNKNOWN ? Shape.UNKNOWN : dim * scale;
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        int scale = attrs.get(SCALE);
        if (scale < 1) {
            throw error("scale=" + scale + " must be at least 1");
        }
        List<String> names = inputNames(attrs);
        Shape first = in.get(0);
        if (first.rank() != 4) {
            throw error("input '" + names.get(0) + "' must be 4-D (batch, channel, height, width), got " + first);
        }
        int[] out = first.dims();
        out[2] *= scale;
        out[3] *= scale;
        if (bilinear(attrs)) {
            int k = kernel(scale);
            ConvParams.expectShape(this, "weight", in.get(1), new int[] {first.get(1), 1, k, k},
                    "(channels, 1, k, k) with k = 2 * scale - scale % 2 for data " + first + " and scale=" + scale);
            int nf = attrs.get(NUM_FILTER);
            if (nf != first.get(1)) {
                throw error("num_filter=" + nf + " must equal the channels of data " + first
                        + " for sample_type='bilinear'");
            }
            return List.of(Shape.of(out));
        }
        boolean sum = attrs.get(MULTI_INPUT_MODE).equals("sum");
        int channels = 0;
        for (int i = 0; i < in.size(); i++) {
            Shape s = in.get(i);
            String name = names.get(i);
            if (s.rank() != 4) {
                throw error("input '" + name + "' must be 4-D (batch, channel, height, width), got " + s);
            }
            if (s.get(0) != first.get(0)) {
                throw error("input '" + name + "' " + s + " has batch " + s.get(0) + " but '" + names.get(0) + "' "
                        + first + " has " + first.get(0));
            }
            if (s.get(2) == 0 || s.get(3) == 0 || out[2] % s.get(2) != 0 || out[3] % s.get(3) != 0
                    || out[2] / s.get(2) != out[3] / s.get(3)) {
                throw error("input '" + name + "' " + s + " cannot be upsampled by one integer factor to the output "
                        + "size (" + out[2] + ", " + out[3] + ") of '" + names.get(0) + "' " + first + " at scale="
                        + scale);
            }
            if (sum) {
                if (i > 0 && s.get(1) != channels) {
                    throw error("input '" + name + "' " + s + " has " + s.get(1) + " channels but "
                            + "multi_input_mode='sum' needs " + channels + " like '" + names.get(0) + "'");
                }
                channels = s.get(1);
            } else {
                channels += s.get(1);
            }
        }
        out[1] = channels;
        return List.of(Shape.of(out));
    }

    /** The depthwise deconvolution window of bilinear upsampling from data dims to the output shape. */
    static Window bilinearWindow(Attrs attrs, int[] data, Shape out) {
        int s = attrs.get(SCALE);
        int k = kernel(s);
        int p = s / 2; // ceil((s - 1) / 2) for integer s
        return Window.of(new int[] {out.get(2), out.get(3)}, new int[] {data[2], data[3]}, new int[] {k, k},
                new int[] {s, s}, new int[] {1, 1}, new int[] {p, p});
    }

    static boolean isBilinear(Attrs attrs) {
        return bilinear(attrs);
    }

    /** Every input's gradient at once from {@code _backward_UpSampling(ograd, inputs...)}. */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        List<T> in = new ArrayList<>(g.numInputs() + 1);
        in.add(g.outGrad(0));
        for (int i = 0; i < g.numInputs(); i++) {
            in.add(g.input(i));
        }
        return SpatialBackwardOp.applyBackward(g, in);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        Attrs attrs = call.attrs();
        Shape outShape = call.outputShapes().get(0);
        NDArray x0 = FloatingKernels.widen(call.input(0));
        Object y;
        if (bilinear(attrs)) {
            int[] d = x0.shape().dims();
            Window win = bilinearWindow(attrs, d, outShape);
            Object w = FloatingKernels.widen(call.input(1)).data();
            y = x0.data() instanceof double[] xd
                    ? ConvKernels.deconvolution(xd, (double[]) w, null, d[0], d[1], d[1], d[1], win)
                    : ConvKernels.deconvolution((float[]) x0.data(), (float[]) w, null, d[0], d[1], d[1], d[1], win);
        } else {
            y = x0.data() instanceof double[] ? new double[outShape.size()] : new float[outShape.size()];
            boolean sum = attrs.get(MULTI_INPUT_MODE).equals("sum");
            int channelStart = 0;
            for (int i = 0; i < call.inputs().size(); i++) {
                NDArray xi = FloatingKernels.widen(call.input(i));
                nearest(xi.data(), xi.shape().dims(), y, outShape.dims(), sum ? 0 : channelStart, sum && i > 0);
                channelStart += xi.shape().get(1);
            }
        }
        NDArray out = NDArray.wrap(outShape, x0.dtype(), call.device(), y);
        return List.of(FloatingKernels.narrow(out, call.outputTypes().get(0)));
    }

    /** Writes (or adds) {@code x} repeated to the output size into output channels from {@code channelStart}. */
    private static void nearest(Object x, int[] xd, Object y, int[] yd, int channelStart, boolean add) {
        int h = xd[2];
        int w = xd[3];
        int oh = yd[2];
        int ow = yd[3];
        int f = oh / h;
        int planes = xd[0] * xd[1];
        int[] col = new int[ow];
        for (int ox = 0; ox < ow; ox++) {
            col[ox] = ox / f;
        }
        Parallel.forRange(planes, Math.max(1, (1 << 14) / Math.max(1, oh * ow)), (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int n = plane / xd[1];
                int c = plane % xd[1];
                int src = plane * h * w;
                int dst = (n * yd[1] + channelStart + c) * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    int row = src + (oy / f) * w;
                    int o = dst + oy * ow;
                    if (x instanceof float[] xs) {
                        float[] ys = (float[]) y;
                        for (int ox = 0; ox < ow; ox++) {
                            ys[o + ox] = add ? ys[o + ox] + xs[row + col[ox]] : xs[row + col[ox]];
                        }
                    } else {
                        double[] xs = (double[]) x;
                        double[] ys = (double[]) y;
                        for (int ox = 0; ox < ow; ox++) {
                            ys[o + ox] = add ? ys[o + ox] + xs[row + col[ox]] : xs[row + col[ox]];
                        }
                    }
                }
            }
        });
    }
}
