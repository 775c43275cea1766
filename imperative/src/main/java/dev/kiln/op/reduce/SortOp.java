package dev.kiln.op.reduce;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * MXNet's {@code sort}: a sorted copy along {@code axis} (default -1; None sorts the flattened array into shape
 * {@code (size,)}), ascending unless {@code is_ascend=False}. Stable, with NaN above every number. The gradient goes
 * back to where each element came from: {@code _scatter_along_axis} at the positions {@code argsort} gives.
 */
public final class SortOp extends OpDef {
    public static final AttrSpec<Integer> AXIS = AttrSpec.of("axis", AttrType.INT, -1,
            "axis to sort along; None sorts the flattened array");
    public static final AttrSpec<Boolean> IS_ASCEND = AttrSpec.of("is_ascend", AttrType.BOOL, true,
            "sort ascending (True) or descending (False)");

    public SortOp() {
        super("sort", OpFamily.REDUCE, List.of("data"), List.of(AXIS, IS_ASCEND), "_npi_sort");
    }

    @Override
    public String doc() {
        return "sorted copy along an axis";
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape s = in.get(0);
        Integer axis = attrs.get(AXIS);
        SortLanes.of(this, s, axis);
        return List.of(axis == null ? Shape.of(s.size()) : s);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray in = call.input(0);
        SortLanes lanes = SortLanes.of(this, in.shape(), call.attr(AXIS));
        NDArray out = call.newOutput(0);
        TopKOp.run(lanes, in, lanes.length(), call.attr(IS_ASCEND), out, null, null);
        return List.of(out);
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        Map<String, Object> order = new HashMap<>();
        order.put("axis", g.attr(AXIS));
        order.put("is_ascend", g.attr(IS_ASCEND));
        order.put("dtype", "int64");
        T x = g.input(0);
        T positions = g.apply("argsort", order, x);
        Map<String, Object> along = new HashMap<>();
        along.put("axis", g.attr(AXIS));
        return g.grads(g.apply(AlongAxisOp.SCATTER, along, g.outGrad(0), positions, x));
    }
}
