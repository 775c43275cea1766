package dev.kiln.graph.gradient;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradReq;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.op.Gradient;
import dev.kiln.op.OpDef;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * One run of the graph gradient, in the order eager {@code Backward} works: head gradients seed the outputs, then the
 * forward nodes are visited in reverse, each needed node's rule turning the gradients of its outputs into gradients
 * of its inputs, summed ({@code elemwise_add}, in arrival order) where several reach one entry.
 */
final class GradientPass {
    private final Graph forward;
    private final Map<String, GradReq> reqs;
    private final boolean training;
    private final GraphAppender out;
    private final BitSet wantedVariables = new BitSet();
    private final boolean[] needed;
    private final Entry[][] grads;

    GradientPass(Graph forward, Map<String, GradReq> reqs, boolean training) {
        this.forward = forward;
        this.reqs = reqs;
        this.training = training;
        this.out = new GraphAppender(forward.nodes());
        this.needed = new boolean[forward.size()];
        this.grads = new Entry[forward.size()][];
        for (int i = 0; i < forward.size(); i++) {
            grads[i] = new Entry[forward.node(i).numOutputs()];
        }
    }

    GradientGraph build(BitSet heads, boolean ones) {
        markWanted();
        markNeeded();
        List<String> headNames = seed(heads, ones);
        propagate();
        List<Entry> outputs = new ArrayList<>(forward.outputs());
        for (Map.Entry<String, GradReq> r : reqs.entrySet()) {
            if (r.getValue() != GradReq.NULL) {
                outputs.add(variableGradient(r.getKey()));
            }
        }
        Graph g = new Graph(out.nodes(), outputs);
        return new GradientGraph(g, forward.size(), forward.outputs().size(), reqs, headNames, training);
    }

    /** Marks the variable nodes whose gradient is requested, checking every request names an argument. */
    private void markWanted() {
        BitSet aux = forward.auxiliaryMask();
        for (Map.Entry<String, GradReq> r : reqs.entrySet()) {
            List<Integer> nodes = variableNodes(r.getKey());
            if (nodes.isEmpty()) {
                throw new KilnException("graph gradient: the graph has no variable named '" + r.getKey()
                        + "'; its variables are " + variableNames());
            }
            for (int i : nodes) {
                if (aux.get(i)) {
                    throw new KilnException("graph gradient: '" + r.getKey() + "' is an auxiliary state, which "
                            + "gets no gradient; request gradients of arguments only");
                }
                if (r.getValue() != GradReq.NULL) {
                    wantedVariables.set(i);
                }
            }
        }
    }

    /** A node is needed when one of its inputs is a wanted variable or a needed node's output. */
    private void markNeeded() {
        for (int i = 0; i < forward.size(); i++) {
            if (forward.node(i) instanceof OpNode op) {
                for (Entry e : op.inputs()) {
                    needed[i] |= wanted(e);
                }
            }
        }
    }

    private boolean wanted(Entry e) {
        return wantedVariables.get(e.node()) || needed[e.node()];
    }

    private List<String> seed(BitSet heads, boolean ones) {
        List<String> names = new ArrayList<>();
        List<Entry> outs = forward.outputs();
        for (int k = 0; k < outs.size(); k++) {
            if (!heads.get(k)) {
                names.add(null);
                continue;
            }
            Entry o = outs.get(k);
            String name = entryName(o) + "_head_grad";
            Entry head;
            if (ones) {
                head = out.applyNamed(name, "ones_like", Map.of(), List.of(o));
                names.add(null);
            } else {
                head = out.variable(name);
                names.add(out.nodes().get(head.node()).name());
            }
            accumulate(o, head);
        }
        return names;
    }

    private void propagate() {
        for (int i = forward.size() - 1; i >= 0; i--) {
            if (!(forward.node(i) instanceof OpNode node) || !needed[i] || allNull(grads[i])) {
                continue;
            }
            out.namingFor(node.name());
            List<Entry> in = node.inputs();
            boolean[] required = new boolean[in.size()];
            for (int k = 0; k < required.length; k++) {
                required[k] = wanted(in.get(k));
            }
            List<Entry> inGrads = inputGrads(i, node, required);
            for (int k = 0; k < required.length; k++) {
                if (required[k] && inGrads.get(k) != null) {
                    accumulate(in.get(k), inGrads.get(k));
                }
            }
        }
    }

    private List<Entry> inputGrads(int index, OpNode node, boolean[] required) {
        OpDef op = node.op();
        int n = node.inputs().size();
        if (!op.isDifferentiable()) {
            if (op.hasZeroGradient()) {
                return Arrays.asList(new Entry[n]);
            }
            throw op.error("node '" + node.name() + "' is not differentiable; the gradient cannot pass through it "
                    + "(wrap its input in BlockGrad if no gradient should flow)");
        }
        List<Entry> outputs = new ArrayList<>(node.numOutputs());
        for (int k = 0; k < node.numOutputs(); k++) {
            outputs.add(new Entry(index, k));
        }
        Gradient<Entry> g = new Gradient<>(out, op, node.params(), node.inputs(), outputs, Arrays.asList(grads[index]),
                required, training);
        List<Entry> result;
        try {
            result = op.gradient(g);
        } catch (KilnException e) {
            throw new KilnException("graph gradient of node '" + node.name() + "' (" + op.name() + "): "
                    + e.getMessage(), e);
        }
        if (result == null || result.size() != n) {
            throw op.error("gradient rule of node '" + node.name() + "' returned "
                    + (result == null ? "null" : result.size() + " gradients") + " for " + n + " inputs");
        }
        return result;
    }

    private void accumulate(Entry e, Entry g) {
        Entry[] slots = grads[e.node()];
        Entry prev = slots[e.output()];
        slots[e.output()] = prev == null ? g
                : out.applyNamed(entryName(e) + "_grad_sum", "elemwise_add", Map.of(), List.of(prev, g));
    }

    /** The summed gradient of every node of the variable {@code name}, zeros if none reached it. */
    private Entry variableGradient(String name) {
        Entry sum = null;
        for (int i : variableNodes(name)) {
            Entry g = grads[i][0];
            if (g != null) {
                sum = sum == null ? g : out.applyNamed(name + "_grad_sum", "elemwise_add", Map.of(), List.of(sum, g));
            }
        }
        if (sum == null) {
            sum = out.applyNamed(name + "_zero_grad", "zeros_like", Map.of(),
                    List.of(new Entry(variableNodes(name).get(0), 0)));
        }
        return sum;
    }

    /** MXNet's name of an entry: the variable's name, or {@code <node>_<output name>} ({@code fc1_output}). */
    private String entryName(Entry e) {
        Node n = forward.node(e.node());
        return n instanceof OpNode op ? op.name() + "_" + op.outputNames().get(e.output()) : n.name();
    }

    private List<Integer> variableNodes(String name) {
        List<Integer> out = new ArrayList<>();
        for (int i : forward.variableNodes()) {
            if (forward.node(i).name().equals(name)) {
                out.add(i);
            }
        }
        return out;
    }

    private List<String> variableNames() {
        List<String> names = new ArrayList<>();
        for (int i : forward.variableNodes()) {
            names.add(forward.node(i).name());
        }
        return names;
    }

    private static boolean allNull(Entry[] slots) {
        for (Entry e : slots) {
            if (e != null) {
                return false;
            }
        }
        return true;
    }
}
