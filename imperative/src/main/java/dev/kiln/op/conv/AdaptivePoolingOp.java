package dev.kiln.op.conv;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.IntTuple;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpFamily;
import dev.kiln.op.ShapeSlots;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Adaptive pooling: the output size is given and the windows follow from it. Output index {@code i} of {@code n} along
 * a spatial axis of size {@code x} pools the data window {@code [floor(i * x / n), ceil((i + 1) * x / n))}, so windows
 * overlap where {@code n} does not divide {@code x}, repeat elements where {@code n > x}, and {@code n = 1} is global
 * pooling. Three ops share this definition:
 * <ul>
 * <li>{@code _contrib_AdaptiveAvgPooling2D}, MXNet 1.9's: NCHW data; {@code output_size} {@code None} or {@code ()}
 * means (1, 1), one size is used for both axes, or (height, width). MXNet 1.9 also accepts Pooling's attributes on it
 * and ignores them; Kiln declares only {@code output_size}. Where MXNet 1.9 is lax Kiln rejects: it reads an
 * output_size of three or more elements as (1, 1) and gives an empty output for a zero size.</li>
 * <li>{@code _contrib_AdaptiveAvgPooling} and {@code _contrib_AdaptiveMaxPooling}, Kiln's own (MXNet 1.x has neither):
 * NCW, NCHW or NCDHW data by rank, or a channels-last {@code layout}; {@code output_size} gives one size for every
 * spatial axis or one per axis ({@code None} or {@code ()}: 1 each). Max pooling's gradient goes to the first maximum
 * of each window in row-major window order, and NaN never wins, as in Pooling.</li>
 * </ul>
 */
final class AdaptivePoolingOp extends FloatingOp {
    static final AttrSpec<IntTuple> OUTPUT_SIZE_2D = AttrSpec.optional("output_size", AttrType.TUPLE,
            "output (height, width), or one size for both; None or () means (1, 1)");
    static final AttrSpec<IntTuple> OUTPUT_SIZE = AttrSpec.optional("output_size", AttrType.TUPLE,
            "output size per spatial axis, or one size for all; None or () means 1 for each");

    private final boolean max;
    private final boolean mxnet2d;
    private final AttrSpec<IntTuple> outputSize;

    private AdaptivePoolingOp(String name, boolean max, boolean mxnet2d, List<AttrSpec<?>> attrs) {
        super(name, OpFamily.NN, List.of("data"), attrs);
        this.max = max;
        this.mxnet2d = mxnet2d;
        this.outputSize = mxnet2d ? OUTPUT_SIZE_2D : OUTPUT_SIZE;
    }

    /** MXNet's {@code _contrib_AdaptiveAvgPooling2D}. */
    static AdaptivePoolingOp mxnetAverage2d() {
        return new AdaptivePoolingOp("_contrib_AdaptiveAvgPooling2D", false, true, List.of(OUTPUT_SIZE_2D));
    }

    /** Kiln's {@code _contrib_AdaptiveAvgPooling} ({@code max} false) or {@code _contrib_AdaptiveMaxPooling}. */
    static AdaptivePoolingOp kiln(boolean max) {
        return new AdaptivePoolingOp(max ? "_contrib_AdaptiveMaxPooling" : "_contrib_AdaptiveAvgPooling", max, false,
                List.of(OUTPUT_SIZE, PoolParams.LAYOUT));
    }

    /** True for max pooling, whose gradient needs the forward output; false for average pooling. */
    boolean isMax() {
        return max;
    }

    @Override
    public String doc() {
        return mxnet2d ? "adaptive average pooling of NCHW data to a given output size"
                : "adaptive " + (max ? "max" : "average") + " pooling of 1-D, 2-D or 3-D data to a given output size;"
                + " Kiln's own op, not in MXNet";
    }

    /** One application's data layout and output size per spatial axis. */
    record Geometry(SpatialLayout layout, int[] outputSize) {
        /** The output shape of data whose dims may be unknown: batch and channels kept, spatial sizes replaced. */
        Shape outputShape(Shape data) {
            int[] d = layout.toChannelFirst(data.dims());
            System.arraycopy(outputSize, 0, d, 2, outputSize.length);
            return Shape.partial(layout.fromChannelFirst(d));
        }
    }

    /** Checks the data's rank, layout and spatial sizes (unknown ones pass) and the output size against them. */
    Geometry geometry(Attrs attrs, Shape data) {
        SpatialLayout layout;
        if (mxnet2d) {
            if (data.rank() != 4) {
                throw error("data must be 4-D (batch, channel, height, width), got shape " + data);
            }
            layout = SpatialLayout.NCHW;
        } else {
            if (data.rank() < 3 || data.rank() > 5) {
                throw error("data must be 3-D (batch, channel, x), 4-D (batch, channel, y, x) or 5-D (batch, channel,"
                        + " d, y, x), got shape " + data);
            }
            layout = SpatialLayout.resolve(this, attrs.get(PoolParams.LAYOUT), data.rank() - 2, "data " + data);
        }
        int rank = data.rank() - 2;
        IntTuple given = attrs.get(outputSize);
        int[] size = new int[rank];
        if (given == null || given.isEmpty()) {
            Arrays.fill(size, 1);
        } else if (given.size() == 1 || given.size() == rank) {
            for (int i = 0; i < rank; i++) {
                int j = given.size() == 1 ? 0 : i;
                if (given.isNone(j) || given.get(j) < 1) {
                    throw error("output_size=" + given + " must hold positive sizes");
                }
                size[i] = given.get(j);
            }
        } else {
            throw error("output_size=" + given + " has " + given.size() + " elements but data " + data + " has "
                    + rank + (rank == 1 ? " spatial axis" : " spatial axes") + "; give one size or one per axis");
        }
        int[] spatial = layout.toChannelFirst(data.dims());
        for (int i = 2; i < spatial.length; i++) {
            if (spatial[i] == 0) {
                throw error("data " + data + " has an empty spatial axis; adaptive pooling needs at least one element"
                        + " per window");
            }
        }
        return new Geometry(layout, size);
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        return List.of(geometry(attrs, in.get(0)).outputShape(in.get(0)));
    }

    /**
     * Batch and channels go both ways between data and output; the output's spatial sizes come from the attributes
     * alone, so they are known as soon as the data's rank is (as in MXNet).
     */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        PoolingOp.inferPooledShapes(slots, data -> geometry(slots.attrs(), data).layout(),
                data -> geometry(slots.attrs(), data).outputShape(data));
    }

    /** The kernel's view of one application, from channels-second data and output dims. */
    PoolKernels.Spec spec(int[] dataCF, int[] outCF) {
        PoolWindows windows = PoolWindows.adaptive(Arrays.copyOfRange(dataCF, 2, dataCF.length),
                Arrays.copyOfRange(outCF, 2, outCF.length));
        return new PoolKernels.Spec(windows, max, !max, 1, false, Double.NEGATIVE_INFINITY);
    }

    /**
     * Routes the output gradient back through {@code _backward_<name>(ograd, data)}, with the forward output as well
     * for max pooling (it tells which element won).
     */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        List<T> in = new ArrayList<>(List.of(g.outGrad(0), g.input(0)));
        if (max) {
            in.add(g.output(0));
        }
        return SpatialBackwardOp.applyBackward(g, in);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray data = call.input(0);
        SpatialLayout layout = geometry(call.attrs(), data.shape()).layout();
        int[] outCF = layout.toChannelFirst(call.outputShapes().get(0).dims());
        PoolKernels.Spec spec = spec(layout.toChannelFirst(data.shape().dims()), outCF);
        return List.of(PoolKernels.pool(data, layout, outCF, spec, call));
    }
}
