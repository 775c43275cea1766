package dev.kiln.op.conv;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.DerivedWeights;
import dev.kiln.op.Invocation;
import dev.kiln.op.IntTuple;
import dev.kiln.op.OpDef;
import dev.kiln.op.OutputEpilogue;
import dev.kiln.op.PooledOutputOp;

import java.util.List;

/**
 * MXNet's {@code Convolution}: 1-D, 2-D or 3-D cross-correlation of {@code data} with {@code weight}
 * (num_filter, channels / num_group, kernel...) plus an optional bias, with stride, dilation, zero padding and channel
 * groups. Each output axis has {@code (x + 2 * pad - dilated_kernel) / stride + 1} positions (floor division).
 * Channels-last layouts ({@code NWC}, {@code NHWC}, {@code NDHWC}) take data, weight and output channels last.
 */
final class ConvolutionOp extends ConvOpBase implements PooledOutputOp {
    static final AttrSpec<Long> WORKSPACE = AttrSpec.of("workspace", AttrType.LONG, 1024L,
            "temporary workspace limit in MB (accepted for compatibility; Kiln sizes its own buffers)");
    static final AttrSpec<Boolean> NO_BIAS = AttrSpec.of("no_bias", AttrType.BOOL, false,
            "whether to disable the bias input");

    ConvolutionOp() {
        super("Convolution", List.of(ConvParams.KERNEL, ConvParams.STRIDE, ConvParams.DILATE, ConvParams.PAD,
                ConvParams.NUM_FILTER, ConvParams.NUM_GROUP, WORKSPACE, NO_BIAS, ConvParams.CUDNN_TUNE,
                ConvParams.CUDNN_OFF, ConvParams.LAYOUT), NO_BIAS, "_npx_convolution");
    }

    @Override
    public String doc() {
        return "N-D convolution (cross-correlation) with stride, dilation, padding and groups";
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        ConvParams p = params(attrs);
        Shape data = in.get(0);
        int[] d = p.dataChannelFirst(this, data);
        ConvParams.expectShape(this, "weight", in.get(1), p.layout().fromChannelFirst(weightShape(p, d)),
                "from data " + data + " (layout " + p.layout() + ", num_filter=" + p.numFilter() + ", num_group="
                        + p.numGroup() + ", kernel=" + IntTuple.of(p.kernel()) + ")");
        checkBias(p, in);
        return List.of(Shape.of(p.layout().fromChannelFirst(outputShape(attrs, p, d, data))));
    }

    /** (num_filter, channels / num_group, kernel...). */
    @Override
    int[] weightShape(ConvParams p, int[] d) {
        int[] w = new int[p.rank() + 2];
        w[0] = p.numFilter();
        w[1] = d[1] == Shape.UNKNOWN ? Shape.UNKNOWN : d[1] / p.numGroup();
        System.arraycopy(p.kernel(), 0, w, 2, p.rank());
        return w;
    }

    /** (batch, num_filter, (x + 2 * pad - dilated_kernel) / stride + 1 per spatial axis). */
    @Override
    int[] outputShape(Attrs attrs, ConvParams p, int[] d, Shape data) {
        int[] out = new int[p.rank() + 2];
        out[0] = d[0];
        out[1] = p.numFilter();
        for (int i = 0; i < p.rank(); i++) {
            if (d[i + 2] == Shape.UNKNOWN) {
                out[i + 2] = Shape.UNKNOWN;
                continue;
            }
            int padded = d[i + 2] + 2 * p.pad()[i];
            int dk = p.dilatedKernel(i);
            if (dk > padded) {
                throw error("kernel=" + IntTuple.of(p.kernel()) + " (dilated extent " + dk + " on spatial axis " + i
                        + ") exceeds data " + data + " padded to " + padded + " on that axis (pad="
                        + IntTuple.of(p.pad()) + ", dilate=" + IntTuple.of(p.dilate()) + ")");
            }
            out[i + 2] = (padded - dk) / p.stride()[i] + 1;
        }
        return out;
    }

    /**
     * As MXNet: the batch size from the output and, where the stride is 1, each spatial size
     * ({@code out - 1 + dilated_kernel - 2 * pad}); also the channels from the weight ({@code weight[1] * num_group}).
     */
    @Override
    void dataFromResults(Attrs attrs, ConvParams p, int[] d, int[] w, int[] out) {
        if (w != null && w[1] != Shape.UNKNOWN) {
            fill(d, 1, w[1] * p.numGroup());
        }
        if (out == null) {
            return;
        }
        fill(d, 0, out[0]);
        for (int i = 0; i < p.rank(); i++) {
            int o = out[i + 2];
            int x = o - 1 + p.dilatedKernel(i) - 2 * p.pad()[i];
            if (p.stride()[i] == 1 && o != Shape.UNKNOWN && x >= 0) {
                fill(d, i + 2, x);
            }
        }
    }

    @Override
    Window window(Attrs attrs, ConvParams p, int[] dataCF, int[] outCF) {
        return Window.of(spatial(dataCF), spatial(outCF), p.kernel(), p.stride(), p.dilate(), p.pad());
    }

    @Override
    Object run(Object x, Object w, Object bias, int batch, int channels, int filters, int groups, Window win,
               Object out) {
        if (x instanceof double[] xd) {
            return ConvKernels.convolution(xd, (double[]) w, (double[]) bias, batch, channels, filters, groups, win,
                    null, (double[]) out);
        }
        return ConvKernels.convolution((float[]) x, (float[]) w, (float[]) bias, batch, channels, filters, groups,
                win, null, (float[]) out);
    }

    /** Float32 and float64 in a channels-first layout, where the kernel's result is the output as it is. */
    @Override
    public boolean acceptsEpilogue(Attrs attrs, DType dtype) {
        return (dtype == DType.FLOAT32 || dtype == DType.FLOAT64) && !params(attrs).layout().channelLast();
    }

    /** The convolution with {@code epilogue} run on each output image once its bias is added. */
    @Override
    public NDArray computeWithEpilogue(Invocation call, OutputEpilogue epilogue) {
        return computeWithEpilogue(call, epilogue, null);
    }

    /**
     * The convolution with {@code epilogue}, a float32 layer that runs as Winograd's F(2x2, 3x3) keeping its
     * transformed filters in {@code derived} (when not null) from call to call, which also lets it take Winograd's
     * path over fewer tiles ({@link WinogradConv#applies}).
     */
    @Override
    public NDArray computeWithEpilogue(Invocation call, OutputEpilogue epilogue, DerivedWeights derived) {
        ConvParams p = params(call.attrs());
        DType t = call.outputTypes().get(0);
        if (!acceptsEpilogue(call.attrs(), t)) {
            throw error("an epilogue needs float32 or float64 in a channels-first layout, got " + t + " and layout "
                    + p.layout());
        }
        NDArray x = call.input(0);
        int[] xd = x.shape().dims();
        Window win = window(call.attrs(), p, xd, call.outputShapes().get(0).dims());
        Object bias = p.noBias() ? null : call.input(2).data();
        Object out = call.newOutput(0).data();
        Object y = t == DType.FLOAT64
                ? ConvKernels.convolution((double[]) x.data(), (double[]) call.input(1).data(), (double[]) bias,
                        xd[0], xd[1], p.numFilter(), p.numGroup(), win, epilogue, (double[]) out)
                : ConvKernels.convolution((float[]) x.data(), call.input(1), (float[]) bias, xd[0], xd[1],
                        p.numFilter(), p.numGroup(), win, epilogue, (float[]) out, derived);
        return call.wrapOutput(0, y);
    }

    /**
     * Float32 in a channels-first layout, followed by a channels-first Pooling whose windows the fast pooling kernels
     * take, on a layer whose kernel writes its output image by image ({@link PooledConvolution#eachImage}).
     */
    @Override
    public boolean poolsEachImage(Attrs attrs, List<Shape> inputs, DType dtype, OpDef pooling, Attrs poolAttrs) {
        ConvParams p = params(attrs);
        if (dtype != DType.FLOAT32 || p.layout().channelLast() || !(pooling instanceof PoolingOp pool)) {
            return false;
        }
        Shape out = inferShapes(attrs, inputs).getFirst();
        if (!out.isKnown()) {
            return false;
        }
        PoolParams pp = PoolParams.parse(pool, poolAttrs, out);
        if (pp.layout().channelLast()) {
            return false;
        }
        int[] xd = inputs.getFirst().dims();
        Window win = window(attrs, p, xd, out.dims());
        PoolKernels.Spec spec = PoolingOp.spec(pp, out.dims(), pool.inferShapes(poolAttrs, List.of(out)).getFirst()
                .dims(), dtype);
        return PooledConvolution.eachImage(win, p.numGroup(), p.numFilter(), xd[1] / p.numGroup() * win.kernelSize(),
                spec);
    }

    /**
     * The convolution with {@code epilogue}, pooled image by image where {@link #poolsEachImage} says so, else
     * computed whole and then pooled.
     */
    @Override
    public NDArray computePooled(Invocation call, OutputEpilogue epilogue, DerivedWeights derived, OpDef pooling,
                                 Attrs poolAttrs) {
        if (!(pooling instanceof PoolingOp pool)) {
            throw error("only a Pooling is fused into a convolution, got " + pooling.name());
        }
        ConvParams p = params(call.attrs());
        DType t = call.outputTypes().getFirst();
        Shape out = inferShapes(call.attrs(), call.inputs().stream().map(NDArray::shape).toList()).getFirst();
        PoolParams pp = PoolParams.parse(pool, poolAttrs, out);
        if (t != DType.FLOAT32 || p.layout().channelLast() || pp.layout().channelLast()) {
            NDArray full = computeWithEpilogue(new Invocation(this, call.attrs(), call.inputs(), List.of(out),
                    List.of(t), call.device()), epilogue, derived);
            return pool.compute(new Invocation(pool, poolAttrs, List.of(full), call.outputShapes(),
                    call.outputTypes(), call.device(), call.plannedOutputs())).getFirst();
        }
        NDArray x = call.input(0);
        int[] xd = x.shape().dims();
        Window win = window(call.attrs(), p, xd, out.dims());
        PoolKernels.Spec spec = PoolingOp.spec(pp, out.dims(), call.outputShapes().getFirst().dims(), t);
        NDArray pooled = call.newOutput(0);
        PooledConvolution.convolution((float[]) x.data(), call.input(1), p.noBias() ? null
                : (float[]) call.input(2).data(), xd[0], xd[1], p.numFilter(), p.numGroup(), win, epilogue, derived,
                spec, (float[]) pooled.data());
        return pooled;
    }

    /**
     * Fewest columns (batch times grid positions) of a float32 data gradient that runs as the equivalent forward
     * convolution: below, flipping the whole weight costs more than the product it feeds (ResNet-18's 512-filter
     * layers at batch 1 on a 4 x 4 grid: 16 columns, 2.5x faster as the transposed convolution; from 32 columns the
     * flipped convolution is ahead).
     */
    static final int FLIPPED_MIN_COLUMNS = 32;

    /**
     * Data gradient: the transposed convolution of {@code dy} (in float32 with unit stride and at least
     * {@link #FLIPPED_MIN_COLUMNS} columns, the equivalent forward convolution, {@link ConvGradKernels#dataGrad}).
     */
    @Override
    Object runDataGrad(Object dy, Object w, int batch, int channels, int filters, int groups, Window win,
                       Object out) {
        if (dy instanceof double[] d) {
            return ConvKernels.deconvolution(d, (double[]) w, null, batch, filters, channels, groups, win,
                    (double[]) out);
        }
        float[] f = (float[]) dy;
        return ConvGradKernels.dataGradIsConvolution(win) && (long) batch * win.gridSize() >= FLIPPED_MIN_COLUMNS
                ? ConvGradKernels.dataGrad(f, (float[]) w, batch, channels, filters, groups, win, (float[]) out)
                : ConvKernels.deconvolution(f, (float[]) w, null, batch, filters, channels, groups, win,
                        (float[]) out);
    }

    /** Weight gradient: {@code dy} times im2col of data. */
    @Override
    Object runWeightGrad(Object dy, Object x, int batch, int channels, int filters, int groups, Window win,
                         Object out) {
        if (dy instanceof double[] d) {
            return ConvGradKernels.weightGrad(d, (double[]) x, batch, filters, channels, groups, win, (double[]) out);
        }
        return ConvGradKernels.weightGrad((float[]) dy, (float[]) x, batch, filters, channels, groups, win,
                (float[]) out);
    }
}
