package dev.kiln.op.image;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.InPlaceOption;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;

import java.util.List;
import java.util.Map;

/**
 * MXNet's {@code _image_normalize}: {@code (data[c] - mean[c]) / std[c]} per channel of a {@code (C, H, W)} tensor or
 * {@code (N, C, H, W)} batch with 1 or 3 channels; a one-element {@code mean} or {@code std} applies to every channel.
 * As in MXNet the defaults are four-element tuples, which fit no input, so callers always give both. The gradient is
 * {@code _backward_image_normalize}: the output gradient divided by {@code std[c]}.
 */
final class NormalizeOp extends ImageOp {
    static final AttrSpec<FloatTuple> MEAN = AttrSpec.of("mean", FloatTuple.TYPE, FloatTuple.of(0, 0, 0, 0),
            "per-channel means, or one mean for every channel");
    static final AttrSpec<FloatTuple> STD = AttrSpec.of("std", FloatTuple.TYPE, FloatTuple.of(1, 1, 1, 1),
            "per-channel standard deviations, or one for every channel");
    private static final List<DType> FLOATING = List.of(DType.FLOAT32, DType.FLOAT64, DType.FLOAT16, DType.BFLOAT16);

    NormalizeOp() {
        super("_image_normalize", List.of("data"), List.of(MEAN, STD));
    }

    /** The gradient op's constructor: the same attributes, inputs {@code ograd} and {@code data}. */
    NormalizeOp(String name) {
        super(name, List.of("ograd", "data"), List.of(MEAN, STD), true);
    }

    @Override
    public String doc() {
        return "normalizes a CHW or NCHW tensor per channel with a mean and a standard deviation";
    }

    @Override
    public List<InPlaceOption> inPlaceOptions(Attrs attrs) {
        return List.of(InPlaceOption.overwrite(0, 0));
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        for (DType t : inputTypes) {
            requireDType(t, FLOATING);
        }
        return super.inferTypes(attrs, inputTypes);
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape data = in.get(in.size() - 1);
        requireRank34(data, "(C, H, W)");
        int axis = data.rank() - 3;
        requireOneOrThreeChannels(data, axis);
        int channels = data.get(axis);
        for (AttrSpec<FloatTuple> spec : List.of(MEAN, STD)) {
            int n = attrs.get(spec).size();
            if (n != 1 && n != channels) {
                throw error(spec.name() + "=" + attrs.get(spec) + " must have 1 or " + channels
                        + " elements for data of shape " + data);
            }
        }
        if (in.size() == 2 && !in.get(0).equals(data)) {
            throw error("ograd " + in.get(0) + " must have data's shape " + data);
        }
        return List.of(data);
    }

    /** Output, data (and for the gradient op, ograd) share one shape. */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        int[] inputs = slots.numInputs() == 2 ? new int[] {0, 1} : new int[] {0};
        slots.unify(inputs, new int[] {0});
        slots.forward();
    }

    /**
     * Normalize's input gradient is {@code _backward_image_normalize(ograd, data)}; that op is linear in its ograd,
     * whose gradient it gives again, and gives data none.
     */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        Map<String, Object> attrs = Map.of("mean", g.attr(MEAN), "std", g.attr(STD));
        T dx = g.apply("_backward_image_normalize", attrs, g.outGrad(0), g.input(g.numInputs() - 1));
        return g.numInputs() == 2 ? g.grads(dx, null) : g.grads(dx);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        boolean backward = call.inputs().size() == 2;
        NDArray x = call.input(0);
        DType type = x.dtype();
        NDArray wide = type == DType.FLOAT32 || type == DType.FLOAT64 ? x : x.astype(DType.FLOAT32);
        int[] d = call.input(call.inputs().size() - 1).shape().dims();
        int channels = d[d.length - 3];
        int plane = d[d.length - 2] * d[d.length - 1];
        int images = x.size() / Math.max(1, channels * plane);
        FloatTuple mean = call.attr(MEAN);
        FloatTuple std = call.attr(STD);
        Object out;
        if (wide.data() instanceof double[] in) {
            double[] y = new double[in.length];
            for (int n = 0; n < images; n++) {
                for (int c = 0; c < channels; c++) {
                    double m = backward ? 0 : (float) mean.forChannel(c);
                    double s = (float) std.forChannel(c);
                    int base = (n * channels + c) * plane;
                    for (int i = base; i < base + plane; i++) {
                        y[i] = backward ? in[i] * (1.0 / s) : (in[i] - m) / s;
                    }
                }
            }
            out = y;
        } else {
            float[] in = (float[]) wide.data();
            float[] y = new float[in.length];
            for (int n = 0; n < images; n++) {
                for (int c = 0; c < channels; c++) {
                    float m = backward ? 0f : (float) mean.forChannel(c);
                    float s = (float) std.forChannel(c);
                    double inverse = 1.0 / s;
                    int base = (n * channels + c) * plane;
                    for (int i = base; i < base + plane; i++) {
                        y[i] = backward ? (float) (in[i] * inverse) : (in[i] - m) / s;
                    }
                }
            }
            out = y;
        }
        NDArray result = NDArray.wrap(x.shape(), wide.dtype(), call.device(), out);
        return List.of(result.dtype() == type ? result : result.astype(type));
    }
}
