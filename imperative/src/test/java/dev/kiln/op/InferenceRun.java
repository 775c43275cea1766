package dev.kiln.op;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Runs one op's partial inference to a fixed point, as graph inference does for a node whose neighbours add nothing:
 * the op's local step again and again until it learns nothing new.
 *
 * @param <V> {@code Shape} or {@code DType}
 */
public record InferenceRun<V>(List<V> inputs, List<V> outputs) {
    /** More steps than any op needs; reaching it means the op keeps "learning", a bug. */
    private static final int MAX_STEPS = 16;

    /** Partial shape inference from these known (or {@code null}) shapes. */
    public static InferenceRun<Shape> shapes(OpDef op, Attrs attrs, List<Shape> inputs, List<Shape> outputs) {
        return run(op, inputs, outputs, (in, out) -> new ShapeSlots(op, attrs, in, out), op::inferShapesPartial);
    }

    /** Partial shape inference of op {@code name} from these input shapes ({@code null} unknown), outputs unknown. */
    public static InferenceRun<Shape> shapes(String name, Map<String, ?> attrs, Shape... inputs) {
        OpDef op = OpRegistry.global().get(name);
        Attrs a = op.attrs(attrs);
        return shapes(op, a, Arrays.asList(inputs), unknown(op.numOutputs(a)));
    }

    /** Partial dtype inference of op {@code name} from these input dtypes ({@code null} unknown), outputs unknown. */
    public static InferenceRun<DType> types(String name, Map<String, ?> attrs, DType... inputs) {
        OpDef op = OpRegistry.global().get(name);
        Attrs a = op.attrs(attrs);
        return types(op, a, Arrays.asList(inputs), unknown(op.numOutputs(a)));
    }

    /** Partial dtype inference from these known (or {@code null}) dtypes. */
    public static InferenceRun<DType> types(OpDef op, Attrs attrs, List<DType> inputs, List<DType> outputs) {
        return run(op, inputs, outputs, (in, out) -> new TypeSlots(op, attrs, in, out), op::inferTypesPartial);
    }

    private static <V, S extends InferenceSlots<V>> InferenceRun<V> run(OpDef op, List<V> inputs, List<V> outputs,
                                                                        BiFunction<List<V>, List<V>, S> slots,
                                                                        Consumer<S> step) {
        List<V> in = new ArrayList<>(inputs);
        List<V> out = new ArrayList<>(outputs);
        for (int i = 0; i < MAX_STEPS; i++) {
            S s = slots.apply(in, out);
            step.accept(s);
            in = s.inputs();
            out = s.outputs();
            if (!s.changed()) {
                return new InferenceRun<>(in, out);
            }
        }
        throw new AssertionError(op.name() + ": inference still changes after " + MAX_STEPS + " steps");
    }

    /** {@code n} unknowns. */
    public static <V> List<V> unknown(int n) {
        List<V> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(null);
        }
        return out;
    }

    /** True if {@code inferred} says nothing against {@code truth}: unknown, or agreeing on every known dim. */
    static boolean consistent(Shape truth, Shape inferred) {
        return inferred == null || !inferred.isRankKnown() || truth.equals(ShapeSlots.mergeShapes(truth, inferred));
    }

    /** True if {@code inferred} is unknown or {@code truth}. */
    static boolean consistent(DType truth, DType inferred) {
        return inferred == null || inferred == truth;
    }
}
