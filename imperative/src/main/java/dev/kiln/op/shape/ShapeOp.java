package dev.kiln.op.shape;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.TypeSlots;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Base of the shape family: ops that move or relabel elements without computing on them. It holds the checks these ops
 * share (axis normalisation with errors naming the op, attribute and shape) and the copy that reshaping ops use.
 */
abstract class ShapeOp extends OpDef {
    /** The single input most ops here take, named as MXNet names it. */
    static final List<String> DATA = List.of("data");

    ShapeOp(String name, List<String> inputs, List<AttrSpec<?>> attrs, String... aliases) {
        super(name, OpFamily.SHAPE, inputs, attrs, aliases);
    }

    /** Maps {@code axis} (negative counts from the end) onto {@code [0, rank)} or fails naming the attribute. */
    final int axis(int axis, int rank, String attr, Shape shape) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw error("attribute " + attr + "=" + axis + " is out of range for input shape " + shape + " (valid axes "
                    + (rank == 0 ? "none" : "-" + rank + ".." + (rank - 1)) + ")");
        }
        return a;
    }

    /** Partial typing of ops whose output takes input 0's dtype while their other inputs lend only shapes. */
    static void typeOfFirstInput(TypeSlots slots) {
        slots.unify(new int[] {0}, new int[] {0});
        slots.forward();
    }

    /** Fails unless every input shape is fully known (eager execution always passes known shapes). */
    final void requireKnown(List<Shape> shapes) {
        for (int i = 0; i < shapes.size(); i++) {
            if (!shapes.get(i).isKnown()) {
                throw error("input " + i + " has unknown shape " + shapes.get(i));
            }
        }
    }

    /**
     * A list of rule values as the array that {@code Gradient}'s varargs take (the values are NDArrays or Symbols; the
     * array is only passed back into the rule's context, so its erased element type does not matter).
     */
    @SuppressWarnings("unchecked")
    static <T> T[] array(List<T> values) {
        return (T[]) values.toArray();
    }

    /** A copy of input 0's elements relabelled with output 0's shape (reshape-like ops keep row-major order). */
    static List<NDArray> relabel(Invocation call) {
        return List.of(call.wrapOutput(0, Storage.copyOf(call.input(0).data())));
    }

    /** The gradient rule's list with {@code grad} for input 0 and none for the other inputs (which lend only shapes). */
    static <T> List<T> firstOnly(Gradient<T> g, T grad) {
        List<T> grads = new ArrayList<>(Collections.nCopies(g.numInputs(), (T) null));
        grads.set(0, grad);
        return g.grads(array(grads));
    }

    /** The rule of a forward op whose gradient is {@code _backward_<name>(out_grad, data)} with the same attributes. */
    static <T> List<T> viaBackwardOp(Gradient<T> g) {
        return g.grads(g.apply("_backward_" + g.op().name(), g.attrs().values(), g.outGrad(0), g.input(0)));
    }
}
