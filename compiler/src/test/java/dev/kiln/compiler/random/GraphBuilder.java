package dev.kiln.compiler.random;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.Variable;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.graph.infer.ShapeInference;
import dev.kiln.graph.infer.TypeInference;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Attrs;
import dev.kiln.op.OpDef;
import dev.kiln.op.Ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Grows one random graph node by node. Every value the graph has so far is in a pool with its shape, dtype and the
 * array it holds for the generated inputs; a proposed node (from a {@link Recipe}) is kept only if graph shape and
 * dtype inference succeed and its kernel runs on those arrays, so the finished graph is valid by construction.
 */
final class GraphBuilder {
    /** A value of the graph: the entry, its inferred shape and dtype, and its array for the generated inputs. */
    record Value(Entry entry, Shape shape, DType dtype, NDArray array) {
        int rank() {
            return shape.rank();
        }

        int dim(int axis) {
            return shape.get(axis);
        }

        boolean isFloat() {
            return dtype.isFloating();
        }
    }

    /** An input of a proposed node: an existing value or a new variable. */
    sealed interface Input permits Use, Fresh {
    }

    /** Reads an existing value. */
    record Use(Value value) implements Input {
    }

    /**
     * A new variable; {@code shape} null lets inference find it (a weight from its data), {@code dtype} null takes
     * what inference gives (the data's dtype).
     */
    record Fresh(Shape shape, DType dtype, Domain domain) implements Input {
    }

    /** A proposed node: its op, attributes (Java values or MXNet strings) and inputs. */
    record Proposal(OpDef op, Map<String, ?> attrs, List<Input> inputs) {
    }

    final Random rnd;
    final DType floatType;
    private final List<Node> nodes = new ArrayList<>();
    private final List<VariableSpec> variables = new ArrayList<>();
    private final Map<String, NDArray> arrays = new LinkedHashMap<>();
    private final List<Value> pool = new ArrayList<>();
    private final List<Value> opValues = new ArrayList<>();
    private int names;

    GraphBuilder(Random rnd, DType floatType) {
        this.rnd = rnd;
        this.floatType = floatType;
    }

    /** Adds a graph input of this shape, dtype and value domain to the pool. */
    Value input(Shape shape, DType dtype, Domain domain) {
        String name = "x" + variables.size();
        NDArray a = domain.sample(rnd, shape, dtype);
        nodes.add(new Variable(name));
        variables.add(new VariableSpec(name, shape, dtype, domain));
        arrays.put(name, a);
        Value v = new Value(new Entry(nodes.size() - 1, 0), shape, dtype, a);
        pool.add(v);
        return v;
    }

    /** The values so far. */
    List<Value> pool() {
        return pool;
    }

    /** Op nodes' visible outputs so far. */
    List<Value> opValues() {
        return opValues;
    }

    /** A random value of the pool. */
    Value any() {
        return pool.get(rnd.nextInt(pool.size()));
    }

    /** A random value passing {@code test}, or null if none does. */
    Value any(Predicate<Value> test) {
        List<Value> found = pool.stream().filter(test).toList();
        return found.isEmpty() ? null : found.get(rnd.nextInt(found.size()));
    }

    /** A random floating-point value, or null. */
    Value anyFloat() {
        return any(Value::isFloat);
    }

    /** A random floating-point value of rank in [min, max], or null. */
    Value anyFloat(int minRank, int maxRank) {
        return any(v -> v.isFloat() && v.rank() >= minRank && v.rank() <= maxRank);
    }

    /**
     * An input of exactly this shape and dtype: an existing value (most of the time, when there is one, so values
     * are reused) or a new variable.
     */
    Input like(Shape shape, DType dtype, Domain domain) {
        Value v = any(p -> p.shape.equals(shape) && p.dtype == dtype);
        return v != null && rnd.nextInt(3) > 0 ? new Use(v) : new Fresh(shape, dtype, domain);
    }

    /** Tries to add the proposal's node; returns its visible outputs, or null (and no change) if it is not valid. */
    List<Value> tryAdd(Proposal p) {
        Attrs attrs;
        try {
            attrs = p.op().attrs(p.attrs());
        } catch (RuntimeException e) {
            return null;
        }
        List<Node> trial = new ArrayList<>(nodes);
        List<Entry> ins = new ArrayList<>();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        Map<String, DType> types = new LinkedHashMap<>();
        for (VariableSpec v : variables) {
            shapes.put(v.name(), v.shape());
            types.put(v.name(), v.dtype());
        }
        List<String> fresh = new ArrayList<>();
        List<Integer> freshNodes = new ArrayList<>();
        for (Input in : p.inputs()) {
            switch (in) {
                case Use u -> ins.add(u.value().entry());
                case Fresh f -> {
                    String name = "x" + (variables.size() + fresh.size());
                    fresh.add(name);
                    trial.add(new Variable(name));
                    freshNodes.add(trial.size() - 1);
                    ins.add(new Entry(trial.size() - 1, 0));
                    if (f.shape() != null) {
                        shapes.put(name, f.shape());
                    }
                    if (f.dtype() != null) {
                        types.put(name, f.dtype());
                    }
                }
            }
        }
        String nodeName = p.op().name().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "") + names;
        try {
            trial.add(new OpNode(nodeName, p.op(), attrs, ins));
            int node = trial.size() - 1;
            Graph g = new Graph(trial, List.of(new Entry(node, 0)));
            InferenceResult<Shape> sr = ShapeInference.infer(g, shapes).requireComplete();
            InferenceResult<DType> tr = TypeInference.infer(g, types).requireComplete();
            List<VariableSpec> newVars = new ArrayList<>();
            Map<String, NDArray> newArrays = new LinkedHashMap<>();
            int f = 0;
            for (Input in : p.inputs()) {
                if (in instanceof Fresh fr) {
                    String name = fresh.get(f++);
                    Shape s = sr.variables().get(name);
                    DType t = tr.variables().get(name);
                    newVars.add(new VariableSpec(name, s, t, fr.domain()));
                    newArrays.put(name, fr.domain().sample(rnd, s, t));
                }
            }
            List<NDArray> inArrays = new ArrayList<>();
            for (int k = 0; k < ins.size(); k++) {
                Input in = p.inputs().get(k);
                inArrays.add(in instanceof Use u ? u.value().array() : newArrays.get(g.node(ins.get(k).node()).name()));
            }
            List<NDArray> outs = Ops.invokeAll(p.op(), attrs, copies(inArrays));
            OpNode added = (OpNode) g.node(node);
            List<Value> visible = new ArrayList<>();
            for (int k = 0; k < added.numVisibleOutputs(); k++) {
                Shape s = sr.entry(node, k);
                if (!s.equals(outs.get(k).shape()) || tr.entry(node, k) != outs.get(k).dtype()) {
                    return null;
                }
                visible.add(new Value(new Entry(node, k), s, tr.entry(node, k), outs.get(k)));
            }
            nodes.clear();
            nodes.addAll(trial);
            variables.addAll(newVars);
            arrays.putAll(newArrays);
            names++;
            for (int k = 0; k < newVars.size(); k++) {
                pool.add(new Value(new Entry(freshNodes.get(k), 0), newVars.get(k).shape(),
                        newVars.get(k).dtype(), newArrays.get(newVars.get(k).name())));
            }
            pool.addAll(visible);
            opValues.addAll(visible);
            return visible;
        } catch (RuntimeException | StackOverflowError e) {
            return null;
        }
    }

    /** Kernels may update inputs in place (BatchNorm's statistics in training); the pool's arrays stay as they are. */
    private static List<NDArray> copies(List<NDArray> in) {
        return in.stream().map(NDArray::copy).toList();
    }

    /** The finished graph with these outputs. */
    RandomGraph finish(long seed, List<Value> outputs) {
        List<Entry> outs = outputs.stream().map(Value::entry).toList();
        return new RandomGraph(seed, new Graph(List.copyOf(nodes), outs), List.copyOf(variables), Map.copyOf(arrays));
    }
}
