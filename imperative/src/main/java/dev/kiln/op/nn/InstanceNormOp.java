package dev.kiln.op.nn;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.ShapeSlots;

import java.util.List;

/**
 * MXNet's {@code InstanceNorm} (float32 only): for data (N, C, spatial...) of rank 3 or more, normalises each
 * (instance, channel) over its spatial positions with the biased variance, then applies per-channel gamma and beta.
 * The same computation runs in training and prediction. Hidden outputs keep the mean and {@code sqrt(var + eps)}
 * of shape (N, C) for the gradient ({@code _backward_InstanceNorm}), as MXNet keeps its mean and variance.
 */
final class InstanceNormOp extends RowNormOp {
    static final AttrSpec<Double> EPS = AttrSpec.of("eps", AttrType.FLOAT, 1e-3, "added to the variance");

    InstanceNormOp() {
        super("InstanceNorm", List.of(EPS), EPS, InstanceNormOp::layout);
    }

    @Override
    public String doc() {
        return "Instance normalisation: per instance and channel over the spatial dims.";
    }

    @Override
    public int numVisibleOutputs(Attrs attrs) {
        return 1;
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        DType t = requireFloat32(attrs, inputTypes, 0);
        requireDType(attrs, inputTypes, 1, t, "the same as 'data'");
        requireDType(attrs, inputTypes, 2, t, "the same as 'data'");
        return repeat(t, 3);
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        requireMinRank(attrs, inputShapes, 0, 3, "InstanceNorm takes (batch, channel, spatial...)");
        Shape data = inputShapes.get(0);
        Shape param = Shape.of(data.get(1));
        String why = "one value per channel: axis 1 of 'data' " + data;
        return normShapes(attrs, inputShapes, param, why, Shape.of(data.get(0), data.get(1)));
    }

    /**
     * gamma and beta are (channels,), the hidden mean and std (batch, channels), output 0 the data's shape; known
     * parameters or moments give the data's first two dims back.
     */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        Shape data = unifyData(slots);
        Shape param = unifyParams(slots);
        Shape moments = unifyMoments(slots);
        if (ShapeSlots.isRankKnown(data) && data.rank() >= 3) {
            if (ShapeSlots.isRankKnown(param) && param.rank() == 1) {
                data = assignDataDim(slots, data, 1, param.get(0));
            }
            if (ShapeSlots.isRankKnown(moments) && moments.rank() == 2) {
                data = assignDataDim(slots, data, 0, moments.get(0));
                data = assignDataDim(slots, data, 1, moments.get(1));
            }
            assignNormShapes(slots, Shape.partial(data.get(1)), Shape.partial(data.get(0), data.get(1)));
        }
        slots.forward();
    }

    /** One row per (instance, channel) over the spatial positions, gamma per channel. */
    static RowNorm.Layout layout(NNOp op, Attrs attrs, Shape s) {
        return new RowNorm.Layout(new Rows(s.get(0) * s.get(1), s.sizeOf(2, s.rank()), 1), false, s.get(1));
    }
}
