package dev.kiln.compiler.exec;

import dev.kiln.KilnException;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.compiler.GraphLayout;
import dev.kiln.compiler.MemoryPlan;
import dev.kiln.compiler.jit.JitKernels;
import dev.kiln.compiler.memory.BufferPlan;
import dev.kiln.graph.Graph;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A compiled graph run by generated code: per distinct tuple of input shapes and dtypes (one with static shapes, the
 * last {@value #CACHE_SIZE} used otherwise) a {@link Specialization} with its memory plan and generated program.
 * Calls it cannot specialise (shapes or dtypes that do not infer, inputs off the CPU, other shapes than the static
 * ones) run on the interpreter with the same passes but without the backend's lowering, and graphs without op nodes
 * on the reference it was built from, so results and errors are the interpreter's.
 */
public final class GeneratedGraph implements CompiledGraph {
    /** How many shape specialisations a dynamic-shape graph keeps. */
    public static final int CACHE_SIZE = 8;

    private final CompileRequest request;
    private final CompiledGraph reference;
    private final Supplier<CompiledGraph> unlowered;
    private volatile CompiledGraph unloweredGraph;
    private final GraphLayout layout;
    private final Specialization initial;
    private volatile Specialization last;
    private final Map<Key, Optional<Specialization>> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Optional<Specialization>> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    private record Key(List<Shape> shapes, List<DType> types) {
    }

    /**
     * The generated executor of {@code reference}'s graph (one the interpreter backends compiled for
     * {@code request}), specialised at once for the compiling call's shapes.
     */
    public GeneratedGraph(CompileRequest request, CompiledGraph reference) {
        this(request, reference, () -> reference);
    }

    /**
     * As {@link #GeneratedGraph(CompileRequest, CompiledGraph)}, with calls that cannot be specialised running on
     * {@code unlowered} (built on first need): the same graph before the backend's lowering, so an op that fails on
     * a call's shapes is reported under its own node name rather than the fused node that absorbed it.
     */
    public GeneratedGraph(CompileRequest request, CompiledGraph reference, Supplier<CompiledGraph> unlowered) {
        this.request = request;
        this.reference = reference;
        this.unlowered = unlowered;
        this.layout = GraphLayout.of(reference);
        Specialization first = null;
        if (layout.passThrough() == null) {
            first = specialise(new Key(request.shapes(), request.dtypes()));
        }
        initial = first;
        last = first;
    }

    @Override
    public CompileRequest request() {
        return request;
    }

    @Override
    public Execution run(NDArray[] inputs) {
        Specialization s = specialisationFor(inputs);
        if (s == null) {
            return fallback().run(inputs);
        }
        return request.needsGradients() ? s.run(inputs) : new Forward(s.infer(inputs));
    }

    @Override
    public NDArray[] infer(NDArray[] inputs) {
        Specialization s = specialisationFor(inputs);
        return s == null ? fallback().infer(inputs) : s.infer(inputs);
    }

    /** Where calls without a specialisation run: the pass-through reference, else the graph before lowering. */
    private CompiledGraph fallback() {
        if (layout.passThrough() != null) {
            return reference;
        }
        CompiledGraph g = unloweredGraph;
        if (g == null) {
            g = unlowered.get();
            unloweredGraph = g;
        }
        return g;
    }

    @Override
    public Graph compiledGraph() {
        return reference.compiledGraph();
    }

    /** The plan of the compiling call's specialisation; the interpreter's when it could not be specialised. */
    @Override
    public MemoryPlan memoryPlan() {
        return initial == null ? reference.memoryPlan() : MemoryPlan.planned(initial.plan());
    }

    @Override
    public Optional<BufferPlan> bufferPlan() {
        return initial == null ? reference.bufferPlan() : Optional.of(initial.plan());
    }

    /** The executor of the compiling call's shapes, then the kernels of the fused nodes it calls. */
    @Override
    public Map<String, String> generatedClasses() {
        if (initial == null) {
            return Map.of();
        }
        Map<String, String> classes = new LinkedHashMap<>();
        String name = initial.generated().className();
        classes.put(name.substring(name.lastIndexOf('/') + 1), JitKernels.listing(initial.generated().bytes()));
        classes.putAll(JitKernels.listings(layout.graph()));
        return classes;
    }

    /** The specialisation of the compiling call's shapes, or null when it runs on the interpreter. */
    Specialization initial() {
        return initial;
    }

    /** How many shape specialisations the cache holds now (at most {@link #CACHE_SIZE}). */
    int cachedSpecialisations() {
        synchronized (cache) {
            return cache.size();
        }
    }

    /** The specialisation for these inputs, or null to run them on the reference. */
    private Specialization specialisationFor(NDArray[] inputs) {
        if (layout.passThrough() != null || inputs.length != request.inputs().size()) {
            return null;
        }
        for (NDArray a : inputs) {
            if (a == null || !a.device().equals(Device.cpu())) {
                return null;
            }
        }
        Specialization s = last;
        if (s != null && s.matches(inputs)) {
            return s;
        }
        if (request.staticShapes()) {
            return null;
        }
        List<Shape> shapes = new ArrayList<>(inputs.length);
        List<DType> types = new ArrayList<>(inputs.length);
        for (NDArray a : inputs) {
            shapes.add(a.shape());
            types.add(a.dtype());
        }
        Key key = new Key(List.copyOf(shapes), List.copyOf(types));
        Optional<Specialization> found;
        synchronized (cache) {
            found = cache.get(key);
        }
        if (found == null) {
            found = Optional.ofNullable(specialise(key));
        }
        found.ifPresent(spec -> last = spec);
        return found.orElse(null);
    }

    /** Builds and caches the specialisation for {@code key}; null (cached too) when its shapes do not infer. */
    private Specialization specialise(Key key) {
        Specialization s;
        try {
            s = new Specialization(request, layout, key.shapes(), key.types());
        } catch (KilnException notInferable) {
            s = null;
        }
        synchronized (cache) {
            Optional<Specialization> raced = cache.putIfAbsent(key, Optional.ofNullable(s));
            return raced != null ? raced.orElse(null) : s;
        }
    }

    /** An inference run's outputs; it has no backward. */
    private record Forward(NDArray[] outputs) implements Execution {
        @Override
        public NDArray[] backward(NDArray[] headGradients) {
            throw new KilnException("compiled graph: compiled for inference; no gradients were requested");
        }
    }
}
