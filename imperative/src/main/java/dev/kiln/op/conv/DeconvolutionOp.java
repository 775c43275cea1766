package dev.kiln.op.conv;

import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.IntTuple;

import java.util.List;

/**
 * MXNet's {@code Deconvolution} (transposed convolution): the adjoint of Convolution with respect to its data, taking
 * {@code weight} as (channels, num_filter / num_group, kernel...). Each output axis has
 * {@code stride * (x - 1) + dilated_kernel - 2 * pad + adj} positions. A non-zero {@code target_shape} replaces
 * {@code pad} and {@code adj} as MXNet derives them: with {@code t = stride * (x - 1) + dilated_kernel - target},
 * {@code adj = t % 2} and {@code pad = (t + 1) / 2}. Unlike Convolution, {@code no_bias} defaults to True.
 */
final class DeconvolutionOp extends ConvOpBase {
    static final AttrSpec<IntTuple> ADJ = AttrSpec.of("adj", AttrType.TUPLE, IntTuple.of(),
            "extra output size per spatial axis; ignored when target_shape is set");
    static final AttrSpec<IntTuple> TARGET_SHAPE = AttrSpec.of("target_shape", AttrType.TUPLE, IntTuple.of(),
            "output spatial shape; when set, pad and adj are derived from it");
    static final AttrSpec<Long> WORKSPACE = AttrSpec.of("workspace", AttrType.LONG, 512L,
            "temporary workspace limit in MB (accepted for compatibility; Kiln sizes its own buffers)");
    static final AttrSpec<Boolean> NO_BIAS = AttrSpec.of("no_bias", AttrType.BOOL, true,
            "whether to disable the bias input");

    DeconvolutionOp() {
        super("Deconvolution", List.of(ConvParams.KERNEL, ConvParams.STRIDE, ConvParams.DILATE, ConvParams.PAD, ADJ,
                TARGET_SHAPE, ConvParams.NUM_FILTER, ConvParams.NUM_GROUP, WORKSPACE, NO_BIAS, ConvParams.CUDNN_TUNE,
                ConvParams.CUDNN_OFF, ConvParams.LAYOUT), NO_BIAS, "_npx_deconvolution");
    }

    @Override
    public String doc() {
        return "N-D transposed convolution (fractionally strided convolution) with adj and target_shape";
    }

    /**
     * Effective padding and adjustment per spatial axis for the given channels-second data dims (with a target
     * shape, left 0 on axes whose data size is unknown).
     */
    private int[][] padAndAdj(Attrs attrs, ConvParams p, int[] dataCF) {
        IntTuple kernel = IntTuple.of(p.kernel());
        int[] adj = ConvParams.tuple(this, attrs, ADJ, kernel, 0, 0);
        IntTuple target = attrs.get(TARGET_SHAPE);
        if (!fromTarget(attrs)) {
            return new int[][] {p.pad(), adj};
        }
        if (target.size() != p.rank()) {
            throw error("target_shape=" + target + " must have as many elements as kernel=" + kernel);
        }
        int[] pad = new int[p.rank()];
        for (int i = 0; i < p.rank(); i++) {
            if (dataCF[i + 2] == Shape.UNKNOWN) {
                continue; // partial inference: the output size is the target's, pad and adj are not needed
            }
            int full = p.stride()[i] * (dataCF[i + 2] - 1) + p.dilatedKernel(i);
            int t = target.get(i);
            if (t < 0 || full < t) {
                throw error("target_shape=" + target + " is too big on spatial axis " + i + ": data of size "
                        + dataCF[i + 2] + " gives at most " + full + " with stride=" + IntTuple.of(p.stride())
                        + " and kernel=" + kernel);
            }
            adj[i] = (full - t) % 2;
            pad[i] = (full - t + 1) / 2;
        }
        return new int[][] {pad, adj};
    }

    /** True if a non-zero {@code target_shape} decides the output size. */
    private static boolean fromTarget(Attrs attrs) {
        IntTuple target = attrs.get(TARGET_SHAPE);
        for (int i = 0; i < target.size(); i++) {
            if (target.get(i) != 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        ConvParams p = params(attrs);
        Shape data = in.get(0);
        int[] d = p.dataChannelFirst(this, data);
        ConvParams.expectShape(this, "weight", in.get(1), p.layout().fromChannelFirst(weightShape(p, d)),
                "from data " + data + " (layout " + p.layout() + ", channels first, then num_filter / num_group for"
                        + " num_filter=" + p.numFilter() + ", num_group=" + p.numGroup() + ", kernel="
                        + IntTuple.of(p.kernel()) + ")");
        checkBias(p, in);
        return List.of(Shape.of(p.layout().fromChannelFirst(outputShape(attrs, p, d, data))));
    }

    /** (channels, num_filter / num_group, kernel...). */
    @Override
    int[] weightShape(ConvParams p, int[] d) {
        int[] w = new int[p.rank() + 2];
        w[0] = d[1];
        w[1] = p.numFilter() / p.numGroup();
        System.arraycopy(p.kernel(), 0, w, 2, p.rank());
        return w;
    }

    /**
     * (batch, num_filter, {@code stride * (x - 1) + dilated_kernel - 2 * pad + adj} per spatial axis); with a
     * {@code target_shape} an axis of unknown size gets the target's.
     */
    @Override
    int[] outputShape(Attrs attrs, ConvParams p, int[] d, Shape data) {
        if (p.rank() == 3) {
            for (int v : p.dilate()) {
                if (v != 1) {
                    throw error("dilate=" + IntTuple.of(p.dilate()) + " is not supported for 3-D deconvolution");
                }
            }
        }
        int[][] pa = padAndAdj(attrs, p, d);
        boolean fromTarget = fromTarget(attrs);
        int[] out = new int[p.rank() + 2];
        out[0] = d[0];
        out[1] = p.numFilter();
        for (int i = 0; i < p.rank(); i++) {
            if (d[i + 2] == Shape.UNKNOWN) {
                out[i + 2] = fromTarget ? attrs.get(TARGET_SHAPE).get(i) : Shape.UNKNOWN;
                continue;
            }
            int stride = p.stride()[i];
            if (pa[1][i] > stride - 1) {
                throw error("adj=" + IntTuple.of(pa[1]) + " must be smaller than stride=" + IntTuple.of(p.stride())
                        + " on every axis" + (attrs.get(TARGET_SHAPE).isEmpty() ? "" : " (derived from target_shape="
                        + attrs.get(TARGET_SHAPE) + ")"));
            }
            int size = stride * (d[i + 2] - 1) + p.dilatedKernel(i) - 2 * pa[0][i] + pa[1][i];
            if (size < 0) {
                throw error("pad=" + IntTuple.of(pa[0]) + " leaves no output on spatial axis " + i + " for data "
                        + data + " (" + p + ")");
            }
            out[i + 2] = size;
        }
        return out;
    }

    /**
     * The batch size from the output, the channels from the weight ({@code weight[0]}) and, without a target shape,
     * each spatial size whose output size the window arithmetic gives exactly.
     */
    @Override
    void dataFromResults(Attrs attrs, ConvParams p, int[] d, int[] w, int[] out) {
        if (w != null) {
            fill(d, 1, w[0]);
        }
        if (out == null) {
            return;
        }
        fill(d, 0, out[0]);
        if (fromTarget(attrs)) {
            return;
        }
        int[] adj = ConvParams.tuple(this, attrs, ADJ, IntTuple.of(p.kernel()), 0, 0);
        for (int i = 0; i < p.rank(); i++) {
            int stride = p.stride()[i];
            int span = out[i + 2] - p.dilatedKernel(i) + 2 * p.pad()[i] - adj[i];
            if (out[i + 2] != Shape.UNKNOWN && span >= 0 && span % stride == 0) {
                fill(d, i + 2, span / stride + 1);
            }
        }
    }

    @Override
    Window window(Attrs attrs, ConvParams p, int[] dataCF, int[] outCF) {
        int[][] pa = padAndAdj(attrs, p, dataCF);
        return Window.of(spatial(outCF), spatial(dataCF), p.kernel(), p.stride(), p.dilate(), pa[0]);
    }

    @Override
    Object run(Object x, Object w, Object bias, int batch, int channels, int filters, int groups, Window win,
               Object out) {
        if (x instanceof double[] xd) {
            return ConvKernels.deconvolution(xd, (double[]) w, (double[]) bias, batch, channels, filters, groups,
                    win, (double[]) out);
        }
        return ConvKernels.deconvolution((float[]) x, (float[]) w, (float[]) bias, batch, channels, filters, groups,
                win, (float[]) out);
    }

    /** Data gradient: the convolution of {@code dy}. */
    @Override
    Object runDataGrad(Object dy, Object w, int batch, int channels, int filters, int groups, Window win,
                       Object out) {
        if (dy instanceof double[] d) {
            return ConvKernels.convolution(d, (double[]) w, null, batch, filters, channels, groups, win, null,
                    (double[]) out);
        }
        return ConvKernels.convolution((float[]) dy, (float[]) w, null, batch, filters, channels, groups, win, null,
                (float[]) out);
    }

    /** Weight gradient: data times im2col of {@code dy}. */
    @Override
    Object runWeightGrad(Object dy, Object x, int batch, int channels, int filters, int groups, Window win,
                         Object out) {
        if (dy instanceof double[] d) {
            return ConvGradKernels.weightGrad((double[]) x, d, batch, channels, filters, groups, win, (double[]) out);
        }
        return ConvGradKernels.weightGrad((float[]) x, (float[]) dy, batch, channels, filters, groups, win,
                (float[]) out);
    }
}
