package dev.kiln.op.nn;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;

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

    private static final int[] DATA = {0};
    private static final int[] PARAMS = {1, 2};
    private static final int[] MOMENTS = {1, 2};
    private static final int[] NONE = {};

    /** Unifies data with output 0 and returns the result. */
    static Shape unifyData(ShapeSlots slots) {
        return slots.unify(DATA, DATA);
    }

    /** Unifies gamma with beta and returns the result. */
    static Shape unifyParams(ShapeSlots slots) {
        return slots.unify(PARAMS, NONE);
    }

    /** Unifies the mean and std outputs and returns the result. */
    static Shape unifyMoments(ShapeSlots slots) {
        return slots.unify(NONE, MOMENTS);
    }

    /** Gives gamma and beta the shape {@code param} and the mean and std outputs {@code moments}. */
    static void assignNormShapes(ShapeSlots slots, Shape param, Shape moments) {
        slots.assignInput(PARAMS[0], param);
        unifyParams(slots);
        slots.assignOutput(MOMENTS[0], moments);
        unifyMoments(slots);
    }

    /** Gives the data the known dim {@code dim} at {@code axis}, its other dims unknown, and returns the data. */
    static Shape assignDataDim(ShapeSlots slots, Shape data, int axis, int dim) {
        slots.learnInput(0, ShapeSlots.unknownDims(data.rank()).with(axis, dim));
        return unifyData(slots);
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
