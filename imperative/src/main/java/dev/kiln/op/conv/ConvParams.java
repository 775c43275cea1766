package dev.kiln.op.conv;

import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.IntTuple;
import dev.kiln.op.OpDef;

import java.util.Arrays;

/**
 * The attributes Convolution and Deconvolution share, declared once, and their checked values for one application:
 * MXNet's empty {@code stride}, {@code dilate} and {@code pad} become ones and zeros of the kernel's rank, and every
 * tuple must have the kernel's length.
 *
 * @param kernel    window size per spatial axis
 * @param stride    step per spatial axis
 * @param dilate    spacing of kernel taps per spatial axis
 * @param pad       zero padding per spatial axis (before and after)
 * @param numFilter output channels
 * @param numGroup  channel groups
 * @param noBias    true if there is no bias input
 * @param layout    the data layout
 */
record ConvParams(int[] kernel, int[] stride, int[] dilate, int[] pad, int numFilter, int numGroup, boolean noBias,
                  SpatialLayout layout) {

    static final AttrSpec<IntTuple> KERNEL = AttrSpec.required("kernel", AttrType.TUPLE,
            "kernel size: (w,), (h, w) or (d, h, w)");
    static final AttrSpec<IntTuple> STRIDE = AttrSpec.of("stride", AttrType.TUPLE, IntTuple.of(),
            "stride per spatial axis; empty means 1 for each");
    static final AttrSpec<IntTuple> DILATE = AttrSpec.of("dilate", AttrType.TUPLE, IntTuple.of(),
            "dilation per spatial axis; empty means 1 for each");
    static final AttrSpec<IntTuple> PAD = AttrSpec.of("pad", AttrType.TUPLE, IntTuple.of(),
            "zero padding per spatial axis; empty means none");
    static final AttrSpec<Integer> NUM_FILTER = AttrSpec.required("num_filter", AttrType.INT,
            "number of output channels");
    static final AttrSpec<Integer> NUM_GROUP = AttrSpec.of("num_group", AttrType.INT, 1,
            "number of groups the channels are split into");
    static final AttrSpec<String> CUDNN_TUNE = AttrSpec.optional("cudnn_tune",
            AttrType.oneOf("off", "limited_workspace", "fastest"), "cuDNN algorithm search (GPU only; ignored)");
    static final AttrSpec<Boolean> CUDNN_OFF = AttrSpec.of("cudnn_off", AttrType.BOOL, false,
            "turn off cuDNN (GPU only; ignored)");
    static final AttrSpec<String> LAYOUT = AttrSpec.optional("layout", AttrType.oneOf(SpatialLayout.NAMES),
            "data layout; None means NCW, NCHW or NCDHW by kernel rank");

    /** Number of spatial axes. */
    int rank() {
        return kernel.length;
    }

    /** Kernel extent along axis {@code i} once dilated. */
    int dilatedKernel(int i) {
        return 1 + (kernel[i] - 1) * dilate[i];
    }

    /** Reads and checks the shared attributes; {@code noBiasSpec} carries the op's own default. */
    static ConvParams parse(OpDef op, Attrs attrs, AttrSpec<Boolean> noBiasSpec) {
        IntTuple k = attrs.get(KERNEL);
        int rank = k.size();
        if (rank < 1 || rank > 3) {
            throw op.error("kernel=" + k + " must have 1, 2 or 3 elements (1-D, 2-D or 3-D)");
        }
        int[] kernel = k.toArray();
        for (int v : kernel) {
            if (v <= 0) {
                throw op.error("kernel=" + k + " must be positive");
            }
        }
        int[] stride = tuple(op, attrs, STRIDE, k, 1, 1);
        int[] dilate = tuple(op, attrs, DILATE, k, 1, 1);
        int[] pad = tuple(op, attrs, PAD, k, 0, 0);
        int numFilter = attrs.get(NUM_FILTER);
        int numGroup = attrs.get(NUM_GROUP);
        if (numFilter < 1) {
            throw op.error("num_filter=" + numFilter + " must be at least 1");
        }
        if (numGroup < 1) {
            throw op.error("num_group=" + numGroup + " must be at least 1");
        }
        if (numFilter % numGroup != 0) {
            throw op.error("num_filter=" + numFilter + " must be divisible by num_group=" + numGroup);
        }
        SpatialLayout layout = SpatialLayout.resolve(op, attrs.get(LAYOUT), rank, "kernel=" + k);
        return new ConvParams(kernel, stride, dilate, pad, numFilter, numGroup, attrs.get(noBiasSpec), layout);
    }

    /**
     * A per-axis tuple attribute: empty gives {@code fill} for each axis, otherwise it must have the kernel's length
     * and every element at least {@code min}.
     */
    static int[] tuple(OpDef op, Attrs attrs, AttrSpec<IntTuple> spec, IntTuple kernel, int fill, int min) {
        IntTuple t = attrs.get(spec);
        int rank = kernel.size();
        if (t.isEmpty()) {
            int[] out = new int[rank];
            Arrays.fill(out, fill);
            return out;
        }
        if (t.size() != rank) {
            throw op.error(spec.name() + "=" + t + " must have as many elements as kernel=" + kernel);
        }
        int[] out = t.toArray();
        for (int v : out) {
            if (v < min) {
                throw op.error(spec.name() + "=" + t + " must have every element at least " + min);
            }
        }
        return out;
    }

    /**
     * Checks that {@code data} has {@code rank() + 2} axes and returns its dims channels-second (unknown dims of a
     * partial shape stay {@link Shape#UNKNOWN}).
     */
    int[] dataChannelFirst(OpDef op, Shape data) {
        if (data.rank() != rank() + 2) {
            throw op.error("data must be " + (rank() + 2) + "-D (batch, channel and " + rank()
                    + " spatial axes in layout " + layout + ") for kernel=" + IntTuple.of(kernel) + ", got shape "
                    + data);
        }
        int[] d = layout.toChannelFirst(data.dims());
        if (d[1] != Shape.UNKNOWN && d[1] % numGroup != 0) {
            throw op.error("data " + data + " has " + d[1] + " channels, which num_group=" + numGroup
                    + " does not divide");
        }
        return d;
    }

    /** Checks an input against the shape MXNet derives for it. */
    static void expectShape(OpDef op, String input, Shape actual, int[] expected, String why) {
        Shape e = Shape.of(expected);
        if (!actual.equals(e)) {
            throw op.error(input + " has shape " + actual + " but expected " + e + " " + why);
        }
    }

    @Override
    public String toString() {
        return "kernel=" + IntTuple.of(kernel) + ", stride=" + IntTuple.of(stride) + ", dilate=" + IntTuple.of(dilate)
                + ", pad=" + IntTuple.of(pad) + ", num_filter=" + numFilter + ", num_group=" + numGroup;
    }
}
