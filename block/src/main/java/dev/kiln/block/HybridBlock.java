package dev.kiln.block;

import dev.kiln.KilnException;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.hybrid.GraphCache;
import dev.kiln.hybrid.HybridizeOptions;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.surface.F;
import dev.kiln.op.surface.ND;
import dev.kiln.parameter.DeferredInitialization;
import dev.kiln.parameter.Parameter;
import dev.kiln.parameter.ParameterDict;
import dev.kiln.symbol.NodeOrigin;
import dev.kiln.symbol.NodeOrigins;
import dev.kiln.symbol.Sym;
import dev.kiln.symbol.Symbol;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A block whose computation is written once, generic over the backend, in {@code hybridForward(F, x, params)}: it
 * runs eagerly on NDArrays ({@code F} is {@code ND.nd}) and is traced into a graph on Symbols ({@code F} is
 * {@code Sym.sym}), so the same code serves both and NDArray-only calls cannot appear in it. Override the
 * one-input form or, for several inputs or outputs, the list form. Inside {@code hybridForward}, call children with
 * {@link #call(F, Object)}. On the first eager forward, deferred parameters are completed by shape inference over
 * the traced block.
 */
public abstract class HybridBlock extends Block {
    private volatile Hybridization hybridization;
    private final List<GraphTaps.OpHookRegistration> opHooks = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Map<String, NodeOrigin> traceOrigins = Map.of();

    protected HybridBlock() {
        super();
    }

    protected HybridBlock(String prefix, ParameterDict params) {
        super(prefix, params);
    }

    protected HybridBlock(String prefix, ParameterDict params, String hint) {
        super(prefix, params, hint);
    }

    /** The computation for one input and one output; {@code p} holds the registered parameters' values. */
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        throw new KilnException(getClass().getSimpleName() + " does not override hybridForward");
    }

    /**
     * The computation for several inputs or outputs ({@code null} marks an absent optional input); by default the
     * one-input form.
     */
    protected <T> List<T> hybridForward(F<T> F, List<T> inputs, ParameterValues<T> p) {
        if (inputs.size() != 1) {
            throw new KilnException("block '" + currentPath() + "' (" + getClass().getSimpleName() + ") takes one "
                    + "input, got " + inputs.size() + "; override hybridForward(F, List, ParameterValues)");
        }
        return List.of(hybridForward(F, inputs.get(0), p));
    }

    // ---- eager ---------------------------------------------------------------------------------------------

    @Override
    public final List<NDArray> forward(List<NDArray> inputs) {
        ExportSignature previous = exportInputs;
        ExportSignature seen = ExportSignature.seen(previous, inputs);
        if (seen != previous) { // written only when the inputs' structure changes, not by every call of every thread
            exportInputs = seen;
        }
        Hybridization h = hybridization;
        if (h != null) {
            // completes the deferred parameters its graph reads, so this block's own need not be checked here
            return h.forward(inputs);
        }
        if (hasDeferred()) {
            completeDeferred(inputs);
        }
        Device device = Device.cpu();
        for (NDArray x : inputs) {
            if (x != null) {
                device = x.device();
                break;
            }
        }
        Device on = device;
        return hybridForward(ND.nd, inputs, values(p -> p.data(on)));
    }

    @Override
    public final NDArray forward(NDArray x) {
        return only(forward(Arrays.asList(x)));
    }

    private boolean hasDeferred() {
        for (Parameter p : registeredParameters().values()) {
            if (p.isDeferred()) {
                return true;
            }
        }
        return false;
    }

    /** Traces this block on the inputs' shapes and completes the deferred parameters of the tree it uses. */
    void completeDeferred(List<NDArray> inputs) {
        List<Shape> shapes = new ArrayList<>();
        for (NDArray x : inputs) {
            shapes.add(x == null ? null : x.shape());
        }
        inferShapes(shapes);
    }

    // ---- hybridize -----------------------------------------------------------------------------------------

    /**
     * Hybridizes this block and its descendants with {@code options}: from the next call on, {@code hybridForward}
     * is traced once per pattern of present inputs and mode, and the graph, compiled once per input signature by
     * the options' backend, runs instead of the eager code. Calling it again starts afresh (traces and compiled
     * graphs are dropped).
     */
    @Override
    public void hybridize(HybridizeOptions options) {
        hybridization = new Hybridization(this, options);
        super.hybridize(options);
    }

    /** Returns this block and its descendants to eager execution. */
    @Override
    public void dehybridize() {
        hybridization = null;
        super.dehybridize();
    }

    /** Whether calls run the compiled graph. */
    public boolean isHybridized() {
        return hybridization != null;
    }

    /** Puts back a state read by {@link #hybridization()} ({@code null}: eager), graphs and counters included. */
    void restoreHybridization(Hybridization h) {
        hybridization = h;
    }

    /** The options of {@link #hybridize(HybridizeOptions)}, or empty when the block runs eagerly. */
    public java.util.Optional<HybridizeOptions> hybridizeOptions() {
        Hybridization h = hybridization;
        return h == null ? java.util.Optional.empty() : java.util.Optional.of(h.options());
    }

    /** The compiled-graph cache's counters (hits, misses and their last reason, evictions); zeros when eager. */
    public GraphCache.Stats cacheStats() {
        Hybridization h = hybridization;
        return h == null ? new GraphCache.Stats(0, 0, 0, 0, 0, "") : h.cache().stats();
    }

    /**
     * The graphs compiled so far for this block's calls, one per input signature, least recently used first (empty when eager):
     * their requests say whether they include the backward pass, and {@code memoryPlan()} gives the planned bytes.
     */
    public List<dev.kiln.compiler.CompiledGraph> compiledGraphs() {
        Hybridization h = hybridization;
        return h == null ? List.of() : h.cache().entries().stream().map(Map.Entry::getValue).toList();
    }

    /** Drops traced and compiled graphs after a change of structure or dtype; the next call traces again. */
    @Override
    protected void structureChanged() {
        Hybridization h = hybridization;
        if (h != null) {
            hybridization = new Hybridization(this, h.options());
        }
    }

    Hybridization hybridization() {
        return hybridization;
    }

    /**
     * Calls {@code hook} with the values of every op of this block's compiled graph on each hybridized call
     * (Gluon's {@code register_op_hook}): op outputs named {@code <node>_output}, and with {@code monitorAll} the
     * ops' inputs, named {@code <node>_<input>}. Only hybridized calls report; eager calls have no graph nodes.
     */
    public HookHandle registerOpHook(OpHook hook, boolean monitorAll) {
        GraphTaps.OpHookRegistration r = new GraphTaps.OpHookRegistration(hook, monitorAll);
        opHooks.add(r);
        ForwardHooks.changed();
        return () -> {
            opHooks.remove(r);
            ForwardHooks.changed();
        };
    }

    /** As {@link #registerOpHook(OpHook, boolean)} for op outputs only. */
    public HookHandle registerOpHook(OpHook hook) {
        return registerOpHook(hook, false);
    }

    /**
     * What hybridizing did: the options and cache counters, and for each compiled signature the graph as traced
     * and as compiled, with every value's shape and dtype and the planned memory.
     */
    public String explain() {
        return Explain.of(this);
    }

    List<GraphTaps.OpHookRegistration> opHooks() {
        return opHooks;
    }

    // ---- symbolic ------------------------------------------------------------------------------------------

    /** Composes this block into a graph on symbolic inputs (Gluon's {@code block(sym)}). */
    public Symbol call(Symbol... inputs) {
        return only(callAllSymbolic(Arrays.asList(inputs)));
    }

    /** As {@link #call(Symbol...)}, returning every output. */
    public List<Symbol> callAllSymbolic(List<Symbol> inputs) {
        return invoke(inputs, this::forwardSymbolic, false);
    }

    private List<Symbol> forwardSymbolic(List<Symbol> inputs) {
        try (var ignored = nameScope()) {
            return TraceErrors.trace(this, () -> hybridForward(Sym.sym, inputs, values(Parameter::var)),
                    origins -> traceOrigins = origins);
        }
    }

    /** Where each op node of this block's last outermost trace came from, by node name ({@link NodeOrigins}). */
    Map<String, NodeOrigin> traceOrigins() {
        return traceOrigins;
    }

    /** Calls this block from inside another block's {@code hybridForward}, on whichever backend that runs. */
    public final <T> T call(F<T> F, T x) {
        return only(callAll(F, Arrays.asList(x)));
    }

    /** As {@link #call(F, Object)} with several inputs, returning every output. */
    @SuppressWarnings("unchecked")
    public final <T> List<T> callAll(F<T> F, List<T> inputs) {
        if (F instanceof ND) {
            return (List<T>) callAll((List<NDArray>) inputs);
        }
        if (F instanceof Sym) {
            return (List<T>) callAllSymbolic((List<Symbol>) inputs);
        }
        throw new KilnException("block '" + name() + "': unknown backend " + F.getClass().getName());
    }

    /**
     * This block traced on symbolic inputs named as Gluon names them ({@link #inputNames}; {@code present[i]} false
     * leaves input {@code i} out, as an absent optional input).
     */
    public Symbol trace(boolean... present) {
        return traceNamed(inputNames(present));
    }

    /** Gluon's input names: {@code data} for a single input, {@code data0}, {@code data1}, ... otherwise. */
    public static String inputName(int index, int count) {
        return count == 1 ? "data" : "data" + index;
    }

    /**
     * Gluon's names for the present inputs, counting only those ({@code data} when one is present, else
     * {@code data0}, {@code data1}, ... in order), {@code null} at absent positions: {@code (x, absent, z)} gives
     * {@code [data0, null, data1]}. At least one input must be present.
     */
    public static List<String> inputNames(boolean... present) {
        int count = 0;
        for (boolean p : present) {
            count += p ? 1 : 0;
        }
        if (count == 0) {
            throw new KilnException("every one of the " + present.length + " inputs is absent; at least one input "
                    + "must be present");
        }
        List<String> names = new ArrayList<>(present.length);
        int k = 0;
        for (boolean p : present) {
            names.add(p ? inputName(k++, count) : null);
        }
        return names;
    }

    /**
     * Infers the output shapes for inputs of {@code inputShapes} without running anything (Gluon's
     * {@code infer_shape}), giving every parameter of the tree the graph uses its shape and completing deferred
     * ones; a {@code null} shape marks an absent optional input.
     */
    public List<Shape> inferShape(Shape... inputShapes) {
        return inferShapes(Arrays.asList(inputShapes)).outputs();
    }

    private InferenceResult<Shape> inferShapes(List<Shape> inputShapes) {
        boolean[] present = new boolean[inputShapes.size()];
        for (int i = 0; i < present.length; i++) {
            present[i] = inputShapes.get(i) != null;
        }
        List<String> names = inputNames(present);
        Map<String, Shape> given = new LinkedHashMap<>();
        for (int i = 0; i < present.length; i++) {
            if (present[i]) {
                given.put(names.get(i), inputShapes.get(i));
            }
        }
        Symbol graph = trace(present);
        return DeferredInitialization.complete(currentPath(), graph, given, collectParams().values());
    }

    private <T> ParameterValues<T> values(Function<Parameter, T> value) {
        Map<String, T> out = new LinkedHashMap<>();
        registeredParameters().forEach((k, p) -> out.put(k, value.apply(p)));
        return new ParameterValues<>(currentPath(), out);
    }

    // ---- export --------------------------------------------------------------------------------------------

    /** The inputs of the last eager forward (presence, shapes, dtypes): what {@link #export(Path, int)} writes for. */
    private ExportSignature exportInputs;

    /**
     * Writes this block as MXNet 1.x does ({@code prefix-symbol.json}, {@code prefix-%04d.params} with
     * {@code arg:}/{@code aux:} keys) plus {@code prefix-metadata.json}, for the inputs of its last forward; see
     * {@link Export}. Fails if the block was never called: call it once, or use
     * {@link #export(Path, int, Shape...)}.
     */
    public ExportedFiles export(Path prefix, int epoch) {
        return Export.write(this, prefix, epoch, exportInputs);
    }

    /**
     * As {@link #export(Path, int)} for inputs of the declared shapes ({@code null} for an absent optional input),
     * without running a forward: deferred parameters are completed by shape inference first.
     */
    public ExportedFiles export(Path prefix, int epoch, Shape... inputShapes) {
        ExportSignature declared = ExportSignature.declared(inputShapes);
        inferShape(inputShapes);
        return Export.write(this, prefix, epoch, declared);
    }

    /** This block traced on input variables {@code names} ({@code null} for an absent input), as export writes it. */
    Symbol traceNamed(List<String> names) {
        List<Symbol> inputs = new ArrayList<>();
        for (String n : names) {
            inputs.add(n == null ? null : Symbol.var(n));
        }
        return Symbol.group(forwardSymbolic(inputs));
    }
}
