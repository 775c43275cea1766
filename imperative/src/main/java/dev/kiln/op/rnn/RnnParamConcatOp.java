package dev.kiln.op.rnn;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;
import dev.kiln.op.ShapeSlots;

import java.util.ArrayList;
import java.util.List;

/**
 * MXNet's {@code _rnn_param_concat}: {@code Concat} with one more rule of shape inference, which Gluon's recurrent
 * layers rely on to join their weights into the fused op's parameter vector. When the output's size along
 * {@code dim} is known and several inputs' are not, the rest is split equally among them: with a deferred input size,
 * the unknown weights are the first layer's i2h weights, one per direction, of equal size. Everything else (values,
 * checks, the gradient through {@code _backward_Concat}) is Concat's.
 */
final class RnnParamConcatOp extends OpDef {
    static final AttrSpec<Integer> NUM_ARGS = AttrSpec.required("num_args", AttrType.INT,
            "number of inputs to concatenate");
    static final AttrSpec<Integer> DIM = AttrSpec.of("dim", AttrType.INT, 1, "the axis to concatenate along");

    RnnParamConcatOp() {
        super("_rnn_param_concat", OpFamily.SHAPE, List.of("data"), List.of(NUM_ARGS, DIM));
    }

    @Override
    public String doc() {
        return "Concat that splits a known total equally among inputs of unknown size (RNN parameter vectors).";
    }

    @Override
    public List<String> inputNames(Attrs attrs) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < attrs.get(NUM_ARGS); i++) {
            names.add("arg" + i);
        }
        return names;
    }

    private static OpDef concat() {
        return OpRegistry.global().get("Concat");
    }

    private static Attrs concatAttrs(Attrs attrs) {
        return concat().attrs(attrs.values());
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        return concat().inferShapes(concatAttrs(attrs), inputShapes);
    }

    /** Concat's rule, after giving inputs of unknown size along {@code dim} equal parts of what the others leave. */
    @Override
    public void inferShapesPartial(ShapeSlots slots) {
        Shape out = slots.output(0);
        if (ShapeSlots.isRankKnown(out) && out.rank() > 0) {
            int axis = slots.attrs().get(DIM);
            axis = axis < 0 ? axis + out.rank() : axis;
            if (axis >= 0 && axis < out.rank() && out.get(axis) != Shape.UNKNOWN) {
                splitRest(slots, axis, out);
            }
        }
        concat().inferShapesPartial(slots);
    }

    private static void splitRest(ShapeSlots slots, int axis, Shape out) {
        List<Integer> unknown = new ArrayList<>();
        long known = 0;
        for (int i = 0; i < slots.numInputs(); i++) {
            Shape s = slots.input(i);
            if (ShapeSlots.isRankKnown(s) && s.rank() == out.rank() && s.get(axis) != Shape.UNKNOWN) {
                known += s.get(axis);
            } else if (ShapeSlots.isRankKnown(s) && s.rank() != out.rank()) {
                return; // Concat's rule reports the rank mismatch
            } else {
                unknown.add(i);
            }
        }
        long rest = out.get(axis) - known;
        if (unknown.size() < 2 || rest < 0 || rest % unknown.size() != 0) {
            return; // none or one unknown: Concat's own rule
        }
        Shape part = ShapeSlots.unknownDims(out.rank()).with(axis, (int) (rest / unknown.size()));
        for (int i : unknown) {
            slots.assignInput(i, part);
        }
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        return Ops.invokeAll(concat(), concatAttrs(call.attrs()), call.inputs());
    }

    /** Concat's gradient: each input gets its part of the output gradient. */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        return concat().gradient(g);
    }
}
