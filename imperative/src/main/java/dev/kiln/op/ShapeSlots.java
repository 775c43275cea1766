package dev.kiln.op;

import dev.kiln.ndarray.Shape;

import java.util.List;

/**
 * Partial shapes of one op application during graph shape inference. An unknown shape is {@code null} or
 * {@link Shape#unknownRank()}; an unknown dim is {@link Shape#UNKNOWN}. Merging fills unknown dims from the other
 * shape and fails on a differing rank or known dim.
 */
public final class ShapeSlots extends InferenceSlots<Shape> {

    public ShapeSlots(OpDef op, Attrs attrs, List<Shape> inputs, List<Shape> outputs) {
        super(op, attrs, inputs, outputs);
    }

    @Override
    Shape merge(Shape known, Shape assigned) {
        return mergeShapes(known, assigned);
    }

    @Override
    public boolean isKnown(Shape value) {
        return value != null && value.isKnown();
    }

    /** True if at least the rank of {@code value} is known. */
    public static boolean isRankKnown(Shape value) {
        return value != null && value.isRankKnown();
    }

    @Override
    String what() {
        return "shape";
    }

    /**
     * The most specific shape agreeing with both, or {@code null} if they contradict (different ranks, or a dim
     * known differently in each). An unknown-rank or {@code null} shape agrees with anything.
     */
    public static Shape mergeShapes(Shape a, Shape b) {
        if (a == null || !a.isRankKnown()) {
            return b == null ? a : b;
        }
        if (b == null || !b.isRankKnown()) {
            return a;
        }
        if (a.rank() != b.rank()) {
            return null;
        }
        int[] da = a.dims();
        int[] db = b.dims();
        for (int i = 0; i < da.length; i++) {
            if (da[i] == Shape.UNKNOWN) {
                da[i] = db[i];
            } else if (db[i] != Shape.UNKNOWN && db[i] != da[i]) {
                return null;
            }
        }
        return Shape.partial(da);
    }
}
