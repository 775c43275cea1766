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
import dev.kiln.symbol.Sym;
import dev.kiln.symbol.Symbol;

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
            return hybridForward(Sym.sym, inputs, values(Parameter::var));
        }
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
     * This block traced on symbolic inputs named as Gluon names them: {@code data} for one input, else
     * {@code data0}, {@code data1}, ... ({@code present[i]} false leaves input {@code i} out, as an absent optional
     * input).
     */
    public Symbol trace(boolean... present) {
        List<Symbol> inputs = new ArrayList<>();
        for (int i = 0; i < present.length; i++) {
            inputs.add(present[i] ? Symbol.var(inputName(i, present.length)) : null);
        }
        return Symbol.group(forwardSymbolic(inputs));
    }

    /** Gluon's input names: {@code data} for a single input, {@code data0}, {@code data1}, ... otherwise. */
    public static String inputName(int index, int count) {
        return count == 1 ? "data" : "data" + index;
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
        Map<String, Shape> given = new LinkedHashMap<>();
        for (int i = 0; i < present.length; i++) {
            present[i] = inputShapes.get(i) != null;
            if (present[i]) {
                given.put(inputName(i, present.length), inputShapes.get(i));
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
}
