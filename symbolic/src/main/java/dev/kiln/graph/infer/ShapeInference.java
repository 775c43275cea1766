package dev.kiln.graph.infer;

import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.Variable;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.InferenceSlots;
import dev.kiln.op.ShapeSlots;
import dev.kiln.graph.VarAttrs;

import java.util.List;
import java.util.Map;

/**
 * Shape inference over a graph with partial shapes: unknown dims ({@link Shape#UNKNOWN}) and unknown ranks are
 * filled from the arguments given, the variables' {@code __shape__} annotations and every op's partial rule, forward
 * and backward, so that FullyConnected's weight shape follows from its data.
 */
public final class ShapeInference extends GraphInference<Shape> {

    private ShapeInference(Graph graph) {
        super(graph);
    }

    /** Infers what it can; unknown entries stay {@code null} or partial. */
    public static InferenceResult<Shape> infer(Graph graph, Map<String, Shape> argumentShapes) {
        return new ShapeInference(graph).run(argumentShapes);
    }

    @Override
    Shape declared(Variable v) {
        String s = v.attrs().get(VarAttrs.SHAPE);
        return s == null ? null : VarAttrs.parseShape(s);
    }

    @Override
    boolean isKnown(Shape value) {
        return value != null && value.isKnown();
    }

    @Override
    InferenceSlots<Shape> slots(OpNode node, List<Shape> inputs, List<Shape> outputs) {
        return new ShapeSlots(node.op(), node.params(), inputs, outputs);
    }

    @Override
    void infer(OpNode node, InferenceSlots<Shape> slots) {
        node.op().inferShapesPartial((ShapeSlots) slots);
    }

    @Override
    String what() {
        return "shape";
    }
}
