package dev.kiln.symbol;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradReq;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Interpreter;
import dev.kiln.graph.gradient.GradientGraph;
import dev.kiln.graph.gradient.GraphGradient;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.OpContext;
import dev.kiln.op.Ops;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A symbol bound to arrays, as MXNet's {@code Executor} from {@code bind}/{@code simple_bind}: {@link #forward} runs
 * the graph on the bound arguments and auxiliary states, {@link #backward} runs the gradient graph
 * ({@link GraphGradient}) on what the forward kept and writes each argument's gradient into its gradient array, by
 * its grad_req ({@code write} overwrites, {@code add} accumulates, {@code null} leaves it alone). In training mode the
 * forward updates the auxiliary arrays in place (BatchNorm's moving statistics), as eager calls do. Both passes run
 * with autograd recording off.
 */
public final class Executor {
    private final Symbol symbol;
    private final Map<String, NDArray> args;
    private final Map<String, NDArray> grads;
    private final Map<String, GradReq> reqs;
    private final Map<String, NDArray> aux;
    private final Map<Boolean, GradientGraph> gradientGraphs = new HashMap<>();
    private NDArray[][] values;
    private boolean lastTraining;
    private List<NDArray> outputs = List.of();

    /** Arrays already checked against the symbol by {@link ExecutorBinding}. */
    Executor(Symbol symbol, Map<String, NDArray> args, Map<String, NDArray> grads, Map<String, GradReq> reqs,
             Map<String, NDArray> aux) {
        this.symbol = symbol;
        this.args = Collections.unmodifiableMap(new LinkedHashMap<>(args));
        this.grads = Collections.unmodifiableMap(new LinkedHashMap<>(grads));
        this.reqs = Collections.unmodifiableMap(new LinkedHashMap<>(reqs));
        this.aux = Collections.unmodifiableMap(new LinkedHashMap<>(aux));
    }

    /** Runs the graph, in training mode if {@code isTrain}, and returns its outputs (also kept as {@link #outputs}). */
    public List<NDArray> forward(boolean isTrain) {
        Map<String, NDArray> inputs = new HashMap<>(args);
        inputs.putAll(aux);
        boolean wasRecording = OpContext.setRecording(false);
        try {
            if (!needsGradient()) {
                values = null;
                outputs = List.copyOf(Interpreter.eval(symbol.graph(), inputs, isTrain));
                return outputs;
            }
            GradientGraph gg = gradientGraph(isTrain);
            Graph g = gg.graph();
            NDArray[][] v = new NDArray[g.size()][];
            Interpreter.runNodes(g, v, inputs, isTrain, 0, gg.numForwardNodes(), true);
            List<NDArray> outs = new ArrayList<>(gg.numForwardOutputs());
            for (Entry e : g.outputs().subList(0, gg.numForwardOutputs())) {
                outs.add(v[e.node()][e.output()]);
            }
            values = v;
            lastTraining = isTrain;
            outputs = List.copyOf(outs);
            return outputs;
        } finally {
            OpContext.setRecording(wasRecording);
        }
    }

    /**
     * Copies {@code newArgs} into the bound argument arrays (same shapes; values cast to their dtypes), then runs
     * the forward pass (MXNet's {@code forward(is_train, **kwargs)}).
     */
    public List<NDArray> forward(boolean isTrain, Map<String, NDArray> newArgs) {
        for (Map.Entry<String, NDArray> e : newArgs.entrySet()) {
            NDArray target = args.get(e.getKey());
            if (target == null) {
                throw new KilnException("forward: '" + e.getKey() + "' is not an argument; the arguments are "
                        + args.keySet());
            }
            if (!target.shape().equals(e.getValue().shape())) {
                throw new KilnException("forward: argument '" + e.getKey() + "' is bound with shape "
                        + target.shape() + " but was given shape " + e.getValue().shape());
            }
            e.getValue().copyTo(target);
        }
        return forward(isTrain);
    }

    /** Back-propagates head gradients of ones from every output. */
    public void backward() {
        backward(null);
    }

    /**
     * Back-propagates from the outputs of the last {@link #forward}, with these head gradients (one per output,
     * shaped like it; {@code null}, or a {@code null} entry, means ones), and writes or adds the gradients into the
     * gradient arrays. Does nothing when no argument has a gradient request.
     */
    public void backward(List<NDArray> headGrads) {
        if (!needsGradient()) {
            return;
        }
        if (values == null) {
            throw new KilnException("backward: call forward first");
        }
        List<String> outputNames = symbol.listOutputs();
        if (headGrads != null && headGrads.size() != outputs.size()) {
            throw new KilnException("backward: the symbol has " + outputs.size() + " outputs " + outputNames
                    + " but " + headGrads.size() + " head gradients were given");
        }
        GradientGraph gg = gradientGraph(lastTraining);
        boolean wasRecording = OpContext.setRecording(false);
        try {
            Map<String, NDArray> heads = new HashMap<>();
            for (int k = 0; k < outputs.size(); k++) {
                NDArray h = headGrads == null ? null : headGrads.get(k);
                NDArray o = outputs.get(k);
                if (h == null) {
                    h = Ops.call("ones_like", o);
                } else if (!h.shape().equals(o.shape())) {
                    throw new KilnException("backward: head gradient " + k + " has shape " + h.shape()
                            + " but output " + k + " '" + outputNames.get(k) + "' has shape " + o.shape());
                }
                heads.put(gg.headGradients().get(k), h);
            }
            Graph g = gg.graph();
            NDArray[][] v = values.clone(); // rows are replaced, not cleared, so the forward values stay whole
            Interpreter.runNodes(g, v, heads, lastTraining, gg.numForwardNodes(), g.size(), true);
            for (String name : gg.gradientArguments()) {
                Entry e = gg.gradientOf(name);
                store(name, v[e.node()][e.output()]);
            }
        } finally {
            OpContext.setRecording(wasRecording);
        }
    }

    private void store(String name, NDArray g) {
        NDArray buffer = grads.get(name);
        if (!g.shape().equals(buffer.shape())) {
            throw new KilnException("backward: the gradient of argument '" + name + "' has shape " + g.shape()
                    + " but its gradient array has shape " + buffer.shape());
        }
        NDArray cast = g.dtype() == buffer.dtype() ? g : g.astype(buffer.dtype());
        if (reqs.get(name) == GradReq.ADD) {
            buffer.addInPlace(cast);
        } else {
            cast.copyTo(buffer);
        }
    }

    private boolean needsGradient() {
        return !grads.isEmpty();
    }

    /**
     * The graph backward runs after a forward pass in the given mode: the forward nodes, then the gradient nodes
     * for the arguments whose grad_req is not {@code null}. Built once per mode.
     */
    public GradientGraph gradientGraph(boolean training) {
        return gradientGraphs.computeIfAbsent(training, t -> GraphGradient.of(symbol.graph()).wrt(reqs)
                .training(t).build());
    }

    /** The outputs of the last forward pass (empty before the first). */
    public List<NDArray> outputs() {
        return outputs;
    }

    /** The bound argument arrays by name, in {@code listArguments} order. */
    public Map<String, NDArray> argDict() {
        return args;
    }

    /** The gradient arrays by argument name, for arguments whose grad_req is not {@code null}. */
    public Map<String, NDArray> gradDict() {
        return grads;
    }

    /** The auxiliary state arrays by name, in {@code listAuxiliaryStates} order. */
    public Map<String, NDArray> auxDict() {
        return aux;
    }

    /** Every argument's grad_req. */
    public Map<String, GradReq> gradReqs() {
        return reqs;
    }

    /** The bound symbol. */
    public Symbol symbol() {
        return symbol;
    }
}
