package dev.kiln.op.nn;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;
import dev.kiln.parallel.Parallel;

import java.util.List;

/**
 * {@code _backward_BatchNorm}: the gradients of data, gamma and beta from the output gradient and the mean and
 * inverse standard deviation the forward call used. With batch statistics the data gradient flows through them
 * (including gradients that reached the mean and inverse-std outputs); with moving statistics
 * ({@code use_global_stats}, set by the rule for predict mode too) they are constants. Gamma's gradient is zero
 * under {@code fix_gamma}, as in MXNet.
 */
final class BatchNormBackwardOp extends NNBackwardOp {

    BatchNormBackwardOp() {
        super("_backward_BatchNorm", List.of("out_grad", "data", "gamma", "mean", "invstd", "mean_grad",
                "invstd_grad"), List.of(BatchNormOp.AXIS, BatchNormOp.FIX_GAMMA, BatchNormOp.USE_GLOBAL_STATS));
    }

    @Override
    public int numOutputs(Attrs attrs) {
        return 3;
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        return List.of(inputTypes.get(1), inputTypes.get(2), inputTypes.get(2));
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        Shape data = inputShapes.get(1);
        Shape channels = Shape.of(data.get(BatchNormOp.axis(this, attrs, data)));
        return List.of(data, channels, channels);
    }

    /**
     * out_grad, data and the data gradient share one shape and dtype; gamma, the statistics, their gradients and the
     * parameter gradients share (channels,) and the parameter dtype.
     */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.unify(new int[] {0, 1}, new int[] {0});
        slots.unify(new int[] {2, 3, 4, 5, 6}, new int[] {1, 2});
        slots.forward();
    }

    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.unify(new int[] {0, 1}, new int[] {0});
        slots.unify(new int[] {2, 3, 4, 5, 6}, new int[] {1, 2});
        slots.forward();
    }

    /** The data gradient and the per-channel gamma and beta gradients are assigned element by element. */
    @Override
    public boolean fillsOutputs(Attrs attrs) {
        return true;
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray og = call.input(0);
        NDArray x = call.input(1);
        Rows layout = Rows.along(x.shape(), BatchNormOp.axis(this, call.attrs(), x.shape()));
        boolean fixGamma = call.attr(BatchNormOp.FIX_GAMMA);
        boolean batchStats = !call.attr(BatchNormOp.USE_GLOBAL_STATS);
        double[] gamma = Rows.all(call.input(2));
        double[] mean = Rows.all(call.input(3));
        double[] invStd = Rows.all(call.input(4));
        double[] meanGrad = Rows.all(call.input(5));
        double[] invStdGrad = Rows.all(call.input(6));
        int channels = layout.length();
        int n = layout.outer() * layout.inner();
        double[] dGamma = new double[channels];
        double[] dBeta = new double[channels];
        NDArray dx = call.newOutput(0);
        Parallel.forRange(channels, BatchNormOp.grain(n), (from, to) -> {
            if (og.data() instanceof float[] ogs && x.data() instanceof float[] xs
                    && dx.data() instanceof float[] dxs) {
                double[] sums = new double[2];
                for (int c = from; c < to; c++) {
                    double s = invStd[c];
                    BatchNormKernels.gradientSums(ogs, xs, layout, c, mean[c], s, sums);
                    dBeta[c] = sums[0];
                    dGamma[c] = fixGamma ? 0 : sums[1];
                    double scale = (fixGamma ? 1 : gamma[c]) * s;
                    if (batchStats && n > 0) {
                        BatchNormKernels.batchGradient(ogs, xs, dxs, layout, c, mean[c], s, scale, sums[0] / n,
                                sums[1] / n, meanGrad[c] / n, invStdGrad[c] * s * s / n);
                    } else {
                        BatchNormKernels.scaledGradient(ogs, dxs, layout, c, scale);
                    }
                }
                return;
            }
            double[] o = new double[n];
            double[] v = new double[n];
            for (int c = from; c < to; c++) {
                BatchNormOp.gatherChannel(og, layout, c, o);
                BatchNormOp.gatherChannel(x, layout, c, v);
                double s = invStd[c];
                double sumO = 0;
                double sumOX = 0;
                for (int j = 0; j < n; j++) {
                    v[j] = (v[j] - mean[c]) * s; // x-hat
                    sumO += o[j];
                    sumOX += o[j] * v[j];
                }
                dBeta[c] = sumO;
                dGamma[c] = fixGamma ? 0 : sumOX;
                double scale = (fixGamma ? 1 : gamma[c]) * s;
                if (batchStats && n > 0) {
                    double meanO = sumO / n;
                    double meanOX = sumOX / n;
                    double viaMean = meanGrad[c] / n;
                    double viaInvStd = invStdGrad[c] * s * s / n;
                    for (int j = 0; j < n; j++) {
                        o[j] = scale * (o[j] - meanO - v[j] * meanOX) + viaMean - viaInvStd * v[j];
                    }
                } else {
                    for (int j = 0; j < n; j++) {
                        o[j] *= scale;
                    }
                }
                BatchNormOp.scatterChannel(o, dx, layout, c);
            }
        });
        NDArray gGamma = call.newOutput(1);
        NDArray gBeta = call.newOutput(2);
        Rows.scatter(dGamma, 0, gGamma, 0, 1, channels);
        Rows.scatter(dBeta, 0, gBeta, 0, 1, channels);
        return List.of(dx, gGamma, gBeta);
    }
}
