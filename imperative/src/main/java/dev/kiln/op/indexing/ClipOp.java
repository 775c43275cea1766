package dev.kiln.op.indexing;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.InPlaceOption;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.ShapeSlots;
import dev.kiln.parallel.Parallel;

import java.util.List;
import java.util.Map;

/**
 * MXNet's {@code clip}: values above {@code a_max} become {@code a_max}, values below {@code a_min} become
 * {@code a_min} (tested in that order, so {@code a_min > a_max} yields {@code a_max} or {@code a_min} as MXNet does).
 * The bounds are float32, as MXNet's {@code real_t}; NaN passes through; integer outputs truncate the bound.
 */
public final class ClipOp extends OpDef {
    public static final AttrSpec<Double> A_MIN = AttrSpec.required("a_min", AttrType.FLOAT, "minimum value");
    public static final AttrSpec<Double> A_MAX = AttrSpec.required("a_max", AttrType.FLOAT, "maximum value");

    public ClipOp() {
        super("clip", OpFamily.INDEXING, List.of("data"), List.of(A_MIN, A_MAX), "_npi_clip");
    }

    @Override
    public String doc() {
        return "limits values to [a_min, a_max]";
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        return List.of(in.get(0));
    }

    /** Input and output share one shape (and, by the default rule, one dtype). */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        slots.unifyAll();
    }

    /**
     * The output gradient passes where {@code a_min <= x <= a_max} (bounds included, and NaN, as MXNet's
     * {@code clip_grad}: only {@code x > a_max} and {@code x < a_min} block it), against the float32 bounds.
     */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        T x = g.input(0);
        double lo = (float) (double) g.attr(A_MIN);
        double hi = (float) (double) g.attr(A_MAX);
        T notAbove = g.rminusScalar(g.apply("_greater_scalar", Map.of("scalar", hi), x), 1);
        T notBelow = g.rminusScalar(g.apply("_lesser_scalar", Map.of("scalar", lo), x), 1);
        return g.grads(g.mul(g.outGrad(0), g.mul(notAbove, notBelow)));
    }

    /** Element-wise, so the output may overwrite the data. */
    @Override
    public List<InPlaceOption> inPlaceOptions(Attrs attrs) {
        return InPlaceOption.OVERWRITES_DATA;
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray in = call.input(0);
        NDArray out = call.newOutput(0);
        float lo = (float) (double) call.attr(A_MIN);
        float hi = (float) (double) call.attr(A_MAX);
        DType t = in.dtype();
        Object src = in.data();
        Object dst = out.data();
        Parallel.forRange(in.size(), 1 << 15, (from, to) -> {
            switch (src) {
                case float[] a -> {
                    float[] o = (float[]) dst;
                    for (int i = from; i < to; i++) {
                        float v = a[i];
                        o[i] = v > hi ? hi : (v < lo ? lo : v);
                    }
                }
                case double[] a -> {
                    double[] o = (double[]) dst;
                    for (int i = from; i < to; i++) {
                        double v = a[i];
                        o[i] = v > hi ? hi : (v < lo ? lo : v);
                    }
                }
                default -> {
                    for (int i = from; i < to; i++) {
                        double v = Storage.get(t, src, i);
                        if (v > hi) {
                            Storage.set(t, dst, i, hi);
                        } else if (v < lo) {
                            Storage.set(t, dst, i, lo);
                        } else {
                            System.arraycopy(src, i, dst, i, 1);
                        }
                    }
                }
            }
        });
        return List.of(out);
    }
}
