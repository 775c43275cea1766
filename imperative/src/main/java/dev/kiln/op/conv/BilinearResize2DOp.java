package dev.kiln.op.conv;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.TypeSlots;
import dev.kiln.parallel.Parallel;

import java.util.List;

/**
 * MXNet's {@code _contrib_BilinearResize2D}: bilinear resizing of NCHW data to a size chosen by {@code mode}.
 * {@code size} uses {@code height}/{@code width}, or the input size times {@code scale_height}/{@code scale_width}
 * (truncated) when {@code scale_height} is given (MXNet then reads both scales and ignores {@code scale_width} alone);
 * {@code odd_scale} maps an odd size x to {@code (x - 1) * scale + 1}; {@code like} takes the second input's height
 * and width; {@code to_even_down/up} and {@code to_odd_down/up} move odd or even sizes by one. With
 * {@code align_corners} (the default, True) corner pixels map onto corner pixels; without it pixel centres scale
 * and source positions below zero clamp to zero. Source coordinates and weights are computed in float32, as in MXNet.
 */
final class BilinearResize2DOp extends OpDef {
    static final AttrSpec<Integer> HEIGHT = AttrSpec.of("height", AttrType.INT, 1,
            "output height in mode 'size' when scale_height is not given");
    static final AttrSpec<Integer> WIDTH = AttrSpec.of("width", AttrType.INT, 1,
            "output width in mode 'size' when scale_height is not given");
    static final AttrSpec<Double> SCALE_HEIGHT = AttrSpec.optional("scale_height", AttrType.FLOAT,
            "height factor for modes 'size' and 'odd_scale'");
    static final AttrSpec<Double> SCALE_WIDTH = AttrSpec.optional("scale_width", AttrType.FLOAT,
            "width factor for modes 'size' and 'odd_scale'");
    static final AttrSpec<String> MODE = AttrSpec.of("mode", AttrType.oneOf("size", "odd_scale", "like",
            "to_even_down", "to_even_up", "to_odd_down", "to_odd_up"), "size", "how the output size is chosen");
    static final AttrSpec<Boolean> ALIGN_CORNERS = AttrSpec.of("align_corners", AttrType.BOOL, true,
            "map corner pixels onto corner pixels instead of scaling pixel centres");

    BilinearResize2DOp() {
        super("_contrib_BilinearResize2D", OpFamily.NN, List.of("data", "like"),
                List.of(HEIGHT, WIDTH, SCALE_HEIGHT, SCALE_WIDTH, MODE, ALIGN_CORNERS));
    }

    @Override
    public String doc() {
        return "bilinear resizing of NCHW data to a given size, scale, parity or the size of another array";
    }

    @Override
    public List<String> inputNames(Attrs attrs) {
        return attrs.get(MODE).equals("like") ? List.of("data", "like") : List.of("data");
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        FloatingKernels.requireFloating(this, List.of("data"), List.of(inputTypes.get(0)));
        return List.of(inputTypes.get(0));
    }

    /**
     * The output keeps the data's floating dtype; {@code like} lends only its shape, so any dtype will do, and as in
     * MXNet it takes the data's when unknown.
     */
    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.unify(new int[] {0}, new int[] {0});
        if (slots.numInputs() == 2 && !slots.inputKnown(1)) {
            slots.assignInput(1, slots.input(0));
        }
        slots.forward();
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape data = in.get(0);
        if (data.rank() != 4) {
            throw error("data must be 4-D (batch, channel, height, width), got " + data);
        }
        if (attrs.get(HEIGHT) < 1 || attrs.get(WIDTH) < 1) {
            throw error("height=" + attrs.get(HEIGHT) + " and width=" + attrs.get(WIDTH) + " must be at least 1");
        }
        int h = data.get(2);
        int w = data.get(3);
        int oh;
        int ow;
        switch (attrs.get(MODE)) {
            case "size" -> {
                if (attrs.get(SCALE_HEIGHT) != null) {
                    oh = (int) (scale(attrs, SCALE_HEIGHT) * h);
                    ow = (int) (scale(attrs, SCALE_WIDTH) * w);
                } else {
                    oh = attrs.get(HEIGHT);
                    ow = attrs.get(WIDTH);
                }
            }
            case "odd_scale" -> {
                float sh = scale(attrs, SCALE_HEIGHT);
                float sw = scale(attrs, SCALE_WIDTH);
                oh = h % 2 == 0 ? (int) (h * sh) : (int) ((h - 1) * sh) + 1;
                ow = w % 2 == 0 ? (int) (w * sw) : (int) ((w - 1) * sw) + 1;
            }
            case "like" -> {
                Shape like = in.get(1);
                if (like.rank() != 4) {
                    throw error("like must be 4-D (batch, channel, height, width), got " + like);
                }
                oh = like.get(2);
                ow = like.get(3);
            }
            case "to_even_down" -> {
                oh = h % 2 == 0 ? h : h - 1;
                ow = w % 2 == 0 ? w : w - 1;
            }
            case "to_even_up" -> {
                oh = h % 2 == 0 ? h : h + 1;
                ow = w % 2 == 0 ? w : w + 1;
            }
            case "to_odd_down" -> {
                oh = h % 2 == 1 ? h : h - 1;
                ow = w % 2 == 1 ? w : w - 1;
            }
            default -> {
                oh = h % 2 == 1 ? h : h + 1;
                ow = w % 2 == 1 ? w : w + 1;
            }
        }
        if ((h == 0 || w == 0) && oh * ow > 0) {
            throw error("cannot resize data " + data + " with an empty spatial axis to (" + oh + ", " + ow + ")");
        }
        if (oh < 0 || ow < 0) {
            throw error("mode='" + attrs.get(MODE) + "' gives a negative output size (" + oh + ", " + ow
                    + ") for data " + data);
        }
        return List.of(Shape.of(data.get(0), data.get(1), oh, ow));
    }

    private float scale(Attrs attrs, AttrSpec<Double> spec) {
        Double v = attrs.get(spec);
        if (v == null) {
            throw error(spec.name() + " is required in mode='" + attrs.get(MODE) + "'"
                    + (attrs.get(MODE).equals("size") ? " when scale_height is given" : ""));
        }
        return v.floatValue();
    }

    /** {@code data} gets its gradient from {@code _backward_contrib_BilinearResize2D(ograd, data)}; {@code like} none. */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        T dx = SpatialBackwardOp.applyBackward(g, g.outGrad(0), g.input(0)).get(0);
        return g.numInputs() == 2 ? g.grads(dx, null) : g.grads(dx);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray x = FloatingKernels.widen(call.input(0));
        Shape outShape = call.outputShapes().get(0);
        int[] d = x.shape().dims();
        Object y = resize(x.data(), d[0] * d[1], d[2], d[3], outShape.get(2), outShape.get(3),
                call.attr(ALIGN_CORNERS));
        NDArray out = NDArray.wrap(outShape, x.dtype(), call.device(), y);
        return List.of(FloatingKernels.narrow(out, call.outputTypes().get(0)));
    }

    /** Source index, neighbour step and weight of the far neighbour for each output index along one axis. */
    record Axis(int[] index, int[] step, float[] far) {
        static Axis of(int in, int out, boolean alignCorners) {
            float scale = out > 1 ? (alignCorners ? (float) (in - 1) / (out - 1) : (float) in / out) : 0f;
            int[] index = new int[out];
            int[] step = new int[out];
            float[] far = new float[out];
            for (int o = 0; o < out; o++) {
                float src;
                if (in == out) {
                    src = o;
                } else if (alignCorners) {
                    src = scale * o;
                } else {
                    src = (float) (scale * (o + 0.5) - 0.5);
                    src = src < 0 ? 0f : src;
                }
                index[o] = (int) src;
                step[o] = index[o] < in - 1 ? 1 : 0;
                far[o] = src - index[o];
            }
            return new Axis(index, step, far);
        }
    }

    /**
     * One output row: its columns' weights {@code ax}, the source row's start {@code rowTop}, the offset
     * {@code rowStep} to the next source row, the output row's start {@code o} and the next row's weight {@code l1}.
     */
    @FunctionalInterface
    interface RowBody {
        void run(Axis ax, int rowTop, int rowStep, int o, float l1);
    }

    /**
     * Visits every output row of {@code planes} planes resized from {@code h x w} to {@code oh x ow}, planes split
     * across threads.
     */
    static void forEachRow(int planes, int h, int w, int oh, int ow, boolean alignCorners, RowBody body) {
        Axis ay = Axis.of(h, oh, alignCorners);
        Axis ax = Axis.of(w, ow, alignCorners);
        int inPlane = h * w;
        int outPlane = oh * ow;
        Parallel.forRange(planes, Math.max(1, (1 << 14) / Math.max(1, outPlane)), (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                for (int oy = 0; oy < oh; oy++) {
                    body.run(ax, plane * inPlane + ay.index()[oy] * w, ay.step()[oy] * w, plane * outPlane + oy * ow,
                            ay.far()[oy]);
                }
            }
        });
    }

    private static Object resize(Object x, int planes, int h, int w, int oh, int ow, boolean alignCorners) {
        int outPlane = oh * ow;
        Object y = x instanceof double[] ? new double[planes * outPlane] : new float[planes * outPlane];
        forEachRow(planes, h, w, oh, ow, alignCorners, (ax, rowTop, rowStep, o, far) -> {
            if (x instanceof float[] xs) {
                float[] ys = (float[]) y;
                float l1 = far;
                float l0 = 1f - l1;
                for (int ox = 0; ox < ow; ox++) {
                    int p = rowTop + ax.index()[ox];
                    int s = ax.step()[ox];
                    float c1 = ax.far()[ox];
                    float c0 = 1f - c1;
                    ys[o + ox] = l0 * (c0 * xs[p] + c1 * xs[p + s])
                            + l1 * (c0 * xs[p + rowStep] + c1 * xs[p + rowStep + s]);
                }
            } else {
                double[] xs = (double[]) x;
                double[] ys = (double[]) y;
                double l1 = far;
                double l0 = 1.0 - l1;
                for (int ox = 0; ox < ow; ox++) {
                    int p = rowTop + ax.index()[ox];
                    int s = ax.step()[ox];
                    double c1 = ax.far()[ox];
                    double c0 = 1.0 - c1;
                    ys[o + ox] = l0 * (c0 * xs[p] + c1 * xs[p + s])
                            + l1 * (c0 * xs[p + rowStep] + c1 * xs[p + rowStep + s]);
                }
            }
        });
        return y;
    }
}
