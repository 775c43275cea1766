package dev.kiln.op.nn;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.parallel.Parallel;

import java.util.List;

/**
 * MXNet's {@code LRN}, local response normalisation across channels for float32 data (N, C, H, W):
 * {@code out = x * (knorm + alpha / nsize * sum of x^2 over the nsize channels centred on c)^(-beta)}, the window
 * clipped at the first and last channel (so a window wider than C, which MXNet accepts, covers every channel).
 * {@code nsize} must be odd.
 */
final class LRNOp extends NNOp {
    static final AttrSpec<Double> ALPHA = AttrSpec.of("alpha", AttrType.FLOAT, 1e-4, "variance scaling");
    static final AttrSpec<Double> BETA = AttrSpec.of("beta", AttrType.FLOAT, 0.75, "power");
    static final AttrSpec<Double> KNORM = AttrSpec.of("knorm", AttrType.FLOAT, 2.0, "additive constant k");
    static final AttrSpec<Integer> NSIZE = AttrSpec.required("nsize", AttrType.INT,
            "normalisation window width in channels (odd)");

    LRNOp() {
        super("LRN", List.of("data"), List.of(ALPHA, BETA, KNORM, NSIZE));
    }

    @Override
    public String doc() {
        return "Local response normalisation across neighbouring channels.";
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        return List.of(requireFloat32(attrs, inputTypes, 0));
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        Shape data = inputShapes.get(0);
        if (data.rank() != 4) {
            throw error("input 'data' must be 4-D (batch, channel, height, width), got shape " + data);
        }
        int nsize = attrs.get(NSIZE);
        if (nsize < 1 || nsize % 2 == 0) {
            throw error("attribute 'nsize' must be a positive odd number, got " + nsize);
        }
        return List.of(data);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray x = call.input(0);
        NDArray out = call.newOutput(0);
        Shape s = x.shape();
        int nsize = call.attr(NSIZE);
        double salpha = (float) ((float) (double) call.attr(ALPHA) / nsize);
        double knorm = asFloat(call.attr(KNORM));
        double beta = asFloat(call.attr(BETA));
        int half = nsize / 2;
        Rows rows = Rows.along(s, 1);
        int c = rows.length();
        int stride = rows.inner();
        Parallel.forRange(rows.count(), rows.grain(), (from, to) -> {
            double[] buf = new double[c];
            double[] res = new double[c];
            for (int r = from; r < to; r++) {
                int base = rows.base(r);
                Rows.gather(x, base, stride, c, buf, 0);
                for (int k = 0; k < c; k++) {
                    double sum = 0;
                    int end = Math.min(c, k - half + nsize);
                    for (int j = Math.max(0, k - half); j < end; j++) {
                        sum += buf[j] * buf[j];
                    }
                    res[k] = buf[k] * Math.pow(sum * salpha + knorm, -beta);
                }
                Rows.scatter(res, 0, out, base, stride, c);
            }
        });
        return List.of(out);
    }
}
