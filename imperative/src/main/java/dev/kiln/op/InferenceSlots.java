package dev.kiln.op;

import dev.kiln.KilnException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What graph inference knows so far about the inputs and outputs of one op application: a value per slot, possibly
 * unknown. An op's partial inference ({@link OpDef#inferShapesPartial}, {@link OpDef#inferTypesPartial}) reads the
 * known slots and assigns others, in either direction, as MXNet's {@code FInferShape}/{@code FInferType} do. An
 * assignment merges with what is already known; a contradiction is an error naming the op, the slot and both values.
 *
 * @param <V> {@code Shape} or {@code DType}
 */
public abstract sealed class InferenceSlots<V> permits ShapeSlots, TypeSlots {
    private final OpDef op;
    private final Attrs attrs;
    private final Object[] inputs;
    private final Object[] outputs;
    private boolean changed;

    InferenceSlots(OpDef op, Attrs attrs, List<V> inputs, List<V> outputs) {
        this.op = op;
        this.attrs = attrs;
        this.inputs = inputs.toArray();
        this.outputs = outputs.toArray();
    }

    /** Merges two values of a slot; {@code null} if they contradict each other. */
    abstract V merge(V known, V assigned);

    /** True if the value says nothing: {@code null}, or a shape of unknown rank. */
    abstract boolean isUnknown(V value);

    /** True if the value is fully known (no unknown dims, or a dtype at all). */
    public abstract boolean isKnown(V value);

    /** What this kind of slot is called in errors: "shape" or "dtype". */
    abstract String what();

    public OpDef op() {
        return op;
    }

    public Attrs attrs() {
        return attrs;
    }

    public int numInputs() {
        return inputs.length;
    }

    public int numOutputs() {
        return outputs.length;
    }

    @SuppressWarnings("unchecked")
    public V input(int i) {
        return (V) inputs[i];
    }

    @SuppressWarnings("unchecked")
    public V output(int i) {
        return (V) outputs[i];
    }

    public boolean inputKnown(int i) {
        return isKnown(input(i));
    }

    public boolean outputKnown(int i) {
        return isKnown(output(i));
    }

    /** True if every input is fully known (true for ops without inputs). */
    public boolean allInputsKnown() {
        for (int i = 0; i < inputs.length; i++) {
            if (!inputKnown(i)) {
                return false;
            }
        }
        return true;
    }

    /** The inputs as a list (unknown ones included). */
    @SuppressWarnings("unchecked")
    public List<V> inputs() {
        return (List<V>) Arrays.asList(inputs.clone());
    }

    /** The outputs as a list (unknown ones included). */
    @SuppressWarnings("unchecked")
    public List<V> outputs() {
        return (List<V>) Arrays.asList(outputs.clone());
    }

    /** Merges {@code value} into input {@code i}; fails naming the input if it contradicts what is known. */
    public void assignInput(int i, V value) {
        inputs[i] = assign(input(i), value, "input '" + inputName(i) + "'");
    }

    /** Merges {@code value} into output {@code i}; fails naming the output if it contradicts what is known. */
    public void assignOutput(int i, V value) {
        outputs[i] = assign(output(i), value, "output " + i);
    }

    /** Merges the values of one op's complete forward inference into the outputs. */
    public void assignOutputs(List<V> values) {
        if (values.size() != outputs.length) {
            throw op.error("inference gave " + values.size() + " outputs, the op has " + outputs.length);
        }
        for (int i = 0; i < values.size(); i++) {
            assignOutput(i, values.get(i));
        }
    }

    /**
     * Makes the given inputs and outputs share one value, merging what each of them knows: MXNet's
     * {@code ElemwiseShape} and {@code ElemwiseType} over a chosen set of slots. Returns the merged value
     * ({@code null} while none of them says anything); fails naming two of the slots if they contradict each other.
     */
    public V unify(int[] inputIndices, int[] outputIndices) {
        V merged = null;
        for (int i : inputIndices) {
            merged = mergeInto(merged, input(i), "input '" + inputName(i) + "'", inputIndices, outputIndices);
        }
        for (int i : outputIndices) {
            merged = mergeInto(merged, output(i), "output " + i, inputIndices, outputIndices);
        }
        if (merged != null) {
            for (int i : inputIndices) {
                assignInput(i, merged);
            }
            for (int i : outputIndices) {
                assignOutput(i, merged);
            }
        }
        return merged;
    }

    /** {@link #unify} over every input and output (MXNet's {@code ElemwiseShape}/{@code ElemwiseType}). */
    public void unifyAll() {
        unify(indices(inputs.length), indices(outputs.length));
    }

    /** Runs the op's complete inference once every input is known, merging the result into the outputs. */
    public abstract void forward();

    /** {@code 0, 1, ..., n - 1}. */
    public static int[] indices(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    private V mergeInto(V merged, V value, String slot, int[] inputIndices, int[] outputIndices) {
        if (isUnknown(value) || merged == null) {
            return isUnknown(value) ? merged : value;
        }
        V m = merge(merged, value);
        if (m == null) {
            throw new KilnException("op '" + op.name() + "': " + slot + " has " + what() + " " + value + " but "
                    + conflicting(value, inputIndices, outputIndices) + "; they must have the same " + what());
        }
        return m;
    }

    /** Names the first of the unified slots whose value contradicts {@code value}, with that value. */
    private String conflicting(V value, int[] inputIndices, int[] outputIndices) {
        for (int i : inputIndices) {
            if (!isUnknown(input(i)) && merge(input(i), value) == null) {
                return "input '" + inputName(i) + "' has " + input(i);
            }
        }
        for (int i : outputIndices) {
            if (!isUnknown(output(i)) && merge(output(i), value) == null) {
                return "output " + i + " has " + output(i);
            }
        }
        throw new IllegalStateException("a merged value contradicts " + value + " but no single slot does");
    }

    /** True if some assignment added knowledge. */
    public boolean changed() {
        return changed;
    }

    /** The input's name for these attributes, e.g. {@code weight}. */
    public String inputName(int i) {
        List<String> names = op.inputNames(attrs);
        return i < names.size() ? names.get(i) : "input" + i;
    }

    private Object assign(V known, V value, String slot) {
        if (isUnknown(value)) {
            return known;
        }
        if (isUnknown(known)) {
            changed = true;
            return value;
        }
        V merged = merge(known, value);
        if (merged == null) {
            throw new KilnException("op '" + op.name() + "': " + slot + " has " + what() + " " + known
                    + " but inference needs " + value);
        }
        if (!merged.equals(known)) {
            changed = true;
        }
        return merged;
    }

    /** A list of {@code n} unknown values. */
    static <V> List<V> unknowns(int n) {
        List<V> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(null);
        }
        return out;
    }
}
