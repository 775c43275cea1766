package dev.kiln.op.conv;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpFamily;
import dev.kiln.op.ShapeSlots;

import java.util.Arrays;
import java.util.List;

/**
 * What Convolution and Deconvolution share: inputs {@code data, weight[, bias]} by {@code no_bias}, floating dtypes,
 * and a compute path that widens half precision, permutes channels-last layouts to channels second, runs the GEMM
 * kernel and permutes back. Subclasses give the geometry and the kernel.
 */
abstract class ConvOpBase extends FloatingOp {
    private static final List<String> WITH_BIAS = List.of("data", "weight", "bias");
    private static final List<String> WITHOUT_BIAS = List.of("data", "weight");

    private final AttrSpec<Boolean> noBias;

    ConvOpBase(String name, List<AttrSpec<?>> attrs, AttrSpec<Boolean> noBias, String... aliases) {
        super(name, OpFamily.NN, WITH_BIAS, attrs, aliases);
        this.noBias = noBias;
    }

    /** The checked shared attributes. */
    final ConvParams params(Attrs attrs) {
        return ConvParams.parse(this, attrs, noBias);
    }

    @Override
    public final List<String> inputNames(Attrs attrs) {
        return attrs.get(noBias) ? WITHOUT_BIAS : WITH_BIAS;
    }

    /**
     * MXNet's partial inference, both ways: the bias is (num_filter,); the data's rank follows from the kernel; the
     * data gets its batch size from the output, its channels from the weight and, where the subclass can invert the
     * window arithmetic, its spatial sizes from the output; then the weight and output follow from the data, unknown
     * dims staying unknown. Layouts are handled here, subclasses see channels-second dims.
     */
    @Override
    public final void inferShapesPartial(ShapeSlots slots) {
        Attrs attrs = slots.attrs();
        ConvParams p = params(attrs);
        SpatialLayout layout = p.layout();
        if (!p.noBias()) {
            slots.assignInput(2, Shape.of(p.numFilter()));
        }
        int[] d = dataChannelFirst(p, slots.input(0));
        dataFromResults(attrs, p, d, channelFirst(p, slots.input(1)), channelFirst(p, slots.output(0)));
        slots.assignInput(0, Shape.partial(layout.fromChannelFirst(d)));
        d = dataChannelFirst(p, slots.input(0));
        slots.assignInput(1, Shape.partial(layout.fromChannelFirst(weightShape(p, d))));
        slots.assignOutput(0, Shape.partial(layout.fromChannelFirst(outputShape(attrs, p, d, slots.input(0)))));
        slots.forward();
    }

    /** The data's dims channels second, checked against the kernel's rank; all unknown while its rank is. */
    private int[] dataChannelFirst(ConvParams p, Shape data) {
        if (!ShapeSlots.isRankKnown(data)) {
            return ShapeSlots.unknownDims(p.rank() + 2).dims();
        }
        return p.dataChannelFirst(this, data);
    }

    /** A weight's or output's dims channels second, or {@code null} unless its rank is the data's. */
    private static int[] channelFirst(ConvParams p, Shape s) {
        return ShapeSlots.isRankKnown(s) && s.rank() == p.rank() + 2 ? p.layout().toChannelFirst(s.dims()) : null;
    }

    /** The weight's dims (channels second) for data dims, {@link Shape#UNKNOWN} where they depend on unknown ones. */
    abstract int[] weightShape(ConvParams p, int[] dataCF);

    /**
     * The output's dims (channels second) for data dims that may hold {@link Shape#UNKNOWN}, failing for a window
     * that does not fit known dims; {@code data} is the data shape as given, for errors.
     */
    abstract int[] outputShape(Attrs attrs, ConvParams p, int[] dataCF, Shape data);

    /**
     * Fills unknown data dims (channels second, in place) from what the weight and output dims say ({@code null}
     * where unknown): the batch size from the output, the channels from the weight, spatial sizes where the window
     * arithmetic can be inverted.
     */
    abstract void dataFromResults(Attrs attrs, ConvParams p, int[] dataCF, int[] weightCF, int[] outCF);

    /** Sets {@code dims[i]} to {@code value} if it is unknown and the value known. */
    static void fill(int[] dims, int i, int value) {
        if (dims[i] == Shape.UNKNOWN && value != Shape.UNKNOWN) {
            dims[i] = value;
        }
    }

    /** The window from channels-second data and output dims. */
    abstract Window window(Attrs attrs, ConvParams p, int[] dataCF, int[] outCF);

    /**
     * Runs the kernel on channels-second float32 or float64 backing arrays ({@code bias} may be null), writing every
     * element of {@code out} when given ({@link #directOutput}), else a new array.
     */
    abstract Object run(Object x, Object w, Object bias, int batch, int channels, int filters, int groups, Window win,
                        Object out);

    /**
     * The data gradient on channels-second backing arrays: {@code dy} is the output gradient, {@code w} the forward
     * weight, the window as {@link #window} gives it; into {@code out} as {@link #run} does.
     */
    abstract Object runDataGrad(Object dy, Object w, int batch, int channels, int filters, int groups, Window win,
                                Object out);

    /**
     * The weight gradient on channels-second backing arrays, from the output gradient {@code dy} and data {@code x};
     * into {@code out} as {@link #run} does.
     */
    abstract Object runWeightGrad(Object dy, Object x, int batch, int channels, int filters, int groups, Window win,
                                  Object out);

    /** The kernels write every element of the arrays {@link #directOutput} hands them. */
    @Override
    public final boolean fillsOutputs(Attrs attrs) {
        return true;
    }

    /**
     * The backing array of output {@code i} (the executor's planned one, or a new one) when the kernel's result is the
     * output as it is (float32 or float64, not {@code permuted} from channels last); null when it must be converted
     * afterwards, and the kernel then allocates its own.
     */
    static Object directOutput(Invocation call, int i, boolean permuted) {
        DType t = call.outputTypes().get(i);
        return !permuted && (t == DType.FLOAT32 || t == DType.FLOAT64) ? call.newOutput(i).data() : null;
    }

    /** All input gradients at once from {@code _backward_<name>(ograd, data, weight[, bias])}. */
    @Override
    public final <T> List<T> gradient(Gradient<T> g) {
        return g.numInputs() == 3
                ? SpatialBackwardOp.applyBackward(g, g.outGrad(0), g.input(0), g.input(1), g.input(2))
                : SpatialBackwardOp.applyBackward(g, g.outGrad(0), g.input(0), g.input(1));
    }

    /** Checks the optional bias against (num_filter,). */
    final void checkBias(ConvParams p, List<Shape> in) {
        if (!p.noBias()) {
            ConvParams.expectShape(this, "bias", in.get(2), new int[] {p.numFilter()},
                    "(num_filter,) for num_filter=" + p.numFilter());
        }
    }

    @Override
    public final List<NDArray> compute(Invocation call) {
        ConvParams p = params(call.attrs());
        SpatialLayout layout = p.layout();
        NDArray x = layout.toChannelFirst(FloatingKernels.widen(call.input(0)));
        NDArray w = layout.toChannelFirst(FloatingKernels.widen(call.input(1)));
        NDArray b = p.noBias() ? null : FloatingKernels.widen(call.input(2));
        int[] xd = x.shape().dims();
        int[] outCF = layout.toChannelFirst(call.outputShapes().get(0).dims());
        Window win = window(call.attrs(), p, xd, outCF);
        Object y = run(x.data(), w.data(), b == null ? null : b.data(), xd[0], xd[1], p.numFilter(),
                p.numGroup(), win, directOutput(call, 0, layout.channelLast()));
        NDArray out = NDArray.wrap(Shape.of(outCF), x.dtype(), call.device(), y);
        return List.of(FloatingKernels.narrow(layout.fromChannelFirst(out), call.outputTypes().get(0)));
    }

    /** Spatial dims (axes 2...) of channels-second dims. */
    static int[] spatial(int[] dimsCF) {
        return Arrays.copyOfRange(dimsCF, 2, dimsCF.length);
    }
}
