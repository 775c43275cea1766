package dev.kiln.compiler.pass;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.Variable;
import dev.kiln.op.OpDef;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Which values of a graph depend only on parameters and constants: a parameter variable, a node without inputs
 * ({@link ConstantOp}, {@code _zeros}), or a pure op (neither random nor side-effecting in this mode) reading only
 * such values. In inference these are the same in every call while the parameters are unchanged, which is what
 * inference-time folding moves arithmetic into and what {@link dev.kiln.compiler.stage.ParameterStage} computes once.
 * Works on a finished graph or on one still being built (nodes are looked up by index as asked).
 */
public final class ParameterDependence {
    private final IntFunction<Node> nodes;
    private final Set<String> parameters;
    private final boolean training;
    private final Map<Integer, Boolean> known = new HashMap<>();

    /** The analysis of the graph whose node {@code i} is {@code nodes.apply(i)}. */
    public ParameterDependence(IntFunction<Node> nodes, Set<String> parameters, boolean training) {
        this.nodes = nodes;
        this.parameters = parameters;
        this.training = training;
    }

    /** True if node {@code i}'s outputs depend only on parameters and constants. */
    public boolean isFixed(int i) {
        Boolean b = known.get(i);
        if (b == null) {
            b = compute(i);
            known.put(i, b);
        }
        return b;
    }

    /** True if the value {@code e} depends only on parameters and constants. */
    public boolean isFixed(Entry e) {
        return isFixed(e.node());
    }

    private boolean compute(int i) {
        Node n = nodes.apply(i);
        if (n instanceof Variable v) {
            return parameters.contains(v.name());
        }
        OpNode op = (OpNode) n;
        OpDef def = op.op();
        if (def.isRandom(op.params(), training) || def.hasSideEffects(op.params(), training)) {
            return false;
        }
        for (Entry e : op.inputs()) {
            if (!isFixed(e.node())) {
                return false;
            }
        }
        return true;
    }
}
