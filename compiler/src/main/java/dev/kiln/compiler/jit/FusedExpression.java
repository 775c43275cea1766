package dev.kiln.compiler.jit;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.op.ElementwiseFormula;

import java.util.List;

/**
 * What a fused elementwise group computes per element: a small DAG of the ops' own {@link ElementwiseFormula}s. Values
 * are numbered inputs first ({@code 0 .. numInputs-1}), then one per step in order; a step reads earlier values only.
 * As a {@link FusedKernel} it is the reference evaluation: element by element, every step through its formula's
 * {@link ElementwiseFormula#apply}, float32 values rounded after each step exactly as the unfused ops round them.
 *
 * @param dtype     float32 or float64, of every input, intermediate and output
 * @param numInputs how many arrays the group reads
 * @param steps     the fused nodes in topological order
 * @param outputs   the value numbers the group writes out, in output order (steps only)
 * @param accesses  how each input is read ({@link Access#ELEMENT} for all of them unless the group broadcasts)
 */
public record FusedExpression(DType dtype, int numInputs, List<Step> steps, List<Integer> outputs,
                              List<Access> accesses) implements FusedKernel {

    /**
     * How the loop reads one input, the output being walked as rows ({@link BroadcastLayout}): at the output
     * element's own index (the input has the output's size), at its row's offset plus the column (the input
     * broadcasts over outer dims only), or one value per row (it broadcasts over the row's dims: a bias per channel,
     * a column, a scalar-shaped array).
     */
    public enum Access {
        ELEMENT, ROW, ROW_SCALAR
    }

    /** An expression whose inputs all have the output's shape. */
    public FusedExpression(DType dtype, int numInputs, List<Step> steps, List<Integer> outputs) {
        this(dtype, numInputs, steps, outputs, java.util.Collections.nCopies(numInputs, Access.ELEMENT));
    }

    /**
     * One fused node.
     *
     * @param name     the node's name in the graph it came from (used for output names and generated locals)
     * @param formula  its op's formula for the dtype
     * @param operands value numbers it reads, one per formula operand
     */
    public record Step(String name, ElementwiseFormula formula, List<Integer> operands) {
        public Step {
            operands = List.copyOf(operands);
            if (operands.size() != formula.arity()) {
                throw new KilnException("fused step '" + name + "': " + formula.name() + " takes " + formula.arity()
                        + " operands, got " + operands);
            }
        }
    }

    public FusedExpression {
        steps = List.copyOf(steps);
        outputs = List.copyOf(outputs);
        accesses = List.copyOf(accesses);
        if (accesses.size() != numInputs) {
            throw new KilnException("fused elementwise group: " + accesses.size() + " input accesses for "
                    + numInputs + " inputs");
        }
        if (!ElementwiseFormula.covers(dtype)) {
            throw new KilnException("fused elementwise group: dtype " + dtype + " is not fused (float32 and float64 "
                    + "are)");
        }
        for (int k = 0; k < steps.size(); k++) {
            for (int v : steps.get(k).operands()) {
                if (v < 0 || v >= numInputs + k) {
                    throw new KilnException("fused step '" + steps.get(k).name() + "' reads value " + v
                            + ", which is not an input or an earlier step");
                }
            }
        }
        for (int v : outputs) {
            if (v < numInputs || v >= numInputs + steps.size()) {
                throw new KilnException("fused elementwise group: output value " + v + " is not a step");
            }
        }
    }

    /** The number of values: inputs and steps. */
    public int numValues() {
        return numInputs + steps.size();
    }

    /** The step computing value {@code v} ({@code v >= numInputs}). */
    public Step stepOf(int v) {
        return steps.get(v - numInputs);
    }

    /** True if some input is read other than at the output's index. */
    public boolean broadcasts() {
        return accesses.stream().anyMatch(a -> a != Access.ELEMENT);
    }

    @Override
    public void run(Object[] inputs, Object[] outputs, int[][] offsets, int inner, int from, int to) {
        boolean f32 = dtype == DType.FLOAT32;
        double[] values = new double[numValues()];
        for (int i = from; i < to; i++) {
            for (int k = 0; k < numInputs; k++) {
                int at = switch (accesses.get(k)) {
                    case ELEMENT -> i;
                    case ROW -> offsets[k][i / inner] + i % inner;
                    case ROW_SCALAR -> offsets[k][i / inner];
                };
                values[k] = f32 ? ((float[]) inputs[k])[at] : ((double[]) inputs[k])[at];
            }
            for (int k = 0; k < steps.size(); k++) {
                Step s = steps.get(k);
                List<Integer> ops = s.operands();
                double b = ops.size() > 1 ? values[ops.get(1)] : 0;
                values[numInputs + k] = s.formula().apply(values[ops.get(0)], b, f32);
            }
            for (int k = 0; k < this.outputs.size(); k++) {
                double v = values[this.outputs.get(k)];
                if (f32) {
                    ((float[]) outputs[k])[i] = (float) v;
                } else {
                    ((double[]) outputs[k])[i] = v;
                }
            }
        }
    }

    /** The expression as text, one step per line: {@code %2 = relu(%0)  # relu0}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(dtype).append(' ').append(numInputs).append(" inputs ");
        if (broadcasts()) {
            sb.append(accesses).append(' ');
        }
        sb.append("-> ").append(outputs).append('\n');
        for (int k = 0; k < steps.size(); k++) {
            Step s = steps.get(k);
            sb.append("  %").append(numInputs + k).append(" = ").append(describe(s.formula())).append('(');
            for (int j = 0; j < s.operands().size(); j++) {
                sb.append(j > 0 ? ", " : "").append('%').append(s.operands().get(j));
            }
            sb.append(")  # ").append(s.name()).append('\n');
        }
        return sb.toString();
    }

    private static String describe(ElementwiseFormula f) {
        if (f instanceof ElementwiseFormula.Scalar s) {
            return s.name() + (s.reversed() ? "[scalar " + s.scalar() + " first]" : "[scalar " + s.scalar() + "]");
        }
        return f.name();
    }
}
