package dev.kiln.op.creation;

import dev.kiln.ndarray.Casting;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.parallel.Parallel;

import java.util.List;

/**
 * MXNet's {@code _arange}: {@code start, start + step, ...} up to (excluding) {@code stop}, each value repeated
 * {@code repeat} times. With {@code stop} absent (and {@code infer_range} off) the range is {@code [0, start)}, as in
 * Python's {@code range(n)}. As in MXNet, {@code start} and {@code step} are first cast to the output dtype and the
 * values are computed in that dtype, and an empty range is an error.
 */
final class ArangeOp extends InitOp {
    static final AttrSpec<Double> START = AttrSpec.required("start", AttrType.FLOAT,
            "Start of interval; the interval includes this value");
    static final AttrSpec<Double> STOP = AttrSpec.optional("stop", AttrType.FLOAT,
            "End of interval; the interval does not include this value");
    static final AttrSpec<Double> STEP = AttrSpec.of("step", AttrType.FLOAT, 1.0, "Spacing between values");
    static final AttrSpec<Integer> REPEAT = AttrSpec.of("repeat", AttrType.INT, 1,
            "The repeating time of all elements");
    static final AttrSpec<Boolean> INFER_RANGE = AttrSpec.of("infer_range", AttrType.BOOL, false,
            "Infer the stop position from start, step, repeat and the output size (graphs only)");

    static final ArangeOp INSTANCE = new ArangeOp();

    private ArangeOp() {
        super("_arange", List.of(START, STOP, STEP, REPEAT, INFER_RANGE, InitAttrs.CTX, InitAttrs.DTYPE));
    }

    @Override
    public String doc() {
        return "Evenly spaced values within [start, stop), each repeated 'repeat' times";
    }

    /** {start, stop} after MXNet's rule that a missing stop makes the range {@code [0, start)}. */
    private double[] bounds(Attrs attrs) {
        Double stop = attrs.get(STOP);
        double start = attrs.get(START);
        if (stop == null) {
            if (attrs.get(INFER_RANGE)) {
                throw error("infer_range=True takes the output size from a graph; an eager call needs 'stop'");
            }
            return new double[] {0, start};
        }
        return new double[] {start, stop};
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        double step = attrs.get(STEP);
        int repeat = attrs.get(REPEAT);
        if (step == 0) {
            throw error("attribute 'step' must not be 0");
        }
        if (repeat <= 0) {
            throw error("attribute 'repeat' must be > 0, got " + repeat);
        }
        double[] b = bounds(attrs);
        if (step > 0 ? !(b[0] < b[1]) : !(b[0] > b[1])) {
            throw error("invalid range (start, stop, step) = (" + b[0] + ", " + b[1] + ", " + step
                    + "): it holds no values");
        }
        double n = Math.ceil((b[1] - b[0]) / step) * repeat;
        if (!(n <= Integer.MAX_VALUE - 8)) {
            throw error("range (start, stop, step, repeat) = (" + b[0] + ", " + b[1] + ", " + step + ", " + repeat
                    + ") has " + n + " values, more than a Java array holds");
        }
        return List.of(Shape.of((int) n));
    }

    @Override
    void fill(Attrs attrs, NDArray out) {
        double start = bounds(attrs)[0];
        double step = attrs.get(STEP);
        int repeat = attrs.get(REPEAT);
        DType t = out.dtype();
        Object data = out.data();
        switch (data) {
            case float[] a -> {
                float s = (float) start;
                float d = (float) step;
                Parallel.forRange(a.length, 1 << 14, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        a[i] = s + (float) (i / repeat) * d;
                    }
                });
            }
            case double[] a -> Parallel.forRange(a.length, 1 << 14, (from, to) -> {
                for (int i = from; i < to; i++) {
                    a[i] = start + (double) (i / repeat) * step;
                }
            });
            default -> {
                if (t.isFloating()) {
                    // float16/bfloat16 arithmetic rounds after every operation, as mshadow's half types do
                    double s = Casting.roundTo(t, start);
                    double d = Casting.roundTo(t, step);
                    for (int i = 0; i < out.size(); i++) {
                        double k = Casting.roundTo(t, i / repeat);
                        Storage.set(t, data, i, Casting.roundTo(t, s + Casting.roundTo(t, k * d)));
                    }
                } else {
                    // integers: start and step cast to the dtype, the sum computed in 64 bits, then narrowed
                    long s = (long) Casting.roundTo(t, start);
                    long d = (long) Casting.roundTo(t, step);
                    for (int i = 0; i < out.size(); i++) {
                        Storage.setLong(t, data, i, s + (long) (i / repeat) * d);
                    }
                }
            }
        }
    }
}
