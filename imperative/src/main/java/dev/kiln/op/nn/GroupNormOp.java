package dev.kiln.op.nn;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.ShapeSlots;

import java.util.List;

/**
 * MXNet 1.x's {@code GroupNorm}: data (N, C, spatial...) is split into {@code num_groups} groups of channels, each
 * (instance, group) is normalised with the biased variance, then scaled and shifted by gamma and beta of shape
 * (num_groups,) (one value per group, as in MXNet 1.x). With {@code output_mean_var} it also returns the mean and
 * {@code sqrt(var + eps)}, each of shape (N, num_groups); without it they are hidden outputs kept for the gradient
 * ({@code _backward_GroupNorm}), as in MXNet.
 */
final class GroupNormOp extends RowNormOp {
    static final AttrSpec<Integer> NUM_GROUPS = AttrSpec.of("num_groups", AttrType.INT, 1, "number of groups");
    static final AttrSpec<Double> EPS = AttrSpec.of("eps", AttrType.FLOAT, 1e-5, "added to the variance");
    static final AttrSpec<Boolean> OUTPUT_MEAN_VAR = AttrSpec.of("output_mean_var", AttrType.BOOL, false,
            "also output the mean and the standard deviation");

    GroupNormOp() {
        super("GroupNorm", List.of(NUM_GROUPS, EPS, OUTPUT_MEAN_VAR), EPS, GroupNormOp::layout);
    }

    @Override
    public String doc() {
        return "Group normalisation over groups of channels.";
    }

    @Override
    public int numVisibleOutputs(Attrs attrs) {
        return attrs.get(OUTPUT_MEAN_VAR) ? 3 : 1;
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
        return normShapes(attrs, inputShapes, param, why, Shape.of(data.get(0), groups));
    }

    /**
     * As MXNet 1.x: gamma and beta are (num_groups,) whatever the data; the mean and std outputs are
     * (batch, num_groups) and give the batch size back; output 0 has the data's shape.
     */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        int groups = slots.attrs().get(NUM_GROUPS);
        Shape data = unifyData(slots);
        Shape moments = unifyMoments(slots);
        if (groups < 1) {
            slots.forward(); // fails naming num_groups once the data is known
            return;
        }
        if (ShapeSlots.isRankKnown(data) && data.rank() >= 3) {
            if (ShapeSlots.isRankKnown(moments) && moments.rank() == 2) {
                data = assignDataDim(slots, data, 0, moments.get(0));
            }
            assignNormShapes(slots, Shape.of(groups), Shape.partial(data.get(0), groups));
        } else {
            slots.assignInput(1, Shape.of(groups));
            unifyParams(slots);
        }
        slots.forward();
    }

    /** One row per (instance, group), gamma per group. */
    static RowNorm.Layout layout(NNOp op, Attrs attrs, Shape s) {
        int groups = attrs.get(NUM_GROUPS);
        return new RowNorm.Layout(new Rows(s.get(0) * groups, s.sizeOf(1, s.rank()) / groups, 1), false, groups);
    }
}
