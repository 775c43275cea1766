package dev.kiln.op.nn;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;

import java.util.List;

/**
 * Base of LayerNorm, InstanceNorm and GroupNorm: inputs (data, gamma, beta), outputs (output, mean, std), a
 * {@link RowNorm} kernel over the op's row layout, and the gradient through {@code _backward_<name>}.
 */
abstract class RowNormOp extends NNOp {
    private final AttrSpec<Double> eps;
    private final RowNormBackwardOp.Layouts layouts;

    RowNormOp(String name, List<AttrSpec<?>> attrs, AttrSpec<Double> eps, RowNormBackwardOp.Layouts layouts,
              String... aliases) {
        super(name, List.of("data", "gamma", "beta"), attrs, aliases);
        this.eps = eps;
        this.layouts = layouts;
    }

    /** The matching {@code _backward_<name>} op, with this op's attributes and row layout. */
    final RowNormBackwardOp backwardOp() {
        return new RowNormBackwardOp(name(), attrSpecs(), layouts);
    }

    @Override
    public final int numOutputs(Attrs attrs) {
        return 3;
    }

    @Override
    public final List<String> outputNames(Attrs attrs) {
        return List.of("output", "mean", "std");
    }

    /** Checks gamma and beta against {@code param} and returns the shapes of data, mean and std. */
    final List<Shape> normShapes(Attrs attrs, List<Shape> inputShapes, Shape param, String why, Shape moments) {
        requireShape(attrs, inputShapes, 1, param, why);
        requireShape(attrs, inputShapes, 2, param, why);
        return List.of(inputShapes.get(0), moments, moments);
    }

    @Override
    public final List<NDArray> compute(Invocation call) {
        NDArray x = call.input(0);
        NDArray out = call.newOutput(0);
        RowNorm.Layout layout = layouts.of(this, call.attrs(), x.shape());
        RowNorm.Moments mv = RowNorm.run(x, out, layout.rows(), asFloat(call.attr(eps)), Rows.all(call.input(1)),
                Rows.all(call.input(2)), layout.perPosition(), layout.period());
        NDArray mean = call.newOutput(1);
        NDArray std = call.newOutput(2);
        Rows.scatter(mv.mean(), 0, mean, 0, 1, mean.size());
        Rows.scatter(mv.std(), 0, std, 0, 1, std.size());
        return List.of(out, mean, std);
    }

    @Override
    public final <T> List<T> gradient(Gradient<T> g) {
        return RowNormBackwardOp.forwardGradient(g);
    }
}
