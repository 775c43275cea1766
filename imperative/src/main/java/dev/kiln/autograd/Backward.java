package dev.kiln.autograd;

import dev.kiln.KilnException;
import dev.kiln.anomaly.Anomaly;
import dev.kiln.anomaly.AnomalyContext;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.EagerBackend;
import dev.kiln.op.Gradient;
import dev.kiln.op.OpContext;
import dev.kiln.op.OpDef;
import dev.kiln.op.Ops;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The eager backward pass: walks the recorded nodes reachable from the heads in reverse topological order, runs
 * each op's gradient rule on the gradients arriving at its outputs, and sums what reaches each input. Only nodes on
 * a path to a wanted variable run. With {@code createGraph} the rules run while recording, so the gradients have
 * history of their own.
 */
final class Backward {
    private final List<NDArray> targets;
    private final Map<TapeEntry, Integer> targetIndex = new HashMap<>();
    private final Map<TapeNode, Boolean> needed = new IdentityHashMap<>();
    private final Map<TapeNode, NDArray[]> nodeGrads = new IdentityHashMap<>();
    private final Map<TapeEntry.Variable, NDArray> variableGrads = new LinkedHashMap<>();
    private final Map<TapeEntry.Output, NDArray> intermediateGrads = new HashMap<>();
    private final Set<TapeEntry.Variable> reachedVariables = Collections.newSetFromMap(new LinkedHashMap<>());
    private final List<TapeNode> postOrder = new ArrayList<>();
    /** Per grad_req-write variable, how many recorded inputs pass it a gradient in this pass. */
    private final Map<TapeEntry.Variable, Integer> writeContributions = new IdentityHashMap<>();

    private Backward(List<NDArray> targets) {
        this.targets = targets;
    }

    /** Runs backward; returns the gradients of {@code targets}, or writes variables' buffers when it is null. */
    static List<NDArray> run(List<NDArray> heads, List<NDArray> headGrads, List<NDArray> targets,
                             boolean retainGraph, boolean createGraph) {
        if (heads.isEmpty()) {
            throw new KilnException("backward: no heads given");
        }
        if (headGrads != null && headGrads.size() != heads.size()) {
            throw new KilnException("backward: " + heads.size() + " heads but " + headGrads.size() + " head gradients");
        }
        Backward b = new Backward(targets);
        b.indexTargets();
        boolean wasRecording = OpContext.setRecording(createGraph);
        boolean wasTraining = OpContext.isTraining();
        try {
            b.seed(heads, headGrads);
            b.propagate();
            return targets == null ? b.writeVariables() : b.targetGrads();
        } finally {
            OpContext.setRecording(wasRecording);
            OpContext.setTraining(wasTraining);
            if (!retainGraph) {
                for (TapeNode n : b.postOrder) {
                    n.free();
                }
            }
        }
    }

    private void indexTargets() {
        if (targets == null) {
            return;
        }
        for (int i = 0; i < targets.size(); i++) {
            NDArray t = targets.get(i);
            TapeEntry e = t.autogradEntry();
            if (e == null) {
                throw new KilnException("grad: variable " + i + " (" + t.shape() + " " + t.dtype() + ") is not part "
                        + "of any recorded graph; call attachGrad() on it before Autograd.record()");
            }
            targetIndex.putIfAbsent(e, i);
        }
    }

    private void seed(List<NDArray> heads, List<NDArray> headGrads) {
        for (int i = 0; i < heads.size(); i++) {
            NDArray h = heads.get(i);
            TapeEntry e = h.autogradEntry();
            if (e == null) {
                throw new KilnException("backward: head " + i + " (" + h.shape() + " " + h.dtype() + ") was not "
                        + "computed while recording and is not a variable; compute it inside Autograd.record() "
                        + "from arrays that have attachGrad()");
            }
            if (e instanceof TapeEntry.Output o) {
                visit(o.node());
            }
        }
        for (int i = 0; i < heads.size(); i++) {
            NDArray h = heads.get(i);
            NDArray g = headGrads == null ? null : headGrads.get(i);
            if (g == null) {
                g = Ops.call("ones_like", h.detach());
            } else if (!g.shape().equals(h.shape())) {
                throw new KilnException("backward: head gradient " + i + " has shape " + g.shape() + " but head " + i
                        + " has shape " + h.shape());
            }
            accumulate(h.autogradEntry(), g);
        }
    }

    /** Depth-first from {@code root}, without recursion: fills {@link #postOrder} and {@link #needed}. */
    private void visit(TapeNode root) {
        if (needed.containsKey(root)) {
            return;
        }
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        needed.put(root, Boolean.FALSE);
        stack.push(new Object[] {root, 0});
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            TapeNode node = (TapeNode) frame[0];
            List<NDArray> inputs = node.inputs();
            int next = (Integer) frame[1];
            if (next < inputs.size()) {
                frame[1] = next + 1;
                if (inputs.get(next).autogradEntry() instanceof TapeEntry.Output o && !needed.containsKey(o.node())) {
                    needed.put(o.node(), Boolean.FALSE);
                    stack.push(new Object[] {o.node(), 0});
                }
                continue;
            }
            stack.pop();
            boolean need = false;
            for (NDArray in : inputs) {
                need |= wanted(in.autogradEntry());
            }
            needed.put(node, need);
            postOrder.add(node);
        }
    }

    /** True if gradients must reach {@code e}: a wanted variable, a target, or a node leading to one. */
    private boolean wanted(TapeEntry e) {
        if (e == null) {
            return false;
        }
        if (targetIndex.containsKey(e)) {
            return true;
        }
        return switch (e) {
            case TapeEntry.Variable v -> {
                if (targets == null && v.req() != GradReq.NULL) {
                    reachedVariables.add(v);
                    yield true;
                }
                yield false;
            }
            case TapeEntry.Output o -> needed.getOrDefault(o.node(), Boolean.FALSE);
        };
    }

    private void propagate() {
        countWriteContributions();
        for (int k = postOrder.size() - 1; k >= 0; k--) {
            TapeNode node = postOrder.get(k);
            NDArray[] outGrads = nodeGrads.remove(node);
            if (outGrads == null) {
                continue;
            }
            if (targets != null) {
                retainTargetOutputs(node, outGrads);
            }
            if (!needed.get(node)) {
                continue;
            }
            List<NDArray> inputs = node.inputs();
            boolean[] required = new boolean[inputs.size()];
            for (int i = 0; i < required.length; i++) {
                required[i] = wanted(inputs.get(i).autogradEntry());
            }
            List<NDArray> grads = inputGrads(node, outGrads, required);
            for (int i = 0; i < required.length; i++) {
                NDArray g = grads.get(i);
                if (required[i] && g != null) {
                    accumulate(inputs.get(i).autogradEntry(), conform(node, i, g));
                }
            }
        }
    }

    /**
     * Counts, when this pass writes variables' buffers without recording, the inputs that will pass each grad_req
     * write variable a gradient ({@link #gradientBuffers}).
     */
    private void countWriteContributions() {
        if (targets != null || OpContext.isRecording()) {
            return;
        }
        for (TapeNode node : postOrder) {
            if (!needed.get(node)) {
                continue;
            }
            for (NDArray in : node.inputs()) {
                if (in.autogradEntry() instanceof TapeEntry.Variable v && v.req() == GradReq.WRITE) {
                    writeContributions.merge(v, 1, Integer::sum);
                }
            }
        }
    }

    /**
     * Per input of {@code node}, the variable's own gradient buffer when this node's gradient is the only one it gets
     * in the pass (grad_req write, no other input or head passes it one), so the rule may write straight into it
     * ({@link Gradient#gradientBuffer}); null when no input has one.
     */
    private List<NDArray> gradientBuffers(TapeNode node, boolean[] required) {
        if (writeContributions.isEmpty()) {
            return null;
        }
        List<NDArray> inputs = node.inputs();
        NDArray[] buffers = null;
        for (int i = 0; i < required.length; i++) {
            NDArray in = inputs.get(i);
            if (required[i] && in.autogradEntry() instanceof TapeEntry.Variable v
                    && writeContributions.getOrDefault(v, 0) == 1 && !variableGrads.containsKey(v)
                    && v.grad() != null && v.grad().shape().equals(in.shape()) && v.grad().dtype() == in.dtype()
                    && v.grad().device().equals(in.device())) {
                buffers = buffers == null ? new NDArray[required.length] : buffers;
                buffers[i] = v.grad();
            }
        }
        return buffers == null ? null : Arrays.asList(buffers);
    }

    private List<NDArray> inputGrads(TapeNode node, NDArray[] outGrads, boolean[] required) {
        OpDef op = node.op();
        List<NDArray> inputs = node.inputs();
        if (!op.isDifferentiable()) {
            if (op.hasZeroGradient()) {
                return Arrays.asList(new NDArray[inputs.size()]);
            }
            throw op.error("is not differentiable; backward cannot pass through it (detach its input, or wrap it "
                    + "in BlockGrad, if no gradient should flow)");
        }
        OpContext.setTraining(node.training());
        Gradient<NDArray> g = new Gradient<>(EagerBackend.INSTANCE, op, node.attrs(), inputs, node.outputs(),
                Arrays.asList(outGrads), required, node.training(), gradientBuffers(node, required));
        List<NDArray> grads;
        try (var where = Anomaly.isEnabled() ? AnomalyContext.backward(op.name(), node.anomalyOrigin()) : null) {
            grads = op.gradient(g);
        }
        if (grads == null || grads.size() != inputs.size()) {
            throw op.error("gradient rule returned " + (grads == null ? "null" : grads.size() + " gradients")
                    + " for " + inputs.size() + " inputs");
        }
        return grads;
    }

    /** Checks a rule's result against the input it is for, and brings it to the input's device and dtype. */
    private static NDArray conform(TapeNode node, int i, NDArray g) {
        NDArray in = node.inputs().get(i);
        if (!g.shape().equals(in.shape())) {
            throw node.op().error("gradient rule gave input '" + node.op().inputNames(node.attrs()).get(i)
                    + "' a gradient of shape " + g.shape() + " for an input of shape " + in.shape());
        }
        NDArray out = g.device().equals(in.device()) ? g : g.copyTo(in.device());
        return out.dtype() == in.dtype() ? out : out.astype(in.dtype());
    }

    /** Keeps the gradient of a node's output when that output is itself a target (an intermediate array). */
    private void retainTargetOutputs(TapeNode node, NDArray[] outGrads) {
        for (int j = 0; j < outGrads.length; j++) {
            TapeEntry.Output e = new TapeEntry.Output(node, j);
            if (targetIndex.containsKey(e) && outGrads[j] != null) {
                intermediateGrads.put(e, outGrads[j]);
            }
        }
    }

    private void accumulate(TapeEntry e, NDArray g) {
        switch (e) {
            case TapeEntry.Variable v -> variableGrads.merge(v, g, Backward::sum);
            case TapeEntry.Output o -> {
                NDArray[] slots = nodeGrads.computeIfAbsent(o.node(), n -> new NDArray[n.outputs().size()]);
                if (slots[o.index()] == null) {
                    slots[o.index()] = g;
                    return;
                }
                TapeNode n = o.node();
                try (var where = Anomaly.isEnabled() ? AnomalyContext.backward(n.op().name(), n.anomalyOrigin())
                        : null) {
                    slots[o.index()] = sum(slots[o.index()], g);
                }
            }
        }
    }

    private static NDArray sum(NDArray a, NDArray b) {
        return Ops.call("elemwise_add", a, b);
    }

    private List<NDArray> targetGrads() {
        List<NDArray> out = new ArrayList<>(targets.size());
        for (NDArray t : targets) {
            TapeEntry e = t.autogradEntry();
            NDArray g = e instanceof TapeEntry.Variable v ? variableGrads.get(v) : intermediateGrads.get(e);
            if (g == null) {
                g = Ops.call("zeros_like", t.detach());
            }
            out.add(g);
        }
        return out;
    }

    private List<NDArray> writeVariables() {
        for (TapeEntry.Variable v : reachedVariables) {
            NDArray g = variableGrads.get(v);
            NDArray buffer = v.grad();
            if (v.req() == GradReq.WRITE) {
                if (g == null) {
                    buffer.fill(0);
                } else if (g.data() == buffer.data()) {
                    buffer.markMutated(); // the rule wrote straight into the buffer it was offered
                } else {
                    g.copyTo(buffer);
                }
            } else if (v.req() == GradReq.ADD && g != null) {
                buffer.addInPlace(g);
            }
            v.setFreshGrad(true);
        }
        for (Map.Entry<TapeEntry.Variable, NDArray> e : variableGrads.entrySet()) {
            if (!reachedVariables.contains(e.getKey()) && e.getKey().req() != GradReq.NULL) {
                writeHead(e.getKey(), e.getValue()); // a head that is itself a variable
            }
        }
        return List.of();
    }

    private static void writeHead(TapeEntry.Variable v, NDArray g) {
        if (v.req() == GradReq.WRITE) {
            g.copyTo(v.grad());
        } else {
            v.grad().addInPlace(g);
        }
        v.setFreshGrad(true);
    }
}
