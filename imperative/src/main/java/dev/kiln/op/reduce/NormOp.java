package dev.kiln.op.reduce;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.IntTuple;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.TypeSlots;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * MXNet's {@code norm}: the L1 ({@code ord=1}) or L2 ({@code ord=2}) norm over {@code axis} (all elements by default,
 * giving shape {@code (1,)}). With two axes it is the element-wise norm over both (Frobenius for L2), as MXNet
 * computes it. {@code out_dtype} chooses the output dtype; otherwise it is the input's. The gradient is MXNet's:
 * {@code og * sign(x)} for L1 and {@code og * x / norm} for L2 (not finite where the norm is zero).
 */
public final class NormOp extends OpDef {
    public static final AttrSpec<Integer> ORD = AttrSpec.of("ord", AttrType.INT, 2, "order of the norm: 1 or 2");
    public static final AttrSpec<IntTuple> AXIS = AttrSpec.optional("axis", AttrType.TUPLE,
            "axes to reduce; None or () reduces all");
    public static final AttrSpec<DType> OUT_DTYPE = AttrSpec.optional("out_dtype",
            DTypeChoice.of(DType.FLOAT16, DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.INT32, DType.INT8),
            "dtype of the output; None keeps the input dtype");
    public static final AttrSpec<Boolean> KEEPDIMS = AttrSpec.of("keepdims", AttrType.BOOL, false,
            "keep reduced axes as dimensions of size one");

    public NormOp() {
        super("norm", OpFamily.REDUCE, List.of("data"), List.of(ORD, AXIS, OUT_DTYPE, KEEPDIMS));
    }

    @Override
    public String doc() {
        return "L1 or L2 norm of an array over the given axes";
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> in) {
        DType out = attrs.get(OUT_DTYPE);
        return List.of(out == null ? in.get(0) : out);
    }

    /** The output has {@code out_dtype} if given, else the data's dtype (either giving the other). */
    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.firstOutputOr(slots.attrs().get(OUT_DTYPE));
        slots.forward();
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        int ord = attrs.get(ORD);
        if (ord != 1 && ord != 2) {
            throw error("attribute 'ord' = " + ord + " is not supported; norm only supports ord=1 and ord=2");
        }
        return List.of(ReduceAxes.of(this, in.get(0), attrs.get(AXIS), attrs.get(KEEPDIMS), false).outShape());
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray in = call.input(0);
        NDArray out = call.newOutput(0);
        ReduceAxes axes = ReduceAxes.of(this, in.shape(), call.attr(AXIS), call.attr(KEEPDIMS), false);
        LaneMath math = call.attr(ORD) == 1 ? LaneMath.NORM1 : LaneMath.NORM2;
        LaneReducer.reduce(LanePlan.of(in.shape(), axes.reduced()), in, out, math);
        return List.of(out);
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        T x = g.input(0);
        Map<String, Object> spread = new HashMap<>();
        spread.put("axis", g.attr(AXIS));
        spread.put("keepdims", g.attr(KEEPDIMS));
        if (g.attr(ORD) == 1) {
            T og = g.apply(BroadcastReducedLikeOp.NAME, spread, g.outGrad(0), x);
            return g.grads(g.mul(og, g.apply("sign", x)));
        }
        T scale = g.apply(BroadcastReducedLikeOp.NAME, spread, g.div(g.outGrad(0), g.output(0)), x);
        return g.grads(g.mul(x, scale));
    }
}
