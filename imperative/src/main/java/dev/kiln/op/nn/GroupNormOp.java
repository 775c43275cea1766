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
 * MXNet 1.x's {@code GroupNorm}: data (N, C, spatial...) is split into {@code num_groups} groups of channels, each
 * (instance, group) is normalised with the biased variance, then scaled and shifted by gamma and beta of shape
 * (num_groups,) (one value per group, as in MXNet 1.x). With {@code output_mean_var} it also returns the mean and
 * {@code sqrt(var + eps)}, each of shape (N, num_groups); without it they are hidden outputs kept for the gradient
 * ({@code _backward_GroupNorm}), as in MXNet.
 */
final class GroupNormOp extends NNOp {
    static final AttrSpec<Integer> NUM_GROUPS = AttrSpec.of("num_groups", AttrType.INT, 1, "number of groups");
    static final AttrSpec<Double> EPS = AttrSpec.of("eps", AttrType.FLOAT, 1e-5, "added to the variance");
    static final AttrSpec<Boolean> OUTPUT_MEAN_VAR = AttrSpec.of("output_mean_var", AttrType.BOOL, false,
            "also output the mean and the standard deviation");

    GroupNormOp() {
        super("GroupNorm", List.of("data", "gamma", "beta"), List.of(NUM_GROUPS, EPS, OUTPUT_MEAN_VAR));
    }

    @Override
    public String doc() {
        return "Group normalisation over groups of channels.";
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

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        requireMinRank(attrs, inputShapes, 0, 3, "GroupNorm takes (batch, channel, spatial...)");
        Shape data = inputShapes.get(0);
        int groups = attrs.get(NUM_GROUPS);
        if (groups < 1 || data.get(1) % groups != 0) {
            throw error("attribute 'num_groups' " + groups + " must be positive and divide the " + data.get(1)
                    + " channels of 'data' " + data);
        }
        Shape param = Shape.of(groups);
        String why = "one value per group: num_groups=" + groups;
        requireShape(attrs, inputShapes, 1, param, why);
        requireShape(attrs, inputShapes, 2, param, why);
        Shape moments = Shape.of(data.get(0), groups);
        return List.of(data, moments, moments);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray x = call.input(0);
        NDArray out = call.newOutput(0);
        int groups = call.attr(NUM_GROUPS);
        Rows rows = layout(this, call.attrs(), x.shape()).rows();
        RowNorm.Moments mv = RowNorm.run(x, out, rows, asFloat(call.attr(EPS)), Rows.all(call.input(1)),
                Rows.all(call.input(2)), false, groups);
        NDArray mean = call.newOutput(1);
        NDArray std = call.newOutput(2);
        Rows.scatter(mv.mean(), 0, mean, 0, 1, mean.size());
        Rows.scatter(mv.std(), 0, std, 0, 1, std.size());
        return List.of(out, mean, std);
    }

    /** One row per (instance, group), gamma per group. */
    static RowNorm.Layout layout(NNOp op, Attrs attrs, Shape s) {
        int groups = attrs.get(NUM_GROUPS);
        return new RowNorm.Layout(new Rows(s.get(0) * groups, s.sizeOf(1, s.rank()) / groups, 1), false, groups);
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        return RowNormBackwardOp.forwardGradient(g);
    }
}
