package dev.kiln.hybrid;

import dev.kiln.anomaly.Anomaly;
import dev.kiln.autograd.Tape;
import dev.kiln.compiler.Backend;
import dev.kiln.compiler.Backends;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Interpreter;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.OpContext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One traced graph of a hybridized block and the way it runs (MXNet's {@code CachedOp}): each call finds or
 * compiles the graph for its {@link InputSignature} in the block's {@link GraphCache} and runs it. Inside
 * {@code Autograd.record()}, when an argument is tracked, the forward is compiled together with the gradient of the
 * tracked arguments and the call goes on the tape as one step whose backward runs the compiled backward, so
 * gradients reach parameters' {@code grad()} by their grad_req and flow on into the eager computation around it.
 * Arrays on an accelerator ({@code gpu(i)}) compile with a backend that supports that device
 * ({@link Backends#forDevice}) when the options' backend does not.
 */
public final class CachedGraph {
    private final String owner;
    private final Graph graph;
    private final List<String> arguments;
    private final boolean[] present;
    private final HybridizeOptions options;
    private final GraphCache cache;
    private final Backend backend;
    private final int numOps;
    private final int numHeads;
    private final Set<String> parameters;
    /**
     * The signature of the last call that went through the cache: a call that matches it (checked without
     * allocating) asks the cache for that very key instead of building a new one. Immutable, published through a
     * volatile field, so calls from several threads see a whole signature.
     */
    private volatile InputSignature last;
    /** The interpreted graphs anomaly mode runs, made on its first checked call. */
    private volatile GraphCache checkingCache;

    /**
     * The graph traced for the block at {@code owner}, taking {@code arguments} (its variables: the present inputs,
     * then the parameters) in that order; {@code present} records which of the block's inputs were given. Outputs
     * past the first {@code numHeads} are taps: values hooks or monitors read, returned but never differentiated.
     */
    public CachedGraph(String owner, Graph graph, List<String> arguments, boolean[] present, int numHeads,
                       HybridizeOptions options, GraphCache cache) {
        this(owner, graph, arguments, Set.of(), present, numHeads, options, cache);
    }

    /**
     * As above, with the arguments that are the block's parameters and auxiliary states named in {@code parameters}:
     * their arrays persist across calls, so inference may compute what depends only on them once
     * ({@link CompileRequest#parameters()}).
     */
    public CachedGraph(String owner, Graph graph, List<String> arguments, Set<String> parameters, boolean[] present,
                       int numHeads, HybridizeOptions options, GraphCache cache) {
        this.parameters = Set.copyOf(parameters);
        this.owner = owner;
        this.numHeads = numHeads;
        this.graph = graph;
        this.arguments = List.copyOf(arguments);
        this.present = present.clone();
        this.options = options;
        this.cache = cache;
        this.backend = Backends.get(options.backend());
        int ops = 0;
        for (int i = 0; i < graph.size(); i++) {
            if (graph.node(i) instanceof OpNode) {
                ops++;
            }
        }
        this.numOps = ops;
    }

    /** The graph as traced. */
    public Graph graph() {
        return graph;
    }

    /** How many leading outputs are results (the rest are taps). */
    public int numHeads() {
        return numHeads;
    }

    /** The argument names, in call order. */
    public List<String> arguments() {
        return arguments;
    }

    /**
     * Runs the graph on {@code args} (in {@link #arguments()} order) in the current training and recording mode;
     * returns every output, the results first and then the taps.
     */
    public List<NDArray> call(NDArray[] args) {
        boolean training = OpContext.isTraining();
        boolean[] grads = OpContext.isRecording() ? trackedArguments(args) : null;
        if (grads != null && numOps <= options.inlineLimit()) {
            return inline(args, training);
        }
        CompiledGraph compiled = Anomaly.isEnabled() ? checking(args, training, grads) : compiled(args, training, grads);
        if (grads == null) {
            return Arrays.asList(compiled.infer(args));
        }
        CompiledGraph.Execution run = compiled.run(args);
        NDArray[] outs = run.outputs();
        GraphCallOp op = new GraphCallOp(owner, run, grads, numHeads);
        List<NDArray> results = Tape.record(op, op.defaultAttrs(), Arrays.asList(args),
                Arrays.asList(outs).subList(0, numHeads));
        if (numHeads == outs.length) {
            return results;
        }
        List<NDArray> all = new ArrayList<>(results);
        all.addAll(Arrays.asList(outs).subList(numHeads, outs.length));
        return all;
    }

    /** The graph compiled by {@link #backend} for this call, from the cache. */
    private CompiledGraph compiled(NDArray[] args, boolean training, boolean[] grads) {
        InputSignature previous = last;
        CompiledGraph compiled = previous != null && previous.matches(args, training, grads)
                ? cache.getIfPresent(previous) : null;
        if (compiled == null) {
            InputSignature sig = InputSignature.of(arguments, args, present, training, grads, options.staticShape());
            compiled = cache.get(sig, () -> compile(Backends.forDevice(sig.device(), backend), sig, training));
            last = sig;
        }
        return compiled;
    }

    /**
     * In anomaly mode, the graph as traced run node by node by the reference interpreter, whose every op is checked
     * for non-finite values under its node's name (compiled code fuses and renames nodes); kept in a cache of its own.
     */
    private CompiledGraph checking(NDArray[] args, boolean training, boolean[] grads) {
        GraphCache c = checkingCache;
        if (c == null) {
            synchronized (this) {
                if (checkingCache == null) {
                    checkingCache = new GraphCache(owner + " (anomaly mode)", options.cacheSize());
                }
                c = checkingCache;
            }
        }
        InputSignature sig = InputSignature.of(arguments, args, present, training, grads, options.staticShape());
        return c.get(sig, () -> compile(Backends.get(Backends.INTERPRETER), sig, training));
    }

    private CompiledGraph compile(Backend with, InputSignature sig, boolean training) {
        return with.compile(new CompileRequest(graph, arguments, sig.shapes(), sig.dtypes(), training,
                sig.gradients(), options.staticShape(), options.staticAlloc(), numHeads, parameters));
    }

    /** Small graphs while recording: their ops go on the tape one by one, as eager calls would. */
    private List<NDArray> inline(NDArray[] args, boolean training) {
        Map<String, NDArray> vars = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            vars.put(arguments.get(i), args[i]);
        }
        return Interpreter.eval(graph, vars, training);
    }

    /** Which arguments autograd tracks, or {@code null} when none is. */
    private static boolean[] trackedArguments(NDArray[] args) {
        boolean[] g = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].autogradEntry() != null) {
                if (g == null) {
                    g = new boolean[args.length];
                }
                g[i] = true;
            }
        }
        return g;
    }
}
