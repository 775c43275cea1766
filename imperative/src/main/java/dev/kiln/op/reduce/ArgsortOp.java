package dev.kiln.op.reduce;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.TypeSlots;

import java.util.List;

/**
 * MXNet's {@code argsort}: the positions that sort the input along {@code axis} (None: the flattened array), as
 * {@code dtype} (float32 by default, as in MXNet 1.x). Stable, with NaN above every number.
 */
public final class ArgsortOp extends OpDef {
    public static final AttrSpec<Integer> AXIS = AttrSpec.of("axis", AttrType.INT, -1,
            "axis to sort along; None sorts the flattened array");
    public static final AttrSpec<Boolean> IS_ASCEND = AttrSpec.of("is_ascend", AttrType.BOOL, true,
            "sort ascending (True) or descending (False)");
    public static final AttrSpec<DType> DTYPE = AttrSpec.of("dtype", TopKOp.INDEX_DTYPES, DType.FLOAT32,
            "dtype of the returned indices");

    public ArgsortOp() {
        super("argsort", OpFamily.REDUCE, List.of("data"), List.of(AXIS, IS_ASCEND, DTYPE), "_npi_argsort");
    }

    @Override
    public String doc() {
        return "indices that sort an array along an axis";
    }

    @Override
    public boolean isDifferentiable() {
        return false;
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> in) {
        return List.of(attrs.get(DTYPE));
    }

    /** The indices have the {@code dtype} attribute's dtype whatever the data's. */
    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.assignOutput(0, slots.attrs().get(DTYPE));
        slots.forward();
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape s = in.get(0);
        Integer axis = attrs.get(AXIS);
        SortLanes lanes = SortLanes.of(this, s, axis);
        TopKOp.checkIndexDType(this, attrs.get(DTYPE), lanes.length());
        return List.of(axis == null ? Shape.of(s.size()) : s);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray in = call.input(0);
        SortLanes lanes = SortLanes.of(this, in.shape(), call.attr(AXIS));
        NDArray out = call.newOutput(0);
        TopKOp.run(lanes, in, lanes.length(), call.attr(IS_ASCEND), null, out, null);
        return List.of(out);
    }
}
