package dev.kiln.compiler.memory;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.Variable;
import dev.kiln.graph.infer.ShapeInference;
import dev.kiln.graph.infer.TypeInference;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds small graphs node by node for planner tests and plans them with float32 variables. */
final class GraphFixture {
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Shape> shapes = new LinkedHashMap<>();

    /** A variable; its shape if dims are given, else left to inference. */
    Entry var(String name, int... dims) {
        nodes.add(new Variable(name));
        if (dims.length > 0) {
            shapes.put(name, Shape.of(dims));
        }
        return new Entry(nodes.size() - 1, 0);
    }

    /** A variable {@code x} of shape (2, 3) and {@code length} exp nodes after it, named a, b, c, ...; x first. */
    Entry[] expChain(int length) {
        Entry[] chain = new Entry[length + 1];
        chain[0] = var("x", 2, 3);
        for (int k = 1; k <= length; k++) {
            chain[k] = op(String.valueOf((char) ('a' + k - 1)), "exp", chain[k - 1]);
        }
        return chain;
    }

    Entry op(String name, String opName, Entry... inputs) {
        return op(name, opName, Map.of(), inputs);
    }

    /** An op node; returns its output 0. */
    Entry op(String name, String opName, Map<String, ?> attrs, Entry... inputs) {
        OpDef def = OpRegistry.global().get(opName);
        nodes.add(new OpNode(name, def, def.attrs(attrs), List.of(inputs)));
        return new Entry(nodes.size() - 1, 0);
    }

    /** Adds a node built elsewhere; returns its output 0. */
    Entry node(Node n) {
        nodes.add(n);
        return new Entry(nodes.size() - 1, 0);
    }

    int size() {
        return nodes.size();
    }

    Graph graph(Entry... outputs) {
        return new Graph(nodes, List.of(outputs));
    }

    Map<String, Shape> shapes() {
        return shapes;
    }

    BufferPlan plan(PlanOptions options, Entry... outputs) {
        return plan(graph(outputs), shapes, options);
    }

    /** Infers shapes from {@code given} and float32 for every variable, then plans. */
    static BufferPlan plan(Graph graph, Map<String, Shape> given, PlanOptions options) {
        Map<String, DType> types = new LinkedHashMap<>();
        for (int i : graph.variableNodes()) {
            types.put(graph.node(i).name(), DType.FLOAT32);
        }
        return MemoryPlanner.plan(graph, ShapeInference.infer(graph, given), TypeInference.infer(graph, types),
                options);
    }
}
