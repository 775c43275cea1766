package dev.kiln.op.indexing;

import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.OpDef;

import java.util.List;

/**
 * A {@link ScatterAddOp} whose inputs are {@code (ograd, indices, data)} and whose forward op is
 * {@code forward(data, indices)} ({@code _backward_take}, {@code _backward_pick}, {@code _backward_gather_nd}): the
 * result takes {@code data}'s shape, and its gradient gathers {@code ograd}'s gradient again with the forward op.
 */
abstract class IndexedScatterAddOp extends ScatterAddOp {

    IndexedScatterAddOp(OpDef forward, List<String> inputs, List<AttrSpec<?>> attrs) {
        super(forward, inputs, attrs);
    }

    @Override
    protected final Shape resultShape(Attrs attrs, List<Shape> in) {
        return in.get(2);
    }

    @Override
    protected final List<Shape> forwardInputs(Attrs attrs, List<Shape> in, Shape result) {
        return List.of(result, in.get(1));
    }

    @Override
    public final <T> List<T> gradient(Gradient<T> g) {
        return g.grads(g.apply(forward().name(), g.attrs().values(), g.outGrad(0), g.input(1)), null, null);
    }
}
