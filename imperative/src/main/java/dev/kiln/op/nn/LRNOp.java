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

/**
 * MXNet's {@code LRN}, local response normalisation across channels for float32 data (N, C, H, W):
 * {@code out = x * (knorm + alpha / nsize * sum of x^2 over the nsize channels centred on c)^(-beta)}, the window
 * clipped at the first and last channel (so a window wider than C, which MXNet accepts, covers every channel).
 * {@code nsize} must be odd. The gradient is {@code _backward_LRN}, which recomputes the window sums.
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
    public void inferShapesPartial(ShapeSlots slots) {
        sameShapeAsData(slots);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        double beta = asFloat(call.attr(BETA));
        return List.of(forEachRow(call, null, (buf, scale, og, res) -> {
            for (int k = 0; k < buf.length; k++) {
                res[k] = buf[k] * Math.pow(scale[k], -beta);
            }
        }));
    }

    /**
     * Receives one row across channels: the data, each channel's {@code knorm + alpha/n * window sum}, the output
     * gradient (null in the forward call) and the row to write.
     */
    @FunctionalInterface
    interface RowKernel {
        void apply(double[] x, double[] scale, double[] outGrad, double[] result);
    }

    /**
     * Runs {@code kernel} on every row across channels of input 0 (or input 1 when {@code outGrad} is given, as in
     * {@code _backward_LRN}) and returns output 0, where it wrote the results.
     */
    static NDArray forEachRow(Invocation call, NDArray outGrad, RowKernel kernel) {
        NDArray x = call.input(outGrad == null ? 0 : 1);
        NDArray out = call.newOutput(0);
        int nsize = call.attr(NSIZE);
        double salpha = (float) ((float) (double) call.attr(ALPHA) / nsize);
        double knorm = asFloat(call.attr(KNORM));
        int half = nsize / 2;
        Rows rows = Rows.along(x.shape(), 1);
        int c = rows.length();
        int stride = rows.inner();
        Parallel.forRange(rows.count(), rows.grain(), (from, to) -> {
            double[] buf = new double[c];
            double[] scale = new double[c];
            double[] og = outGrad == null ? null : new double[c];
            double[] res = new double[c];
            for (int r = from; r < to; r++) {
                int base = rows.base(r);
                Rows.gather(x, base, stride, c, buf, 0);
                if (og != null) {
                    Rows.gather(outGrad, base, stride, c, og, 0);
                }
                for (int k = 0; k < c; k++) {
                    double sum = 0;
                    int end = Math.min(c, k + half + 1);
                    for (int j = Math.max(0, k - half); j < end; j++) {
                        sum += buf[j] * buf[j];
                    }
                    scale[k] = sum * salpha + knorm;
                }
                kernel.apply(buf, scale, og, res);
                Rows.scatter(res, 0, out, base, stride, c);
            }
        });
        return out;
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        return g.grads(g.apply("_backward_LRN", g.attrs().values(), g.outGrad(0), g.input(0)));
    }
}
