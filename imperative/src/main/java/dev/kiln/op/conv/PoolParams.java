package dev.kiln.op.conv;

import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.IntTuple;
import dev.kiln.op.OpDef;

import java.util.Arrays;

/**
 * Pooling's declared attributes and their checked values for one input shape. Global pooling replaces the kernel by
 * the whole spatial extent with unit stride and no padding, as MXNet does.
 *
 * @param layout          data layout
 * @param kernel          window per spatial axis
 * @param stride          step per spatial axis
 * @param pad             padding per spatial axis
 * @param type            max, avg, sum or lp
 * @param convention      valid, full or same
 * @param p               the power of lp pooling (1 for the other types)
 * @param countIncludePad whether avg pooling divides by the padded window size
 * @param global          whether global_pool is set
 */
record PoolParams(SpatialLayout layout, int[] kernel, int[] stride, int[] pad, String type, String convention, int p,
                  boolean countIncludePad, boolean global) {

    static final AttrSpec<IntTuple> KERNEL = AttrSpec.of("kernel", AttrType.TUPLE, IntTuple.of(),
            "pooling window: (x,), (y, x) or (d, y, x); ignored with global_pool");
    static final AttrSpec<String> POOL_TYPE = AttrSpec.of("pool_type", AttrType.oneOf("max", "avg", "sum", "lp"),
            "max", "pooling type");
    static final AttrSpec<Boolean> GLOBAL_POOL = AttrSpec.of("global_pool", AttrType.BOOL, false,
            "pool over the whole spatial extent, ignoring kernel, stride and pad");
    static final AttrSpec<Boolean> CUDNN_OFF = AttrSpec.of("cudnn_off", AttrType.BOOL, false,
            "turn off cuDNN pooling (GPU only; ignored)");
    static final AttrSpec<String> CONVENTION = AttrSpec.of("pooling_convention",
            AttrType.oneOf("full", "valid", "same"), "valid",
            "output size rule: valid floors, full ceils, same gives ceil(x / stride) (1-D only)");
    static final AttrSpec<IntTuple> STRIDE = AttrSpec.of("stride", AttrType.TUPLE, IntTuple.of(),
            "stride per spatial axis; empty means 1 for each");
    static final AttrSpec<IntTuple> PAD = AttrSpec.of("pad", AttrType.TUPLE, IntTuple.of(),
            "padding per spatial axis; empty means none");
    static final AttrSpec<Integer> P_VALUE = AttrSpec.optional("p_value", AttrType.INT,
            "the p of lp pooling: 1, 2 or 3 (required for pool_type='lp')");
    static final AttrSpec<Boolean> COUNT_INCLUDE_PAD = AttrSpec.optional("count_include_pad", AttrType.BOOL,
            "whether avg pooling counts padded positions in the divisor; None means True");
    static final AttrSpec<String> LAYOUT = AttrSpec.optional("layout", AttrType.oneOf(SpatialLayout.NAMES),
            "data layout; None means NCW, NCHW or NCDHW by data rank");

    /** Checks the attributes against the data shape (whose spatial dims may be unknown during partial inference). */
    static PoolParams parse(OpDef op, Attrs attrs, Shape data) {
        if (data.rank() < 3 || data.rank() > 5) {
            throw op.error("data must be 3-D (batch, channel, x), 4-D (batch, channel, y, x) or 5-D (batch, channel,"
                    + " d, y, x), got shape " + data);
        }
        int rank = data.rank() - 2;
        SpatialLayout layout = SpatialLayout.resolve(op, attrs.get(LAYOUT), rank, "data " + data);
        String type = attrs.get(POOL_TYPE);
        String convention = attrs.get(CONVENTION);
        boolean global = attrs.get(GLOBAL_POOL);
        int p = 1;
        if (type.equals("lp")) {
            Integer pv = attrs.get(P_VALUE);
            if (pv == null) {
                throw op.error("p_value is required for pool_type='lp'");
            }
            if (pv < 1 || pv > 3) {
                throw op.error("p_value=" + pv + " is not supported for lp pooling; use 1, 2 or 3");
            }
            p = pv;
        }
        IntTuple padAttr = attrs.get(PAD);
        if (convention.equals("same")) {
            if (rank != 1) {
                throw op.error("pooling_convention='same' supports 1-D data (batch, channel, x) only, got " + data);
            }
            for (int i = 0; i < padAttr.size(); i++) {
                if (padAttr.get(i) != 0) {
                    throw op.error("pooling_convention='same' does not allow pad, got pad=" + padAttr);
                }
            }
        }
        Boolean cip = attrs.get(COUNT_INCLUDE_PAD);
        boolean countIncludePad = cip == null || cip;
        int[] spatial = Arrays.copyOfRange(layout.toChannelFirst(data.dims()), 2, rank + 2);
        if (global) {
            int[] ones = new int[rank];
            Arrays.fill(ones, 1);
            return new PoolParams(layout, spatial, ones, new int[rank], type, convention, p, countIncludePad, true);
        }
        IntTuple k = attrs.get(KERNEL);
        if (k.isEmpty()) {
            throw op.error("kernel is required unless global_pool=True");
        }
        if (k.size() != rank) {
            throw op.error("kernel=" + k + " has " + k.size() + " elements but data " + data + " has " + rank
                    + " spatial axes");
        }
        int[] kernel = k.toArray();
        for (int v : kernel) {
            if (v <= 0) {
                throw op.error("kernel=" + k + " must be positive");
            }
        }
        int[] stride = ConvParams.tuple(op, attrs, STRIDE, k, 1, 1);
        int[] pad = ConvParams.tuple(op, attrs, PAD, k, 0, 0);
        for (int i = 0; i < rank; i++) {
            if (spatial[i] != Shape.UNKNOWN && kernel[i] > spatial[i] + 2 * pad[i]) {
                throw op.error("kernel=" + k + " exceeds data " + data + " on spatial axis " + i + " (size "
                        + spatial[i] + " padded to " + (spatial[i] + 2 * pad[i]) + ")");
            }
        }
        return new PoolParams(layout, kernel, stride, pad, type, convention, p, countIncludePad, false);
    }

    int rank() {
        return kernel.length;
    }

    /** Output positions along spatial axis {@code i} for input size {@code x}. */
    int outputSize(int i, int x) {
        if (global) {
            return 1;
        }
        int padded = x + 2 * pad[i];
        return switch (convention) {
            case "valid" -> 1 + (padded - kernel[i]) / stride[i];
            case "full" -> 1 + ceilDiv(padded - kernel[i], stride[i]);
            default -> ceilDiv(padded, stride[i]);
        };
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
