package dev.kiln.op.nn;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;
import dev.kiln.parallel.Parallel;

import java.util.List;
import java.util.Map;

/**
 * MXNet's {@code L2Normalization}: divides the data by {@code sqrt(sum(x^2) + eps)} taken per instance (all dims
 * after the first), per channel vector (across axis 1 at each spatial position) or per spatial map (over the dims
 * after axis 1 for each instance and channel). Channel and spatial modes need data of rank 3 or more. The gradient
 * {@code (out_grad - y * sum(out_grad * y)) / norm} is composed of reductions, so it can be differentiated again.
 */
final class L2NormalizationOp extends NNOp {
    static final AttrSpec<Double> EPS = AttrSpec.of("eps", AttrType.FLOAT, 1e-10, "added to the sum of squares");
    static final AttrSpec<String> MODE = AttrSpec.of("mode", AttrType.oneOf("instance", "channel", "spatial"),
            "instance", "which elements share one norm");

    L2NormalizationOp() {
        super("L2Normalization", List.of("data"), List.of(EPS, MODE));
    }

    @Override
    public String doc() {
        return "Divides by the L2 norm per instance, per channel vector or per spatial map.";
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        return List.of(requireFloating(attrs, inputTypes, 0));
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        String mode = attrs.get(MODE);
        requireMinRank(attrs, inputShapes, 0, mode.equals("instance") ? 1 : 3, "mode='" + mode + "'");
        return List.of(inputShapes.get(0));
    }

    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        sameShapeAsData(slots);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray x = call.input(0);
        NDArray out = call.newOutput(0);
        Shape s = x.shape();
        int n = s.get(0);
        Rows rows = switch (call.attr(MODE)) {
            case "instance" -> new Rows(n, s.sizeOf(1, s.rank()), 1);
            case "channel" -> new Rows(n, s.get(1), s.sizeOf(2, s.rank()));
            default -> new Rows(n * s.get(1), s.sizeOf(2, s.rank()), 1);
        };
        double eps = asFloat(call.attr(EPS));
        int m = rows.length();
        int stride = rows.inner();
        Parallel.forRange(rows.count(), rows.grain(), (from, to) -> {
            double[] buf = new double[m];
            for (int r = from; r < to; r++) {
                int base = rows.base(r);
                Rows.gather(x, base, stride, m, buf, 0);
                double sq = 0;
                for (int j = 0; j < m; j++) {
                    sq += buf[j] * buf[j];
                }
                double norm = Math.sqrt(sq + eps);
                for (int j = 0; j < m; j++) {
                    buf[j] /= norm;
                }
                Rows.scatter(buf, 0, out, base, stride, m);
            }
        });
        return List.of(out);
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        Map<String, Object> axes = switch (g.attr(MODE)) {
            case "instance" -> Map.of("axis", 0, "exclude", true, "keepdims", true);
            case "channel" -> Map.of("axis", 1, "keepdims", true);
            default -> Map.of("axis", dev.kiln.op.IntTuple.of(0, 1), "exclude", true, "keepdims", true);
        };
        T x = g.input(0);
        T y = g.output(0);
        T og = g.outGrad(0);
        T norm = g.apply("sqrt", g.plusScalar(g.apply("sum", axes, g.apply("square", x)), asFloat(g.attr(EPS))));
        T projection = g.mul(y, g.apply("sum", axes, g.mul(og, y)));
        return g.grads(g.div(g.sub(og, projection), norm));
    }
}
