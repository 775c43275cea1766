package dev.kiln.op.creation;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;

import java.util.List;

/**
 * MXNet's {@code _linspace}: {@code num} evenly spaced values from {@code start} to {@code stop} (included unless
 * {@code endpoint=False}). Each value is {@code start + i * step} computed in double, then rounded to the dtype.
 */
final class LinspaceOp extends InitOp {
    static final AttrSpec<Double> START = AttrSpec.required("start", AttrType.FLOAT, "The starting value");
    static final AttrSpec<Double> STOP = AttrSpec.required("stop", AttrType.FLOAT, "The ending value");
    static final AttrSpec<Integer> NUM = AttrSpec.required("num", AttrType.INT,
            "Number of samples to generate; must be non-negative");
    static final AttrSpec<Boolean> ENDPOINT = AttrSpec.of("endpoint", AttrType.BOOL, true,
            "If True, stop is the last sample; otherwise it is not included");

    static final LinspaceOp INSTANCE = new LinspaceOp();

    private LinspaceOp() {
        super("_linspace", List.of(START, STOP, NUM, ENDPOINT, InitAttrs.CTX, InitAttrs.DTYPE));
    }

    @Override
    public String doc() {
        return "'num' evenly spaced values over [start, stop]";
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        int num = attrs.get(NUM);
        if (num < 0) {
            throw error("attribute 'num' must be non-negative, got " + num);
        }
        return List.of(Shape.of(num));
    }

    @Override
    void fill(Attrs attrs, NDArray out) {
        double start = attrs.get(START);
        double stop = attrs.get(STOP);
        int num = attrs.get(NUM);
        int intervals = attrs.get(ENDPOINT) ? num - 1 : num;
        double step = intervals > 0 ? (stop - start) / intervals : 0.0;
        DType t = out.dtype();
        Object data = out.data();
        for (int i = 0; i < num; i++) {
            Storage.set(t, data, i, start + step * i);
        }
    }
}
