package dev.kiln.op.nn;

import dev.kiln.ndarray.Broadcast;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.IntTuple;
import dev.kiln.op.InPlaceOption;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpContext;
import dev.kiln.op.ShapeSlots;
import dev.kiln.parallel.Parallel;

import java.util.List;

/**
 * MXNet's {@code Dropout}: in training mode (or always, with {@code mode='always'}) each element is kept with
 * probability {@code 1 - p} and scaled by {@code 1 / (1 - p)}, else zeroed; {@code axes} shares one draw along the
 * given axes (variational dropout). Otherwise the op is the identity. As in MXNet, a hidden second output holds the
 * mask ({@code 1/(1-p)} or 0, with the {@code axes} dims set to 1; all ones when nothing is dropped), so the
 * gradient is {@code out_grad * mask}: the same draw as the forward call.
 */
final class DropoutOp extends MaskedOp {
    static final AttrSpec<Double> P = AttrSpec.of("p", AttrType.FLOAT, 0.5,
            "fraction of the input dropped in training");
    static final AttrSpec<String> MODE = AttrSpec.of("mode", AttrType.oneOf("training", "always"), "training",
            "drop only in training mode, or always");
    static final AttrSpec<IntTuple> AXES = AttrSpec.of("axes", AttrType.TUPLE, IntTuple.of(),
            "axes along which one random draw is shared");
    static final AttrSpec<Boolean> CUDNN_OFF = AttrSpec.of("cudnn_off", AttrType.BOOL, false,
            "accepted for compatibility; ignored on the CPU");

    DropoutOp() {
        super("Dropout", List.of(P, MODE, AXES, CUDNN_OFF), "_npx_dropout");
    }

    @Override
    public String doc() {
        return "Randomly zeroes elements with probability p in training, scaling the rest by 1/(1-p).";
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        double p = attrs.get(P);
        if (!(p >= 0 && p <= 1)) {
            throw error("attribute 'p' must be in [0, 1], got " + p);
        }
        return List.of(inputShapes.get(0), maskShape(attrs, inputShapes.get(0)));
    }

    /**
     * Output 0 has the data's shape; the mask has it too except that {@code axes} are 1, so a known mask gives the data
     * its other dims.
     */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        Shape mask = slots.output(1);
        if (ShapeSlots.isRankKnown(mask)) {
            Shape data = mask;
            for (int a : normalizedAxes(slots.attrs(), mask)) {
                data = data.with(a, Shape.UNKNOWN);
            }
            slots.learnInput(0, data);
        }
        Shape data = slots.unify(new int[] {0}, new int[] {0});
        if (ShapeSlots.isRankKnown(data)) {
            slots.assignOutput(1, maskShape(slots.attrs(), data));
        }
        slots.forward();
    }

    /** The shape of the random mask: the data shape with every axis in {@code axes} set to 1 (unknown dims kept). */
    private Shape maskShape(Attrs attrs, Shape data) {
        Shape mask = data;
        for (int a : normalizedAxes(attrs, data)) {
            mask = mask.with(a, 1);
        }
        return mask;
    }

    /** {@code axes} mapped onto {@code [0, rank)} of {@code data}, failing for an axis out of range. */
    private int[] normalizedAxes(Attrs attrs, Shape data) {
        IntTuple axes = attrs.get(AXES);
        int rank = data.rank();
        int[] out = new int[axes.size()];
        for (int i = 0; i < axes.size(); i++) {
            int a = axes.get(i);
            out[i] = a < 0 ? a + rank : a;
            if (out[i] < 0 || out[i] >= rank) {
                throw error("attribute 'axes' " + axes + " has axis " + a + " out of range for data of shape " + data);
            }
        }
        return out;
    }

    /** The output may overwrite the data: each element reads only its own data element and the mask. */
    @Override
    public List<InPlaceOption> inPlaceOptions(Attrs attrs) {
        return InPlaceOption.OVERWRITES_DATA;
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray x = call.input(0);
        NDArray out = call.newOutput(0);
        NDArray maskOut = call.newOutput(1);
        if (!active(call.attrs(), OpContext.isTraining())) {
            x.copyTo(out);
            maskOut.fill(1);
            return List.of(out, maskOut);
        }
        float pkeep = 1.0f - (float) (double) call.attr(P);
        Shape maskShape = maskOut.shape();
        double scale = pkeep > 0 ? 1.0f / pkeep : 0;
        double[] mask = new double[maskShape.size()];
        NNRandom.uniform(mask.length, (i, u) -> mask[i] = u < pkeep ? scale : 0);
        int[] map = maskShape.equals(x.shape()) ? null : Broadcast.indexMap(maskShape, x.shape());
        applyMask(x, out, mask, map);
        Rows.scatter(mask, 0, maskOut, 0, 1, mask.length);
        return List.of(out, maskOut);
    }

    /** Random exactly when a call drops elements ({@link #active}). */
    @Override
    public boolean isRandom(Attrs attrs, boolean training) {
        return active(attrs, training);
    }

    /** True if a call drops elements: p above 0, and training mode or {@code mode='always'}. */
    private static boolean active(Attrs attrs, boolean training) {
        float pkeep = 1.0f - (float) (double) attrs.get(P);
        return pkeep < 1 && (training || attrs.get(MODE).equals("always"));
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        T og = g.outGrad(0);
        return g.grads(active(g.attrs(), g.training()) ? g.mul(og, g.output(1)) : og);
    }

    private static void applyMask(NDArray x, NDArray out, double[] mask, int[] map) {
        int n = x.size();
        Object src = x.data();
        Object dst = out.data();
        Parallel.forRange(n, Elementwise.GRAIN, (from, to) -> {
            if (src instanceof float[] a && dst instanceof float[] b) {
                for (int i = from; i < to; i++) {
                    b[i] = a[i] * (float) mask[map == null ? i : map[i]];
                }
            } else if (src instanceof double[] a && dst instanceof double[] b) {
                for (int i = from; i < to; i++) {
                    b[i] = a[i] * mask[map == null ? i : map[i]];
                }
            } else {
                DType t = x.dtype();
                for (int i = from; i < to; i++) {
                    Storage.set(t, dst, i, Storage.get(t, src, i) * mask[map == null ? i : map[i]]);
                }
            }
        });
    }
}
