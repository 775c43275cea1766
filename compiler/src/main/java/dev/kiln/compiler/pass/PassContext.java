package dev.kiln.compiler.pass;

import dev.kiln.KilnException;
import dev.kiln.compiler.CompileRequest;
import dev.kiln.graph.Graph;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.graph.infer.ShapeInference;
import dev.kiln.graph.infer.TypeInference;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What passes know besides the graph: the shapes and dtypes of its variables (those of the compiling call), the mode,
 * whether a gradient will still be built from the result, whether shapes are fixed for every call, and the values of
 * variables that are constant (parameters in inference, when the caller recompiles after they change). Passes read
 * inferred shapes and dtypes of the graph they are given through {@link #shapes} and {@link #types}.
 *
 * <p>With {@code staticShapes} false the compiled graph must serve other shapes of the same ranks, so a pass may rely
 * on inferred ranks and dtypes but not on inferred dims.
 */
public final class PassContext {
    private final Map<String, Shape> shapes;
    private final Map<String, DType> dtypes;
    private final boolean training;
    private final boolean differentiated;
    private final boolean staticShapes;
    private final Map<String, NDArray> constants;
    private final Set<String> parameters;
    private Graph shapesOf;
    private InferenceResult<Shape> shapeResult;
    private Graph typesOf;
    private InferenceResult<DType> typeResult;

    private PassContext(Builder b) {
        Map<String, Shape> s = new HashMap<>(b.shapes);
        Map<String, DType> t = new HashMap<>(b.dtypes);
        b.constants.forEach((name, value) -> {
            s.putIfAbsent(name, value.shape());
            t.putIfAbsent(name, value.dtype());
        });
        this.shapes = Collections.unmodifiableMap(s);
        this.dtypes = Collections.unmodifiableMap(t);
        this.training = b.training;
        this.differentiated = b.differentiated;
        this.staticShapes = b.staticShapes;
        this.constants = Collections.unmodifiableMap(new LinkedHashMap<>(b.constants));
        this.parameters = Set.copyOf(b.parameters);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The context of a compile request's forward graph: its inputs' shapes and dtypes, mode and shape policy; a
     * gradient will be built from the result when the request asks for gradients. No constants.
     */
    public static PassContext of(CompileRequest request) {
        Builder b = builder().training(request.training()).differentiated(request.needsGradients())
                .staticShapes(request.staticShapes()).parameters(request.parameters());
        List<String> names = request.inputs();
        for (int k = 0; k < names.size(); k++) {
            b.shape(names.get(k), request.shapes().get(k)).dtype(names.get(k), request.dtypes().get(k));
        }
        return b.build();
    }

    /**
     * This context for a graph over more variables (a gradient graph's head gradients) from which no further gradient
     * is built.
     */
    public PassContext forGradientGraph(Map<String, Shape> moreShapes, Map<String, DType> moreTypes) {
        Builder b = builder().training(training).differentiated(false).staticShapes(staticShapes);
        b.shapes.putAll(shapes);
        b.shapes.putAll(moreShapes);
        b.dtypes.putAll(dtypes);
        b.dtypes.putAll(moreTypes);
        b.constants.putAll(constants);
        b.parameters.addAll(parameters);
        return b.build();
    }

    /** Known variable shapes by name (constants' included). */
    public Map<String, Shape> inputShapes() {
        return shapes;
    }

    /** Known variable dtypes by name (constants' included). */
    public Map<String, DType> inputTypes() {
        return dtypes;
    }

    /** Whether the graph runs in training mode (Dropout draws, BatchNorm moves its statistics). */
    public boolean training() {
        return training;
    }

    /**
     * Whether a gradient graph will be built from the result: ops that only shape gradients ({@code BlockGrad}) must
     * then stay.
     */
    public boolean differentiated() {
        return differentiated;
    }

    /** Whether every call has exactly the compiling call's shapes, so inferred dims may be relied on. */
    public boolean staticShapes() {
        return staticShapes;
    }

    /** Values of variables that are constant for every run of the result, by name. */
    public Map<String, NDArray> constants() {
        return constants;
    }

    /**
     * Variables whose values persist across runs though they may change between them (block parameters and auxiliary
     * states, {@link CompileRequest#parameters()}): inference-time folding may move arithmetic onto them, which the
     * parameter stage then computes once per change.
     */
    public Set<String> parameters() {
        return parameters;
    }

    /**
     * True if shape and dtype inference of {@code graph} succeed with what this context knows. A graph that fails is
     * left as it is by {@link PassPipeline#run}, so that running it reports the failure at the node, as without
     * passes.
     */
    public boolean inferable(Graph graph) {
        try {
            shapes(graph);
            types(graph);
            return true;
        } catch (KilnException e) {
            return false;
        }
    }

    /** Shapes inferred for {@code graph} from the known variable shapes; entries stay {@code null} where unknown. */
    public synchronized InferenceResult<Shape> shapes(Graph graph) {
        if (graph != shapesOf) {
            shapeResult = ShapeInference.infer(graph, shapes);
            shapesOf = graph;
        }
        return shapeResult;
    }

    /** Dtypes inferred for {@code graph} from the known variable dtypes; entries stay {@code null} where unknown. */
    public synchronized InferenceResult<DType> types(Graph graph) {
        if (graph != typesOf) {
            typeResult = TypeInference.infer(graph, dtypes);
            typesOf = graph;
        }
        return typeResult;
    }

    /** Collects a context's settings. */
    public static final class Builder {
        private final Map<String, Shape> shapes = new HashMap<>();
        private final Map<String, DType> dtypes = new HashMap<>();
        private final Map<String, NDArray> constants = new LinkedHashMap<>();
        private final Set<String> parameters = new HashSet<>();
        private boolean training;
        private boolean differentiated;
        private boolean staticShapes;

        private Builder() {
        }

        public Builder shape(String variable, Shape shape) {
            shapes.put(variable, shape);
            return this;
        }

        public Builder shapes(Map<String, Shape> byName) {
            shapes.putAll(byName);
            return this;
        }

        public Builder dtype(String variable, DType dtype) {
            dtypes.put(variable, dtype);
            return this;
        }

        public Builder dtypes(Map<String, DType> byName) {
            dtypes.putAll(byName);
            return this;
        }

        /** The variable {@code name} has this value in every run (its shape and dtype follow from it). */
        public Builder constant(String variable, NDArray value) {
            constants.put(variable, value);
            return this;
        }

        public Builder constants(Map<String, NDArray> byName) {
            constants.putAll(byName);
            return this;
        }

        /** These variables are parameters: their values persist across runs ({@link PassContext#parameters()}). */
        public Builder parameters(Collection<String> names) {
            parameters.addAll(names);
            return this;
        }

        public Builder training(boolean training) {
            this.training = training;
            return this;
        }

        public Builder differentiated(boolean differentiated) {
            this.differentiated = differentiated;
            return this;
        }

        public Builder staticShapes(boolean staticShapes) {
            this.staticShapes = staticShapes;
            return this;
        }

        public PassContext build() {
            return new PassContext(this);
        }
    }
}
