package dev.kiln.op.creation;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;

import java.util.ArrayList;
import java.util.List;

/**
 * MXNet's {@code _zeros}, {@code _ones} and {@code _full}: an array of {@code shape} holding one value (rounded to
 * {@code dtype}); {@code _full} takes the value from its {@code value} attribute.
 */
final class FillOp extends InitOp {
    static final AttrSpec<Double> VALUE = AttrSpec.required("value", AttrType.FLOAT,
            "Value with which to fill newly created tensor");

    static final FillOp ZEROS = new FillOp("_zeros", 0.0);
    static final FillOp ONES = new FillOp("_ones", 1.0);
    static final FillOp FULL = new FillOp("_full", null);

    private final Double constant;

    private FillOp(String name, Double constant) {
        super(name, specs(constant == null));
        this.constant = constant;
    }

    private static List<AttrSpec<?>> specs(boolean withValue) {
        List<AttrSpec<?>> s = new ArrayList<>(List.of(InitAttrs.SHAPE, InitAttrs.CTX, InitAttrs.DTYPE));
        if (withValue) {
            s.add(VALUE);
        }
        return s;
    }

    @Override
    public String doc() {
        return constant == null ? "An array of the given shape filled with 'value'"
                : "An array of the given shape filled with " + (constant == 0 ? "zeros" : "ones");
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        return List.of(InitAttrs.shape(this, attrs, InitAttrs.SHAPE));
    }

    @Override
    void fill(Attrs attrs, NDArray out) {
        double v = constant != null ? constant : attrs.get(VALUE);
        if (v != 0) {
            out.fill(v);
        }
    }
}
