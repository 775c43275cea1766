package dev.kiln.op.nn;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.ShapeSlots;

import java.util.List;

/**
 * MXNet's {@code LayerNorm}: normalises along {@code axis} (default last) with the biased variance, then applies
 * per-position {@code gamma} and {@code beta} of shape (size of axis,). With {@code output_mean_var} it also returns
 * the mean and the standard deviation {@code sqrt(var + eps)}, shaped like the data with the axis set to 1; without
 * it they are hidden outputs kept for the gradient ({@code _backward_LayerNorm}), as in MXNet.
 */
final class LayerNormOp extends RowNormOp {
    static final AttrSpec<Integer> AXIS = AttrSpec.of("axis", AttrType.INT, -1, "the axis to normalise along");
    static final AttrSpec<Double> EPS = AttrSpec.of("eps", AttrType.FLOAT, 1e-5, "added to the variance");
    static final AttrSpec<Boolean> OUTPUT_MEAN_VAR = AttrSpec.of("output_mean_var", AttrType.BOOL, false,
            "also output the mean and the standard deviation");

    LayerNormOp() {
        super("LayerNorm", List.of(AXIS, EPS, OUTPUT_MEAN_VAR), EPS, LayerNormOp::layout, "_npx_layer_norm");
    }

    @Override
    public String doc() {
        return "Layer normalisation along one axis with per-position gamma and beta.";
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
        return normShapes(attrs, inputShapes, param, why, data.with(axis, 1));
    }

    /**
     * As MXNet: gamma and beta are (size of axis,), the mean and std outputs the data's shape with the axis set to 1,
     * output 0 the data's shape. Known gamma or moments give the data's dims back.
     */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        Shape data = unifyData(slots);
        Shape param = unifyParams(slots);
        Shape moments = unifyMoments(slots);
        if (!ShapeSlots.isRankKnown(data) && ShapeSlots.isRankKnown(moments)) {
            slots.learnInput(0, moments.with(axis(this, slots.attrs(), moments), Shape.UNKNOWN));
            data = unifyData(slots);
        }
        if (ShapeSlots.isRankKnown(data)) {
            int axis = axis(this, slots.attrs(), data);
            if (ShapeSlots.isRankKnown(param) && param.rank() == 1) {
                data = assignDataDim(slots, data, axis, param.get(0));
            }
            if (ShapeSlots.isRankKnown(moments) && moments.rank() == data.rank()) {
                slots.learnInput(0, moments.with(axis, Shape.UNKNOWN));
                data = unifyData(slots);
            }
            assignNormShapes(slots, Shape.partial(data.get(axis)), data.with(axis, 1));
        }
        slots.forward();
    }

    /** Rows along the axis, gamma per position. */
    static RowNorm.Layout layout(NNOp op, Attrs attrs, Shape data) {
        return new RowNorm.Layout(Rows.along(data, axis(op, attrs, data)), true, 1);
    }
}
