package dev.kiln.op.nn;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;

import java.util.List;

/**
 * MXNet's {@code InstanceNorm} (float32 only): for data (N, C, spatial...) of rank 3 or more, normalises each
 * (instance, channel) over its spatial positions with the biased variance, then applies per-channel gamma and beta.
 * The same computation runs in training and prediction.
 */
final class InstanceNormOp extends NNOp {
    static final AttrSpec<Double> EPS = AttrSpec.of("eps", AttrType.FLOAT, 1e-3, "added to the variance");

    InstanceNormOp() {
        super("InstanceNorm", List.of("data", "gamma", "beta"), List.of(EPS));
    }

    @Override
    public String doc() {
        return "Instance normalisation: per instance and channel over the spatial dims.";
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        DType t = requireFloat32(attrs, inputTypes, 0);
        requireDType(attrs, inputTypes, 1, t, "the same as 'data'");
        requireDType(attrs, inputTypes, 2, t, "the same as 'data'");
        return List.of(t);
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        requireMinRank(attrs, inputShapes, 0, 3, "InstanceNorm takes (batch, channel, spatial...)");
        Shape data = inputShapes.get(0);
        Shape param = Shape.of(data.get(1));
        String why = "one value per channel: axis 1 of 'data' " + data;
        requireShape(attrs, inputShapes, 1, param, why);
        requireShape(attrs, inputShapes, 2, param, why);
        return List.of(data);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray x = call.input(0);
        NDArray out = call.newOutput(0);
        Shape s = x.shape();
        int channels = s.get(1);
        Rows rows = new Rows(s.get(0) * channels, s.sizeOf(2, s.rank()), 1);
        RowNorm.run(x, out, rows, asFloat(call.attr(EPS)), Rows.all(call.input(1)), Rows.all(call.input(2)),
                false, channels);
        return List.of(out);
    }
}
