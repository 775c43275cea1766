package dev.kiln.graph.gradient;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradReq;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A forward graph with its backward part, as {@link GraphGradient} builds it: the forward nodes first (same indices,
 * same names), then the head-gradient variables and the gradient nodes. The outputs are the forward outputs followed
 * by one gradient per argument whose request is not {@code null}, in request order.
 *
 * @param graph             the whole graph
 * @param numForwardNodes   how many leading nodes are the forward graph's
 * @param numForwardOutputs how many leading outputs are the forward graph's
 * @param gradReqs          every requested variable's grad_req, {@code null} ones included, in request order
 * @param headGradients     per forward output, the name of the variable that feeds its head gradient; {@code null}
 *                          where the head gradient is ones or the output gets none
 * @param training          whether the rules were built for a training-mode forward
 */
public record GradientGraph(Graph graph, int numForwardNodes, int numForwardOutputs, Map<String, GradReq> gradReqs,
                            List<String> headGradients, boolean training) {

    public GradientGraph {
        gradReqs = Collections.unmodifiableMap(new LinkedHashMap<>(gradReqs));
        headGradients = Collections.unmodifiableList(new ArrayList<>(headGradients));
    }

    /** The variables that get a gradient output (requests other than {@code null}), in output order. */
    public List<String> gradientArguments() {
        List<String> out = new ArrayList<>();
        gradReqs.forEach((name, req) -> {
            if (req != GradReq.NULL) {
                out.add(name);
            }
        });
        return out;
    }

    /** The graph output that is the gradient of {@code variable}. */
    public Entry gradientOf(String variable) {
        int k = gradientArguments().indexOf(variable);
        if (k < 0) {
            throw new KilnException("the gradient graph has no gradient for '" + variable + "'; it has gradients for "
                    + gradientArguments());
        }
        return graph.outputs().get(numForwardOutputs + k);
    }

    /** The forward graph alone: the leading nodes and outputs. */
    public Graph forward() {
        return new Graph(graph.nodes().subList(0, numForwardNodes), graph.outputs().subList(0, numForwardOutputs));
    }

    @Override
    public String toString() {
        return graph.toString();
    }
}
