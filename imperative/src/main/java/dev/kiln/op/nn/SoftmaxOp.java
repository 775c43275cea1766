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
import dev.kiln.op.TypeSlots;

import java.util.List;
import java.util.Map;

/**
 * MXNet's {@code softmax}, {@code log_softmax} and {@code softmin} along one axis, optionally divided by a
 * temperature and written in another float dtype ({@code dtype}). Only {@code softmax} takes the {@code length}
 * input ({@code use_length=True}), as in MXNet: positions at or beyond a row's length are excluded and output 0.
 * Gradients are composed from the output ({@code y * (g - sum(g * y))}, and {@code g - exp(y) * sum(g)} for
 * log_softmax), so they can be differentiated again; the length gets none. With {@code dtype} the gradient is
 * {@code _backward_<name>}, which writes it in the data's dtype.
 */
final class SoftmaxOp extends NNOp {
    static final AttrSpec<Integer> AXIS = AttrSpec.of("axis", AttrType.INT, -1, "the axis to normalise along");
    static final AttrSpec<Double> TEMPERATURE = AttrSpec.optional("temperature", AttrType.FLOAT,
            "divides the logits before exponentiating (None means 1)");
    static final AttrSpec<DType> DTYPE = AttrSpec.optional("dtype", AttrType.DTYPE,
            "output dtype: float16, float32 or float64 (None keeps the input's)");
    static final AttrSpec<Boolean> USE_LENGTH = AttrSpec.of("use_length", AttrType.BOOL, false,
            "mask each row beyond the valid length given by the 'length' input");

    private final boolean negate;
    private final boolean log;

    private SoftmaxOp(String name, boolean negate, boolean log, String... aliases) {
        super(name, List.of("data", "length"), List.of(AXIS, TEMPERATURE, DTYPE, USE_LENGTH), aliases);
        this.negate = negate;
        this.log = log;
    }

    static SoftmaxOp softmax() {
        return new SoftmaxOp("softmax", false, false, "_npx_softmax");
    }

    static SoftmaxOp logSoftmax() {
        return new SoftmaxOp("log_softmax", false, true, "_npx_log_softmax");
    }

    static SoftmaxOp softmin() {
        return new SoftmaxOp("softmin", true, false);
    }

    private boolean takesLength() {
        return !negate && !log;
    }

    @Override
    public String doc() {
        return negate ? "Softmax of the negated input (softmin) along an axis."
                : log ? "Logarithm of the softmax along an axis, computed stably."
                : "Softmax along an axis, with optional temperature, output dtype and length mask.";
    }

    @Override
    public List<String> inputNames(Attrs attrs) {
        return takesLength() && attrs.get(USE_LENGTH) ? List.of("data", "length") : List.of("data");
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        checkUseLength(attrs);
        DType in = requireFloating(attrs, inputTypes, 0);
        if (inputTypes.size() > 1 && inputTypes.get(1) != DType.INT32 && inputTypes.get(1) != DType.INT64) {
            throw error("input 'length' has dtype " + inputTypes.get(1) + "; it must be int32 or int64");
        }
        DType out = attrs.get(DTYPE);
        if (out == null) {
            return List.of(in);
        }
        if (out != DType.FLOAT16 && out != DType.FLOAT32 && out != DType.FLOAT64) {
            throw error("attribute 'dtype' must be float16, float32 or float64, got " + out);
        }
        return List.of(out);
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        checkUseLength(attrs);
        Shape data = inputShapes.get(0);
        int axis = axis(attrs, data);
        if (inputShapes.size() > 1) {
            Shape expected = data.rank() == 1 ? Shape.of(1) : data.remove(axis);
            requireShape(attrs, inputShapes, 1, expected, "one length per row of 'data' " + data + " along axis "
                    + attrs.get(AXIS));
        }
        return List.of(data);
    }

    /**
     * The output has the data's shape; the length input has it without the axis ({@code (1,)} for 1-D data), so
     * either gives the other's dims once the data's rank is known.
     */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        Shape data = slots.unify(new int[] {0}, new int[] {0});
        if (slots.numInputs() > 1 && ShapeSlots.isRankKnown(data)) {
            if (data.rank() == 1) {
                slots.assignInput(1, Shape.of(1));
            } else {
                int axis = axis(slots.attrs(), data);
                Shape length = slots.input(1);
                if (ShapeSlots.isRankKnown(length) && length.rank() == data.rank() - 1) {
                    slots.learnInput(0, length.insert(axis, Shape.UNKNOWN));
                    data = slots.unify(new int[] {0}, new int[] {0});
                }
                slots.assignInput(1, data.remove(axis));
            }
        }
        slots.forward();
    }

    /** Without {@code dtype} the output takes the data's dtype, and either gives the other; the length is its own. */
    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.firstOutputOr(slots.attrs().get(DTYPE));
        slots.forward();
    }

    private void checkUseLength(Attrs attrs) {
        if (!takesLength() && attrs.get(USE_LENGTH)) {
            throw error("attribute 'use_length' must be False: only softmax takes a 'length' input (as in MXNet)");
        }
    }

    private int axis(Attrs attrs, Shape data) {
        int a = attrs.get(AXIS);
        int r = data.rank();
        int norm = a < 0 ? a + r : a;
        if (norm < 0 || norm >= r) {
            throw error("attribute 'axis' " + a + " is out of range for data of shape " + data);
        }
        return norm;
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray x = call.input(0);
        NDArray out = call.newOutput(0);
        Double temperature = call.attr(TEMPERATURE);
        long[] lengths = call.inputs().size() > 1 ? call.input(1).toLongArray() : null;
        Rows rows = Rows.along(x.shape(), axis(call.attrs(), x.shape()));
        SoftmaxKernel.run(x, out, rows, temperature == null ? 1.0 : temperature, negate, log, lengths, this);
        return List.of(out);
    }

    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        Double temperature = g.attr(TEMPERATURE);
        double scale = (negate ? -1 : 1) / (temperature == null ? 1.0 : temperature);
        T d;
        if (g.attr(DTYPE) != null) {
            d = g.apply("_backward_" + name(), g.attrs().values(), g.outGrad(0), g.output(0), g.input(0));
        } else {
            int axis = g.attr(AXIS);
            d = log ? logSoftmaxGrad(g, g.output(0), g.outGrad(0), axis)
                    : softmaxGrad(g, g.output(0), g.outGrad(0), axis);
            d = scale == 1 ? d : g.mulScalar(d, scale);
        }
        return g.numInputs() == 2 ? g.grads(d, null) : g.grads(d);
    }

    /** The gradient of {@code y = softmax(x)} along {@code axis}: {@code y * (og - sum(og * y))}. */
    static <T> T softmaxGrad(Gradient<T> g, T y, T og, int axis) {
        return g.mul(y, g.sub(og, g.apply("sum", Map.of("axis", axis, "keepdims", true), g.mul(og, y))));
    }

    /** The gradient of {@code y = log_softmax(x)} along {@code axis}: {@code og - exp(y) * sum(og)}. */
    static <T> T logSoftmaxGrad(Gradient<T> g, T y, T og, int axis) {
        return g.sub(og, g.mul(g.apply("exp", y), g.apply("sum", Map.of("axis", axis, "keepdims", true), og)));
    }

    /** The row layout of the data for these attributes (shared with {@code _backward_softmax}). */
    Rows rows(Attrs attrs, Shape data) {
        return Rows.along(data, axis(attrs, data));
    }

    boolean isLog() {
        return log;
    }

    boolean isNegate() {
        return negate;
    }

    boolean isNegated() {
        return negate;
    }
}
