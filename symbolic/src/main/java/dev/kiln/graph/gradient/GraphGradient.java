package dev.kiln.graph.gradient;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradReq;
import dev.kiln.graph.Graph;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the gradient of a graph (MXNet's gradient pass behind {@code bind}): one graph holding the forward nodes and
 * the nodes every op's gradient rule ({@code OpDef.gradient}) adds, whose outputs are the forward outputs followed by
 * the gradient of each requested variable.
 *
 * <pre>{@code
 * GradientGraph gg = GraphGradient.of(net.graph()).wrt("fc1_weight", GradReq.WRITE).wrt("data", GradReq.NULL)
 *         .training(true).build();
 * }</pre>
 * As eager autograd does, only nodes on a path from a requested variable to an output run their rules; gradients
 * reaching one entry from several consumers are summed; ops that are not differentiable pass no gradient (argmax,
 * BlockGrad) or fail naming the node (random sampling); a requested variable no gradient reaches gets zeros.
 * Head gradients are variables named {@code <output>_head_grad}, or ones ({@link #onesHeadGradients}).
 */
public final class GraphGradient {
    private final Graph forward;
    private final Map<String, GradReq> reqs = new LinkedHashMap<>();
    private boolean training = true;
    private boolean ones;
    private BitSet heads;

    private GraphGradient(Graph forward) {
        this.forward = forward;
    }

    /** Starts building the gradient of {@code forward}'s outputs. */
    public static GraphGradient of(Graph forward) {
        return new GraphGradient(forward);
    }

    /** Requests the gradient of the variable {@code name}; {@code NULL} requests none (no output for it). */
    public GraphGradient wrt(String name, GradReq req) {
        if (req == null) {
            throw new KilnException("graph gradient: grad_req of '" + name + "' is null; use GradReq.NULL");
        }
        reqs.put(name, req);
        return this;
    }

    /** Requests gradients by name, in the map's order. */
    public GraphGradient wrt(Map<String, GradReq> gradReqs) {
        gradReqs.forEach(this::wrt);
        return this;
    }

    /** Requests the gradients of these variables ({@code write}). */
    public GraphGradient wrt(String... names) {
        for (String n : names) {
            wrt(n, GradReq.WRITE);
        }
        return this;
    }

    /**
     * Whether the forward runs in training mode (default true, as under {@code Autograd.record()}): the rules see
     * it (Dropout's mask applies, BatchNorm differentiates through its batch statistics).
     */
    public GraphGradient training(boolean trainMode) {
        this.training = trainMode;
        return this;
    }

    /** Head gradients of ones ({@code ones_like} nodes) rather than variables the caller feeds. */
    public GraphGradient onesHeadGradients() {
        this.ones = true;
        return this;
    }

    /**
     * Only these forward outputs receive a head gradient (default: all); the others pass none back, as outputs left
     * out of eager {@code Autograd.grad} heads (integer indices, statistics nobody differentiates).
     */
    public GraphGradient heads(int... outputIndices) {
        BitSet h = new BitSet();
        for (int k : outputIndices) {
            if (k < 0 || k >= forward.outputs().size()) {
                throw new KilnException("graph gradient: head " + k + " is out of range; the graph has "
                        + forward.outputs().size() + " outputs");
            }
            h.set(k);
        }
        this.heads = h;
        return this;
    }

    /** The forward graph plus its backward nodes. */
    public GradientGraph build() {
        BitSet h = heads;
        if (h == null) {
            h = new BitSet();
            h.set(0, forward.outputs().size());
        }
        return new GradientPass(forward, reqs, training).build(h, ones);
    }
}
