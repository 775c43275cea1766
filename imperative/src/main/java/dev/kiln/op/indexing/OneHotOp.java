package dev.kiln.op.indexing;

import dev.kiln.ndarray.Casting;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;

import java.util.List;

/**
 * MXNet's {@code one_hot}: shape {@code indices.shape + (depth,)}, {@code on_value} at each index and
 * {@code off_value} elsewhere. An index outside {@code [0, depth)} (after truncation toward zero) gives a row of
 * {@code off_value} only, as in MXNet.
 */
public final class OneHotOp extends OpDef {
    public static final AttrSpec<Integer> DEPTH = AttrSpec.required("depth", AttrType.INT,
            "size of the one-hot dimension");
    public static final AttrSpec<Double> ON_VALUE = AttrSpec.of("on_value", AttrType.FLOAT, 1.0,
            "value at the indexed positions");
    public static final AttrSpec<Double> OFF_VALUE = AttrSpec.of("off_value", AttrType.FLOAT, 0.0,
            "value everywhere else");
    public static final AttrSpec<DType> DTYPE = AttrSpec.of("dtype", AttrType.DTYPE, DType.FLOAT32,
            "dtype of the output");

    public OneHotOp() {
        super("one_hot", OpFamily.INDEXING, List.of("indices"), List.of(DEPTH, ON_VALUE, OFF_VALUE, DTYPE),
                "_npx_one_hot");
    }

    @Override
    public String doc() {
        return "one-hot encoding of integer indices";
    }

    @Override
    public boolean isDifferentiable() {
        return false;
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> in) {
        DType t = attrs.get(DTYPE);
        if (t == DType.BOOL) {
            throw error("attribute 'dtype' = bool is not supported; use a numeric dtype");
        }
        return List.of(t);
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        int depth = attrs.get(DEPTH);
        if (depth < 0) {
            throw error("attribute 'depth' = " + depth + " must be >= 0");
        }
        return List.of(in.get(0).concat(Shape.of(depth)));
    }

    /** The output is the indices' shape plus depth, and gives the indices' shape back. */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        int depth = slots.attrs().get(DEPTH);
        Shape out = slots.output(0);
        if (depth >= 0 && ShapeSlots.isRankKnown(out) && out.rank() >= 1) {
            slots.learnInput(0, out.slice(0, out.rank() - 1));
        }
        Shape idx = slots.input(0);
        if (depth >= 0 && ShapeSlots.isRankKnown(idx)) {
            slots.assignOutput(0, idx.concat(Shape.of(depth)));
        }
        slots.forward();
    }

    /** The output has the {@code dtype} attribute's dtype whatever the indices'. */
    @Override
    public void inferTypesPartial(TypeSlots slots) {
        if (slots.attrs().get(DTYPE) != DType.BOOL) {
            slots.assignOutput(0, slots.attrs().get(DTYPE));
        }
        slots.forward();
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray indices = call.input(0);
        int depth = call.attr(DEPTH);
        NDArray out = call.newOutput(0);
        out.fill(call.attr(OFF_VALUE));
        double on = call.attr(ON_VALUE);
        int n = indices.size();
        for (int i = 0; i < n; i++) {
            long j = Casting.doubleToInt64(indices.getDouble(i));
            if (j >= 0 && j < depth) {
                Storage.set(out.dtype(), out.data(), i * depth + (int) j, on);
            }
        }
        return List.of(out);
    }
}
