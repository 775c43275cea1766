package dev.kiln.op.nn;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.Attrs;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;

import java.util.ArrayList;
import java.util.List;

/**
 * Base of the neural-network ops: fixes the family and offers the checks these ops share (floating-point data,
 * parameter vectors of a given shape, outputs that repeat one dtype), so every op words its errors the same way.
 */
abstract class NNOp extends OpDef {

    NNOp(String name, List<String> inputs, List<AttrSpec<?>> attrs, String... aliases) {
        super(name, OpFamily.NN, inputs, attrs, aliases);
    }

    /**
     * Most nn ops keep one dtype for data, parameters and outputs (MXNet's {@code ElemwiseType}); the checks of
     * {@link #inferTypes} run once every input is known. Ops with mixed dtypes override this.
     */
    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.unifyAll();
        slots.forward();
    }

    /**
     * For ops whose output 0 has the data's shape: unifies input 0 with output 0, then runs {@link #inferShapes} once
     * every input is known (for its checks and the remaining outputs).
     */
    static void sameShapeAsData(ShapeSlots slots) {
        slots.unify(new int[] {0}, new int[] {0});
        slots.forward();
    }

    /** Fails unless input {@code index} has a floating-point dtype (MXNet's real-type kernels). */
    final DType requireFloating(Attrs attrs, List<DType> types, int index) {
        DType t = types.get(index);
        if (!t.isFloating()) {
            throw error("input '" + inputNames(attrs).get(index) + "' has dtype " + t
                    + "; this op needs float16, bfloat16, float32 or float64 data");
        }
        return t;
    }

    /** Fails unless input {@code index} is float32, for ops MXNet implements only for float32. */
    final DType requireFloat32(Attrs attrs, List<DType> types, int index) {
        DType t = types.get(index);
        if (t != DType.FLOAT32) {
            throw error("input '" + inputNames(attrs).get(index) + "' has dtype " + t
                    + "; MXNet implements this op for float32 only; cast the input with astype('float32')");
        }
        return t;
    }

    /** Fails unless input {@code index} has dtype {@code expected}. */
    final void requireDType(Attrs attrs, List<DType> types, int index, DType expected, String why) {
        DType t = types.get(index);
        if (t != expected) {
            throw error("input '" + inputNames(attrs).get(index) + "' has dtype " + t + " but must be " + expected
                    + " (" + why + ")");
        }
    }

    /** Fails unless input {@code index} has exactly shape {@code expected}. */
    final void requireShape(Attrs attrs, List<Shape> shapes, int index, Shape expected, String why) {
        Shape s = shapes.get(index);
        if (!s.equals(expected)) {
            throw error("input '" + inputNames(attrs).get(index) + "' has shape " + s + " but must have shape "
                    + expected + " (" + why + ")");
        }
    }

    /** Fails unless input {@code index} has at least {@code minRank} dims. */
    final void requireMinRank(Attrs attrs, List<Shape> shapes, int index, int minRank, String why) {
        Shape s = shapes.get(index);
        if (s.rank() < minRank) {
            throw error("input '" + inputNames(attrs).get(index) + "' has shape " + s + " but needs at least "
                    + minRank + " dims (" + why + ")");
        }
    }

    /** {@code n} copies of {@code t}. */
    static List<DType> repeat(DType t, int n) {
        List<DType> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(t);
        }
        return out;
    }

    /** {@code n} copies of {@code s}. */
    static List<Shape> repeat(Shape s, int n) {
        List<Shape> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(s);
        }
        return out;
    }

    /** An attribute value MXNet declares as a C++ {@code float}, rounded as MXNet stores it. */
    static double asFloat(double v) {
        return (float) v;
    }
}
