package dev.kiln.op.conv;

import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.IntTuple;

import java.util.List;

/**
 * MXNet's {@code Convolution}: 1-D, 2-D or 3-D cross-correlation of {@code data} with {@code weight}
 * (num_filter, channels / num_group, kernel...) plus an optional bias, with stride, dilation, zero padding and channel
 * groups. Each output axis has {@code (x + 2 * pad - dilated_kernel) / stride + 1} positions (floor division).
 * Channels-last layouts ({@code NWC}, {@code NHWC}, {@code NDHWC}) take data, weight and output channels last.
 */
final class ConvolutionOp extends ConvOpBase {
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
        int[] wCF = new int[p.rank() + 2];
        wCF[0] = p.numFilter();
        wCF[1] = d[1] / p.numGroup();
        System.arraycopy(p.kernel(), 0, wCF, 2, p.rank());
        ConvParams.expectShape(this, "weight", in.get(1), p.layout().fromChannelFirst(wCF),
                "from data " + data + " (layout " + p.layout() + ", num_filter=" + p.numFilter() + ", num_group="
                        + p.numGroup() + ", kernel=" + IntTuple.of(p.kernel()) + ")");
        checkBias(p, in);
        int[] out = new int[p.rank() + 2];
        out[0] = d[0];
        out[1] = p.numFilter();
        for (int i = 0; i < p.rank(); i++) {
            int padded = d[i + 2] + 2 * p.pad()[i];
            int dk = p.dilatedKernel(i);
            if (dk > padded) {
                throw error("kernel=" + IntTuple.of(p.kernel()) + " (dilated extent " + dk + " on spatial axis " + i
                        + ") exceeds data " + data + " padded to " + padded + " on that axis (pad="
                        + IntTuple.of(p.pad()) + ", dilate=" + IntTuple.of(p.dilate()) + ")");
            }
            out[i + 2] = (padded - dk) / p.stride()[i] + 1;
        }
        return List.of(Shape.of(p.layout().fromChannelFirst(out)));
    }

    @Override
    Window window(Attrs attrs, ConvParams p, int[] dataCF, int[] outCF) {
        return Window.of(spatial(dataCF), spatial(outCF), p.kernel(), p.stride(), p.dilate(), p.pad());
    }

    @Override
    Object run(Object x, Object w, Object bias, int batch, int channels, int filters, int groups, Window win) {
        if (x instanceof double[] xd) {
            return ConvKernels.convolution(xd, (double[]) w, (double[]) bias, batch, channels, filters, groups, win);
        }
        return ConvKernels.convolution((float[]) x, (float[]) w, (float[]) bias, batch, channels, filters, groups,
                win);
    }

    /** Data gradient: the transposed convolution of {@code dy}; weight gradient: {@code dy} times im2col of data. */
    @Override
    Object[] runBackward(Object dy, Object x, Object w, int batch, int channels, int filters, int groups,
                         Window win) {
        if (dy instanceof double[] d) {
            return new Object[] {ConvKernels.deconvolution(d, (double[]) w, null, batch, filters, channels, groups, win),
                    ConvGradKernels.weightGrad(d, (double[]) x, batch, filters, channels, groups, win)};
        }
        float[] f = (float[]) dy;
        return new Object[] {ConvKernels.deconvolution(f, (float[]) w, null, batch, filters, channels, groups, win),
                ConvGradKernels.weightGrad(f, (float[]) x, batch, filters, channels, groups, win)};
    }
}
