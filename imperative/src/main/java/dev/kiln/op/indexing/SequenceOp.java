package dev.kiln.op.indexing;

import dev.kiln.ndarray.Casting;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.ShapeSlots;
import dev.kiln.op.TypeSlots;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Common ground of MXNet's {@code SequenceMask}, {@code SequenceLast} and {@code SequenceReverse}: {@code data} of
 * rank >= 2 laid out {@code (time, batch, ...)} for {@code axis=0} or {@code (batch, time, ...)} for {@code axis=1},
 * and, only when {@code use_sequence_length=True}, a second input {@code sequence_length} of shape {@code (batch,)}
 * (any dtype; values truncate toward zero).
 */
public abstract class SequenceOp extends OpDef {
    public static final AttrSpec<Boolean> USE_SEQUENCE_LENGTH = AttrSpec.of("use_sequence_length", AttrType.BOOL,
            false, "take a second input sequence_length giving each batch entry's length");
    public static final AttrSpec<Integer> AXIS = AttrSpec.of("axis", AttrType.INT, 0,
            "the sequence (time) axis: 0 or 1");

    private final boolean axisOneAllowed;

    protected SequenceOp(String name, List<AttrSpec<?>> attrs, boolean axisOneAllowed, String... aliases) {
        super(name, OpFamily.INDEXING, List.of("data", "sequence_length"), attrs, aliases);
        this.axisOneAllowed = axisOneAllowed;
    }

    @Override
    public List<String> inputNames(Attrs attrs) {
        return attrs.get(USE_SEQUENCE_LENGTH) ? List.of("data", "sequence_length") : List.of("data");
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> in) {
        return List.of(in.get(0));
    }

    /**
     * The output keeps input 0's dtype; {@code sequence_length} may have any dtype and, as in MXNet, takes the data's
     * when unknown.
     */
    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.unify(new int[] {0}, new int[] {0});
        if (slots.numInputs() == 2 && !slots.inputKnown(1)) {
            slots.assignInput(1, slots.input(0));
        }
        slots.forward();
    }

    /** The output shape for checked data of shape {@code data} with time axis {@code axis}. */
    protected abstract Shape outputShape(Shape data, int axis);

    @Override
    public final List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
        Shape data = in.get(0);
        int axis = attrs.get(AXIS);
        if (axis != 0 && (axis != 1 || !axisOneAllowed)) {
            throw error("attribute 'axis' = " + axis + " is not supported; use " + (axisOneAllowed ? "0 or 1" : "0"));
        }
        if (data.rank() < 2) {
            throw error("input 'data' must have rank >= 2 (time and batch axes), got shape " + data);
        }
        if (attrs.get(USE_SEQUENCE_LENGTH)) {
            Shape expected = Shape.of(data.get(1 - axis));
            if (!in.get(1).equals(expected)) {
                throw error("input 'sequence_length' has shape " + in.get(1) + " but 'data' of shape " + data
                        + " with axis=" + axis + " needs " + expected);
            }
        }
        return List.of(outputShape(data, axis));
    }

    /** The data's shape with only what {@code out} says of it (its other dims unknown), for partial inference. */
    protected abstract Shape dataFromOutput(Shape out, int axis);

    /**
     * Once the data's rank is known the output follows (unknown dims staying unknown) and {@code sequence_length} is
     * (batch,); a known output or length gives the data's dims back.
     */
    @Override
    public final void inferShapesPartial(ShapeSlots slots) {
        int axis = slots.attrs().get(AXIS);
        boolean lengths = slots.attrs().get(USE_SEQUENCE_LENGTH);
        if (axis == 0 || axis == 1 && axisOneAllowed) {
            Shape out = slots.output(0);
            if (ShapeSlots.isRankKnown(out) && out.rank() >= 1) {
                slots.learnInput(0, dataFromOutput(out, axis));
            }
            Shape data = slots.input(0);
            if (ShapeSlots.isRankKnown(data) && data.rank() >= 2) {
                if (lengths && ShapeSlots.isRankKnown(slots.input(1)) && slots.input(1).rank() == 1) {
                    slots.learnInput(0, ShapeSlots.unknownDims(data.rank()).with(1 - axis, slots.input(1).get(0)));
                }
                data = slots.input(0);
                if (lengths) {
                    slots.assignInput(1, Shape.partial(data.get(1 - axis)));
                }
                slots.assignOutput(0, outputShape(data, axis));
            }
        }
        slots.forward();
    }

    /** Geometry of {@code data}: {@code [time, batch, rest]}. */
    protected static int[] geometry(Shape data, int axis) {
        return new int[] {data.get(axis), data.get(1 - axis), data.sizeOf(2, data.rank())};
    }

    /**
     * The length of every batch entry: from {@code sequence_length} when given, else {@code time}. Each must lie in
     * {@code [min, max]}, else the error names the entry, its value and the data shape.
     */
    protected int[] lengths(List<NDArray> inputs, Attrs attrs, int batch, int time, int min, int max, Shape data) {
        return lengths(this, attrs.get(USE_SEQUENCE_LENGTH) ? inputs.get(1) : null, attrs.get(AXIS), batch, time, min,
                max, data);
    }

    /** {@link #lengths} for {@code op}, from {@code given} ({@code null} without {@code use_sequence_length}). */
    static int[] lengths(OpDef op, NDArray given, int axis, int batch, int time, int min, int max, Shape data) {
        int[] out = new int[batch];
        for (int b = 0; b < batch; b++) {
            double v = given != null ? given.getDouble(b) : time;
            long len = Casting.doubleToInt64(v);
            if (len < min || len > max) {
                throw op.error("input 'sequence_length' holds " + IndexMode.format(v) + " at batch entry " + b
                        + ", out of range [" + min + ", " + max + "] for 'data' of shape " + data + " (axis=" + axis
                        + ")");
            }
            out[b] = (int) len;
        }
        return out;
    }

    /**
     * The gradient of an op that is its own gradient map ({@code op} applied to the output gradient and the
     * lengths): {@code data} gets that, {@code sequence_length} none.
     */
    protected static <T> List<T> sequenceGradient(Gradient<T> g, String op, Map<String, ?> attrs) {
        if (g.numInputs() == 2) {
            return g.grads(g.apply(op, attrs, g.outGrad(0), g.input(1)), null);
        }
        return g.grads(g.apply(op, attrs, g.outGrad(0)));
    }

    /** The shared attributes with {@code between} in the middle, in MXNet's declaration order. */
    protected static List<AttrSpec<?>> attrs(AttrSpec<?>... between) {
        List<AttrSpec<?>> out = new ArrayList<>();
        out.add(USE_SEQUENCE_LENGTH);
        out.addAll(List.of(between));
        out.add(AXIS);
        return out;
    }
}
