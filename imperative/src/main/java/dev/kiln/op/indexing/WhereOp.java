package dev.kiln.op.indexing;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;
import dev.kiln.parallel.Parallel;

import java.util.List;

/**
 * MXNet's {@code where}: elements of {@code x} where {@code condition} is non-zero (NaN counts as true), else of
 * {@code y}. {@code x} and {@code y} share shape and dtype; {@code condition} has their shape, or is 1-d with one
 * entry per row of {@code x} (length {@code x.shape[0]}), selecting whole rows. Its dtype may differ.
 */
public final class WhereOp extends OpDef {

    public WhereOp() {
        super("where", OpFamily.INDEXING, List.of("condition", "x", "y"), List.of());
    }

    @Override
    public String doc() {
        return "chooses elements from x or y by a condition";
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> in) {
        if (in.get(1) != in.get(2)) {
            throw error("inputs 'x' (" + in.get(1) + ") and 'y' (" + in.get(2) + ") must have the same dtype");
        }
        return List.of(in.get(1));
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape c = in.get(0);
        Shape x = in.get(1);
        Shape y = in.get(2);
        if (!x.equals(y)) {
            throw error("inputs 'x' of shape " + x + " and 'y' of shape " + y + " must have the same shape");
        }
        boolean rows = c.rank() == 1 && x.rank() >= 1 && c.get(0) == x.get(0);
        if (!c.equals(x) && !rows) {
            throw error("input 'condition' of shape " + c + " must have the shape of 'x' " + x
                    + " or be 1-d with length x.shape[0]");
        }
        return List.of(x);
    }

    /**
     * x, y and the output share one shape and dtype; a condition of their rank shares their shape too (a 1-D
     * condition of rows is checked once known), and may have any dtype.
     */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        Shape x = slots.unify(new int[] {1, 2}, new int[] {0});
        Shape c = slots.input(0);
        if (ShapeSlots.isRankKnown(x) && ShapeSlots.isRankKnown(c) && c.rank() == x.rank()) {
            slots.unify(new int[] {0, 1, 2}, new int[] {0});
        }
        slots.forward();
    }

    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.unify(new int[] {1, 2}, new int[] {0});
        slots.forward();
    }

    /** {@code x} gets the output gradient where the condition holds, {@code y} elsewhere; the condition gets none. */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        T out = g.outGrad(0);
        T zeros = g.requiresGrad(1) || g.requiresGrad(2) ? g.zerosLike(out) : null;
        T cond = g.input(0);
        return g.grads(null, g.requiresGrad(1) ? g.apply("where", cond, out, zeros) : null,
                g.requiresGrad(2) ? g.apply("where", cond, zeros, out) : null);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray cond = call.input(0);
        NDArray x = call.input(1);
        NDArray y = call.input(2);
        NDArray out = call.newOutput(0);
        int n = x.size();
        if (n == 0) {
            return List.of(out);
        }
        Object xd = x.data();
        Object yd = y.data();
        Object od = out.data();
        if (!cond.shape().equals(x.shape())) {
            int row = n / x.shape().get(0);
            for (int r = 0; r < cond.size(); r++) {
                System.arraycopy(cond.getDouble(r) != 0 ? xd : yd, r * row, od, r * row, row);
            }
            return List.of(out);
        }
        DType ct = cond.dtype();
        Object cd = cond.data();
        Parallel.forRange(n, 1 << 15, (from, to) -> {
            switch (od) {
                case float[] o -> {
                    float[] a = (float[]) xd;
                    float[] b = (float[]) yd;
                    if (cd instanceof float[] c) {
                        for (int i = from; i < to; i++) {
                            o[i] = c[i] != 0 ? a[i] : b[i];
                        }
                    } else {
                        for (int i = from; i < to; i++) {
                            o[i] = Storage.get(ct, cd, i) != 0 ? a[i] : b[i];
                        }
                    }
                }
                case double[] o -> {
                    double[] a = (double[]) xd;
                    double[] b = (double[]) yd;
                    for (int i = from; i < to; i++) {
                        o[i] = Storage.get(ct, cd, i) != 0 ? a[i] : b[i];
                    }
                }
                default -> {
                    for (int i = from; i < to; i++) {
                        System.arraycopy(Storage.get(ct, cd, i) != 0 ? xd : yd, i, od, i, 1);
                    }
                }
            }
        });
        return List.of(out);
    }
}
