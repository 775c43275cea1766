package dev.kiln.op.elementwise;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.ElementwiseFormula;
import dev.kiln.op.ScalarForm;
import dev.kiln.op.Gradient;
import dev.kiln.op.InPlaceOption;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.ShapeSlots;

import java.util.List;


/**
 * A binary elementwise op on two arrays of one dtype ({@code lhs}, {@code rhs}), with a {@link BinaryMath}. MXNet has
 * two kinds per function, and so does Kiln: the {@code broadcast_*} ops broadcast NumPy-style, while the legacy
 * same-shape ops ({@code elemwise_add} alias {@code _plus}, {@code _mod}, {@code _equal}, ...) require equal shapes.
 * Both kinds share the function's one {@link BinaryMath}, its gradient included; the broadcasting kind sums each
 * operand's gradient back to the operand's shape. The output keeps the inputs' dtype.
 */
public final class BinaryOp extends OpDef {
    private final BinaryMath math;
    private final boolean broadcasting;
    private final String broadcastingName;

    private BinaryOp(String name, BinaryMath math, boolean broadcasting, String broadcastingName,
                     String... aliases) {
        super(name, OpFamily.BINARY, List.of("lhs", "rhs"), List.of(), aliases);
        this.math = math;
        this.broadcasting = broadcasting;
        this.broadcastingName = broadcastingName;
    }

    /** A NumPy-broadcasting op, e.g. {@code broadcast_add}. */
    static BinaryOp broadcasting(String name, BinaryMath math, String... aliases) {
        return new BinaryOp(name, math, true, name, aliases);
    }

    /** A same-shape op, e.g. {@code elemwise_add}, whose broadcasting counterpart is {@code broadcasting}. */
    static BinaryOp sameShape(String name, BinaryOp broadcasting, String... aliases) {
        return new BinaryOp(name, broadcasting.math, false, broadcasting.name(), aliases);
    }

    /** The function this op computes. */
    public BinaryMath math() {
        return math;
    }

    /** True for the {@code broadcast_*} kind, false for the same-shape kind. */
    public boolean isBroadcasting() {
        return broadcasting;
    }

    @Override
    public String doc() {
        return (broadcasting ? "Elementwise " + math.name() + " with NumPy broadcasting"
                : "Elementwise " + math.name() + " of two arrays of the same shape");
    }

    /** The function itself; the broadcasting kind's formula holds where no operand broadcasts. */
    @Override
    public ElementwiseFormula elementwiseFormula(Attrs attrs, DType dtype) {
        return ElementwiseFormula.covers(dtype)
                ? new ElementwiseFormula.Binary(math.name(), math, BinaryForms.of(math)) : null;
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        Shape l = inputShapes.get(0);
        Shape r = inputShapes.get(1);
        if (!l.isRankKnown() || !r.isRankKnown()) {
            return List.of(l.isRankKnown() ? l : r);
        }
        if (broadcasting) {
            try {
                return List.of(Shape.broadcast(l, r));
            } catch (KilnException e) {
                throw error("cannot broadcast lhs of shape " + l + " with rhs of shape " + r + ": " + e.getMessage());
            }
        }
        if (l.isKnown() && r.isKnown()) {
            if (!l.equals(r)) {
                throw error("lhs has shape " + l + " but rhs has shape " + r + "; this op needs equal shapes "
                        + "(" + broadcastingName + " broadcasts)");
            }
            return List.of(l);
        }
        return List.of(mergePartial(l, r));
    }

    /**
     * Same-shape ops unify lhs, rhs and the output (MXNet's {@code ElemwiseShape}); broadcasting ops infer the output
     * once both ranks are known, unknown dims staying unknown unless the other operand fixes them.
     */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        if (!broadcasting) {
            slots.unifyAll();
        } else if (ShapeSlots.isRankKnown(slots.input(0)) && ShapeSlots.isRankKnown(slots.input(1))) {
            slots.assignOutputs(inferShapes(slots.attrs(), slots.inputs()));
        }
    }

    private Shape mergePartial(Shape l, Shape r) {
        if (l.rank() != r.rank()) {
            throw error("lhs has shape " + l + " but rhs has shape " + r + "; this op needs equal shapes");
        }
        int[] a = l.dims();
        int[] b = r.dims();
        for (int i = 0; i < a.length; i++) {
            if (a[i] == Shape.UNKNOWN) {
                a[i] = b[i];
            } else if (b[i] != Shape.UNKNOWN && a[i] != b[i]) {
                throw error("lhs has shape " + l + " but rhs has shape " + r + "; this op needs equal shapes");
            }
        }
        return Shape.partial(a);
    }

    /** Either operand of the output's size may be overwritten: each output element reads it at its own index. */
    @Override
    public List<InPlaceOption> inPlaceOptions(Attrs attrs) {
        return List.of(InPlaceOption.overwrite(0, 0), InPlaceOption.overwrite(1, 0));
    }

    /** Each output element is assigned from its operands, broadcast or not. */
    @Override
    public boolean fillsOutputs(Attrs attrs) {
        return true;
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray out = call.newOutput(0);
        BinaryKernels.compute(this, math, call.input(0), call.input(1), out);
        return List.of(out);
    }

    @Override
    public boolean isDifferentiable() {
        return math.isDifferentiable();
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        Terms<T> d = new Terms<>(g);
        Terms.Term<T> grad = d.of(g.outGrad(0));
        Terms.Term<T> lhs = d.of(g.input(0));
        Terms.Term<T> rhs = d.of(g.input(1));
        Terms.Term<T> out = d.of(g.output(0));
        T dl = g.requiresGrad(0) ? d.array(math.lhsGradient(d, grad, lhs, rhs, out)) : null;
        T dr = g.requiresGrad(1) ? d.array(math.rhsGradient(d, grad, lhs, rhs, out)) : null;
        if (broadcasting) {
            dl = dl == null ? null : g.sumLike(dl, g.input(0));
            dr = dr == null ? null : g.sumLike(dr, g.input(1));
        }
        return g.grads(dl, dr);
    }
}
