package dev.kiln.graph.infer;

import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.Variable;
import dev.kiln.ndarray.DType;
import dev.kiln.op.InferenceSlots;
import dev.kiln.op.TypeSlots;
import dev.kiln.graph.VarAttrs;

import java.util.List;
import java.util.Map;

/**
 * Dtype inference over a graph: dtypes from the arguments given and the variables' {@code __dtype__} annotations,
 * spread forward and backward by every op's partial rule, so graphs that mix dtypes (int indices into a float16
 * embedding) infer as they run.
 */
public final class TypeInference extends GraphInference<DType> {

    private TypeInference(Graph graph) {
        super(graph);
    }

    /** Infers what it can; unknown entries stay {@code null}. */
    public static InferenceResult<DType> infer(Graph graph, Map<String, DType> argumentTypes) {
        return new TypeInference(graph).run(argumentTypes);
    }

    @Override
    DType declared(Variable v) {
        String s = v.attrs().get(VarAttrs.DTYPE);
        if (s == null || s.equals("-1")) {
            return null;
        }
        try {
            return DType.fromFlag(Integer.parseInt(s.trim()));
        } catch (RuntimeException e) {
            throw new dev.kiln.KilnException("variable '" + v.name() + "' has a bad " + VarAttrs.DTYPE + " annotation '"
                    + s + "': expected an MXNet dtype flag (0 = float32, 1 = float64, ...)", e);
        }
    }

    @Override
    boolean isKnown(DType value) {
        return value != null;
    }

    @Override
    InferenceSlots<DType> slots(OpNode node, List<DType> inputs, List<DType> outputs) {
        return new TypeSlots(node.op(), node.params(), inputs, outputs);
    }

    @Override
    void infer(OpNode node, InferenceSlots<DType> slots) {
        node.op().inferTypesPartial((TypeSlots) slots);
    }

    @Override
    String what() {
        return "dtype";
    }
}
