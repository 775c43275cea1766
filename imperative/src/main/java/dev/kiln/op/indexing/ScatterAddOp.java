package dev.kiln.op.indexing;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.Attrs;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.TypeSlots;

import java.util.List;

/**
 * Common ground of the gradients of the gathering ops ({@code _backward_take}, {@code _backward_pick},
 * {@code _backward_gather_nd}, {@code _backward_Embedding}, {@code _backward_SequenceLast}): input 0 is the gradient
 * arriving at the forward output, and each of its slices is added into a zero array at the place it was gathered
 * from, so repeated indices accumulate. The result takes input 0's dtype. Each is linear in input 0, and its own
 * gradient gathers again with the forward op, so the gathering ops are twice differentiable.
 */
abstract class ScatterAddOp extends OpDef {
    /** The forward op whose shape inference checks input 0. */
    private final OpDef forward;

    ScatterAddOp(OpDef forward, List<String> inputs, List<AttrSpec<?>> attrs) {
        super("_backward_" + forward.name(), OpFamily.INDEXING, inputs, attrs);
        this.forward = forward;
    }

    /** The forward op this is the gradient of. */
    protected final OpDef forward() {
        return forward;
    }

    @Override
    public String doc() {
        return "gradient of " + forward.name() + ": scatter-adds the output gradient";
    }

    @Override
    public final List<DType> inferTypes(Attrs attrs, List<DType> in) {
        return List.of(in.get(0));
    }

    /** The gradient keeps ograd's dtype; the other inputs lend shapes and indices. */
    @Override
    public final void inferTypesPartial(TypeSlots slots) {
        slots.unify(new int[] {0}, new int[] {0});
        slots.forward();
    }

    /** The result's shape: the gathered-from input's, from the inputs after {@code ograd} (shapes known). */
    protected abstract Shape resultShape(Attrs attrs, List<Shape> in);

    /** The inputs of the forward op, in its order, given this op's input shapes (the result shape among them). */
    protected abstract List<Shape> forwardInputs(Attrs attrs, List<Shape> in, Shape result);

    @Override
    public final List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        for (Shape s : in) {
            if (!s.isKnown()) {
                return List.of(resultShape(attrs, in));
            }
        }
        Shape result = resultShape(attrs, in);
        Shape expected = forward.inferShapes(attrs, forwardInputs(attrs, in, result)).get(0);
        if (!in.get(0).equals(expected)) {
            throw error("input 'ograd' has shape " + in.get(0) + " but " + forward.name() + " of these inputs gives "
                    + expected);
        }
        return List.of(result);
    }

    /**
     * Adds {@code len} elements of {@code src} from {@code srcOff} into {@code dst} from {@code dstOff}, both of
     * dtype {@code t}.
     */
    static void add(DType t, Object src, int srcOff, Object dst, int dstOff, int len) {
        switch (src) {
            case float[] s -> {
                float[] d = (float[]) dst;
                for (int i = 0; i < len; i++) {
                    d[dstOff + i] += s[srcOff + i];
                }
            }
            case double[] s -> {
                double[] d = (double[]) dst;
                for (int i = 0; i < len; i++) {
                    d[dstOff + i] += s[srcOff + i];
                }
            }
            default -> {
                for (int i = 0; i < len; i++) {
                    Storage.set(t, dst, dstOff + i, Storage.get(t, dst, dstOff + i) + Storage.get(t, src, srcOff + i));
                }
            }
        }
    }
}
