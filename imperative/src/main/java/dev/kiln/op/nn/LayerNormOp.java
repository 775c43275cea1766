package dev.kiln.op.nn;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;

import java.util.List;

/**
 * MXNet's {@code LayerNorm}: normalises along {@code axis} (default last) with the biased variance, then applies
 * per-position {@code gamma} and {@code beta} of shape (size of axis,). With {@code output_mean_var} it also returns
 * the mean and the standard deviation {@code sqrt(var + eps)}, shaped like the data with the axis set to 1; without
 * it they are hidden outputs kept for the gradient ({@code _backward_LayerNorm}), as in MXNet.
 */
final class LayerNormOp extends NNOp {
    static final AttrSpec<Integer> AXIS = AttrSpec.of("axis", AttrType.INT, -1, "the axis to normalise along");
    static final AttrSpec<Double> EPS = AttrSpec.of("eps", AttrType.FLOAT, 1e-5, "added to the variance");
    static final AttrSpec<Boolean> OUTPUT_MEAN_VAR = AttrSpec.of("output_mean_var", AttrType.BOOL, false,
            "also output the mean and the standard deviation");

    LayerNormOp() {
        super("LayerNorm", List.of("data", "gamma", "beta"), List.of(AXIS, EPS, OUTPUT_MEAN_VAR), "_npx_layer_norm");
    }

    @Override
    public String doc() {
        return "Layer normalisation along one axis with per-position gamma and beta.";
    }

    @Override
    public int numOutputs(Attrs attrs) {
        return 3;
    }

    @Override
    public int numVisibleOutputs(Attrs attrs) {
        return attrs.get(OUTPUT_MEAN_VAR) ? 3 : 1;
    }

    @Override
    public List<String> outputNames(Attrs attrs) {
        return List.of("output", "mean", "std");
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        DType t = requireFloating(attrs, inputTypes, 0);
        requireDType(attrs, inputTypes, 1, t, "the same as 'data'");
        requireDType(attrs, inputTypes, 2, t, "the same as 'data'");
        return repeat(t, 3);
    }

    private static int axis(NNOp op, Attrs attrs, Shape data) {
        int a = attrs.get(AXIS);
        int norm = a < 0 ? a + data.rank() : a;
        if (norm < 0 || norm >= data.rank()) {
            throw op.error("attribute 'axis' " + a + " is out of range for 'data' of shape " + data);
        }
        return norm;
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        Shape data = inputShapes.get(0);
        int axis = axis(this, attrs, data);
        Shape param = Shape.of(data.get(axis));
        String why = "one value per position along axis " + axis + " of 'data' " + data;
        requireShape(attrs, inputShapes, 1, param, why);
        requireShape(attrs, inputShapes, 2, param, why);
        Shape moments = data.with(axis, 1);
        return List.of(data, moments, moments);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray x = call.input(0);
        NDArray out = call.newOutput(0);
        Rows rows = layout(this, call.attrs(), x.shape()).rows();
        double eps = asFloat(call.attr(EPS));
        RowNorm.Moments mv = RowNorm.run(x, out, rows, eps, Rows.all(call.input(1)), Rows.all(call.input(2)),
                true, 1);
        NDArray mean = call.newOutput(1);
        NDArray std = call.newOutput(2);
        Rows.scatter(mv.mean(), 0, mean, 0, 1, mean.size());
        Rows.scatter(mv.std(), 0, std, 0, 1, std.size());
        return List.of(out, mean, std);
    }

    /** Rows along the axis, gamma per position. */
    static RowNorm.Layout layout(NNOp op, Attrs attrs, Shape data) {
        return new RowNorm.Layout(Rows.along(data, axis(op, attrs, data)), true, 1);
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        return RowNormBackwardOp.forwardGradient(g);
    }
}
