package dev.kiln.op;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs one op's partial inference to a fixed point, as graph inference does for a node whose neighbours add nothing:
 * the op's local step again and again until it learns nothing new.
 *
 * @param <V> {@code Shape} or {@code DType}
 */
record InferenceRun<V>(List<V> inputs, List<V> outputs) {
    /** More steps than any op needs; reaching it means the op keeps "learning", a bug. */
    private static final int MAX_STEPS = 16;

    /** Partial shape inference from these known (or {@code null}) shapes. */
    static InferenceRun<Shape> shapes(OpDef op, Attrs attrs, List<Shape> inputs, List<Shape> outputs) {
        List<Shape> in = new ArrayList<>(inputs);
        List<Shape> out = new ArrayList<>(outputs);
        for (int step = 0; step < MAX_STEPS; step++) {
            ShapeSlots s = new ShapeSlots(op, attrs, in, out);
            op.inferShapesPartial(s);
            in = s.inputs();
            out = s.outputs();
            if (!s.changed()) {
                return new InferenceRun<>(in, out);
            }
        }
        throw new AssertionError(op.name() + ": shape inference still changes after " + MAX_STEPS + " steps");
    }

    /** Partial dtype inference from these known (or {@code null}) dtypes. */
    static InferenceRun<DType> types(OpDef op, Attrs attrs, List<DType> inputs, List<DType> outputs) {
        List<DType> in = new ArrayList<>(inputs);
        List<DType> out = new ArrayList<>(outputs);
        for (int step = 0; step < MAX_STEPS; step++) {
            TypeSlots s = new TypeSlots(op, attrs, in, out);
            op.inferTypesPartial(s);
            in = s.inputs();
            out = s.outputs();
            if (!s.changed()) {
                return new InferenceRun<>(in, out);
            }
        }
        throw new AssertionError(op.name() + ": dtype inference still changes after " + MAX_STEPS + " steps");
    }

    /** {@code n} unknowns. */
    static <V> List<V> unknown(int n) {
        List<V> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(null);
        }
        return out;
    }

    /** True if {@code inferred} says nothing against {@code truth}: unknown, or agreeing on every known dim. */
    static boolean consistent(Shape truth, Shape inferred) {
        return inferred == null || !inferred.isRankKnown() || truth.equals(ShapeSlots.mergeShapes(truth, inferred));
    }

    /** True if {@code inferred} is unknown or {@code truth}. */
    static boolean consistent(DType truth, DType inferred) {
        return inferred == null || inferred == truth;
    }
}
