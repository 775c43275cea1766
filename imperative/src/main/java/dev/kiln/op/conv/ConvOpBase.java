package dev.kiln.op.conv;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;

import java.util.Arrays;
import java.util.List;

/**
 * What Convolution and Deconvolution share: inputs {@code data, weight[, bias]} by {@code no_bias}, floating dtypes,
 * and a compute path that widens half precision, permutes channels-last layouts to channels second, runs the GEMM
 * kernel and permutes back. Subclasses give the geometry and the kernel.
 */
abstract class ConvOpBase extends OpDef {
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

    @Override
    public final List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        FloatingKernels.requireFloating(this, inputNames(attrs), inputTypes);
        return super.inferTypes(attrs, inputTypes);
    }

    /** The window from channels-second data and output dims. */
    abstract Window window(Attrs attrs, ConvParams p, int[] dataCF, int[] outCF);

    /** Runs the kernel on channels-second float32 or float64 backing arrays ({@code bias} may be null). */
    abstract Object run(Object x, Object w, Object bias, int batch, int channels, int filters, int groups, Window win);

    /**
     * The data and weight gradients {@code {dx, dw}} on channels-second backing arrays: {@code dy} is the output
     * gradient, {@code x} and {@code w} the forward data and weight, the window as {@link #window} gives it.
     */
    abstract Object[] runBackward(Object dy, Object x, Object w, int batch, int channels, int filters, int groups,
                                  Window win);

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
                p.numGroup(), win);
        NDArray out = NDArray.wrap(Shape.of(outCF), x.dtype(), call.device(), y);
        return List.of(FloatingKernels.narrow(layout.fromChannelFirst(out), call.outputTypes().get(0)));
    }

    /** Spatial dims (axes 2...) of channels-second dims. */
    static int[] spatial(int[] dimsCF) {
        return Arrays.copyOfRange(dimsCF, 2, dimsCF.length);
    }
}
