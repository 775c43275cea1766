package dev.kiln.op.conv;

import dev.kiln.ndarray.Casting;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpFamily;
import dev.kiln.op.ShapeSlots;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * MXNet's {@code Pooling}: max, avg, sum or lp pooling over 1, 2 or 3 spatial axes, or over the whole extent with
 * {@code global_pool}. Output sizes per axis: {@code valid} is {@code 1 + (x + 2p - k) / s} (floor), {@code full} is
 * {@code 1 + ceil((x + 2p - k) / s)}, {@code same} (1-D only, no pad) is {@code ceil(x / s)}. See
 * {@link PoolKernels} for how windows meet the padding.
 */
final class PoolingOp extends FloatingOp {

    PoolingOp() {
        super("Pooling", OpFamily.NN, List.of("data"), List.of(PoolParams.KERNEL, PoolParams.POOL_TYPE,
                PoolParams.GLOBAL_POOL, PoolParams.CUDNN_OFF, PoolParams.CONVENTION, PoolParams.STRIDE, PoolParams.PAD,
                PoolParams.P_VALUE, PoolParams.COUNT_INCLUDE_PAD, PoolParams.LAYOUT), "_npx_pooling");
    }

    @Override
    public String doc() {
        return "max, average, sum or Lp pooling over 1-D, 2-D or 3-D windows, or global pooling";
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        return List.of(outputShape(attrs, in.get(0)));
    }

    /** The pooled shape of data whose dims may be unknown: batch and channels kept, each known spatial size pooled. */
    private Shape outputShape(Attrs attrs, Shape data) {
        PoolParams p = PoolParams.parse(this, attrs, data);
        int[] d = p.layout().toChannelFirst(data.dims());
        for (int i = 0; i < p.rank(); i++) {
            d[i + 2] = d[i + 2] == Shape.UNKNOWN ? Shape.UNKNOWN : p.outputSize(i, d[i + 2]);
        }
        return Shape.partial(p.layout().fromChannelFirst(d));
    }

    /** The output keeps the data's batch and channel dims, so either gives the other's; spatial sizes go forward. */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        inferPooledShapes(slots, data -> PoolParams.parse(this, slots.attrs(), data).layout(),
                data -> outputShape(slots.attrs(), data));
    }

    /**
     * The partial shape rule of a pooling op whose output keeps the data's batch and channel dims: those two go both
     * ways between data and output (as the data's {@code layout} places them), and once the data's rank is known the
     * output is {@code pooled} of the data as far as it is known.
     */
    static void inferPooledShapes(ShapeSlots slots, Function<Shape, SpatialLayout> layout, UnaryOperator<Shape> pooled) {
        Shape out = slots.output(0);
        if (ShapeSlots.isRankKnown(out) && !ShapeSlots.isRankKnown(slots.input(0))) {
            slots.assignInput(0, ShapeSlots.unknownDims(out.rank()));
        }
        Shape data = slots.input(0);
        if (ShapeSlots.isRankKnown(data)) {
            SpatialLayout l = layout.apply(data);
            if (ShapeSlots.isRankKnown(out) && out.rank() == data.rank()) {
                int[] o = l.toChannelFirst(out.dims());
                int[] kept = ShapeSlots.unknownDims(data.rank()).dims();
                kept[0] = o[0];
                kept[1] = o[1];
                slots.learnInput(0, Shape.partial(l.fromChannelFirst(kept)));
            }
            slots.assignOutput(0, pooled.apply(slots.input(0)));
        }
        slots.forward();
    }

    /** The lowest finite value of a floating dtype, where MXNet's max pooling starts. */
    private static double lowest(DType t) {
        return switch (t) {
            case FLOAT64 -> -Double.MAX_VALUE;
            case FLOAT16 -> -65504.0;
            case BFLOAT16 -> -Casting.bfloat16ToFloat((short) 0x7F7F);
            default -> -Float.MAX_VALUE;
        };
    }

    /** The kernel's view of one application: channels-second data and output dims, and the data's dtype. */
    static PoolKernels.Spec spec(PoolParams p, int[] dataCF, int[] outCF, DType type) {
        int[] ones = new int[p.rank()];
        Arrays.fill(ones, 1);
        Window win = Window.of(Arrays.copyOfRange(dataCF, 2, dataCF.length),
                Arrays.copyOfRange(outCF, 2, outCF.length), p.kernel(), p.stride(), ones, p.pad());
        return new PoolKernels.Spec(PoolWindows.sliding(win, p.countIncludePad()), p.type().equals("max"),
                p.type().equals("avg"), p.p(), p.rank() == 3, lowest(type));
    }

    /** Routes the output gradient back through {@code _backward_Pooling(ograd, data, output)}. */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        return SpatialBackwardOp.applyBackward(g, g.outGrad(0), g.input(0), g.output(0));
    }

    /**
     * Every kernel writes each window's result, whatever the pool type, so a planned output needs no zero-fill first
     * (for a small CNN at batch 64 the executor's fill of the first pooling output was a serial 1% of a training step).
     */
    @Override
    public boolean fillsOutputs(Attrs attrs) {
        return true;
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray data = call.input(0);
        PoolParams p = PoolParams.parse(this, call.attrs(), data.shape());
        int[] dataCF = p.layout().toChannelFirst(data.shape().dims());
        int[] outCF = p.layout().toChannelFirst(call.outputShapes().get(0).dims());
        DType type = call.outputTypes().get(0);
        return List.of(PoolKernels.pool(data, p.layout(), outCF, spec(p, dataCF, outCF, type), call));
    }
}
