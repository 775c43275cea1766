package dev.kiln.symbol;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradReq;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.GraphText;
import dev.kiln.graph.Interpreter;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.graph.json.SymbolJson;
import dev.kiln.graph.infer.ShapeInference;
import dev.kiln.graph.infer.TypeInference;
import dev.kiln.graph.viz.Dot;
import dev.kiln.graph.viz.DotOptions;
import dev.kiln.graph.viz.ShapeText;
import dev.kiln.graph.viz.Summary;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.Variable;
import dev.kiln.graph.VarAttrs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A symbolic value, as MXNet's {@code mx.sym.Symbol}: one or more outputs of a graph being composed. Symbols are
 * immutable; applying an op ({@link Sym#sym}) makes a new symbol that shares its inputs' nodes. {@link #graph()} is
 * the indexed IR that inference, the interpreter, JSON and the compiler work on. While a block is traced
 * ({@link NodeOrigins#active()}), the calls that read concrete shapes, dtypes or values fail with a
 * {@link FrozenValueException}: what they read would be frozen into the graph.
 */
public final class Symbol {
    private final List<SymbolNode.Out> outputs;
    private volatile Graph graph;

    Symbol(List<SymbolNode.Out> outputs) {
        this.outputs = List.copyOf(outputs);
    }

    /** A variable (a graph input) named {@code name}. */
    public static Symbol var(String name) {
        return var(name, Map.of());
    }

    /**
     * A variable with attributes given as MXNet's {@code mx.sym.var} keywords: {@code shape} (a Shape or int[];
     * 0 or -1 marks an unknown dim), {@code dtype} (a DType or its name), {@code init}, {@code lr_mult},
     * {@code wd_mult}, {@code stype}, and any {@code __name__} annotation.
     */
    public static Symbol var(String name, Map<String, ?> attrs) {
        if (name == null || name.isEmpty()) {
            throw new KilnException("Symbol.var: a variable needs a non-empty name");
        }
        return new Symbol(List.of(new SymbolNode.Out(SymbolNode.variable(name,
                AttrScope.withScope(VarAttrs.annotations(name, attrs))),
                0)));
    }

    /** One symbol whose outputs are all outputs of {@code symbols}, in order (MXNet's {@code Group}). */
    public static Symbol group(List<Symbol> symbols) {
        if (symbols.isEmpty()) {
            throw new KilnException("Symbol.group: needs at least one symbol");
        }
        List<SymbolNode.Out> all = new ArrayList<>();
        for (Symbol s : symbols) {
            all.addAll(s.outputs);
        }
        return new Symbol(all);
    }

    public static Symbol group(Symbol... symbols) {
        return group(List.of(symbols));
    }

    /** The symbol of a graph's outputs: the inverse of {@link #graph()}. */
    public static Symbol fromGraph(Graph g) {
        SymbolNode[] made = new SymbolNode[g.size()];
        for (int i = 0; i < g.size(); i++) {
            made[i] = switch (g.node(i)) {
                case Variable v -> SymbolNode.variable(v.name(), v.attrs());
                case OpNode op -> {
                    List<SymbolNode.Out> in = new ArrayList<>();
                    for (Entry e : op.inputs()) {
                        in.add(new SymbolNode.Out(made[e.node()], e.output()));
                    }
                    yield SymbolNode.op(op.name(), op.op(), op.params(), in, op.attrs());
                }
            };
        }
        List<SymbolNode.Out> outs = new ArrayList<>();
        for (Entry e : g.outputs()) {
            outs.add(new SymbolNode.Out(made[e.node()], e.output()));
        }
        return new Symbol(outs);
    }

    /** The symbol saved as MXNet symbol JSON ({@code -symbol.json}, MXNet's {@code Symbol.load_json}). */
    public static Symbol fromJson(String json) {
        return fromGraph(SymbolJson.read(json));
    }

    /** The symbol in an MXNet symbol file ({@code mx.sym.load}); older MXNet files are upgraded as MXNet does. */
    public static Symbol load(Path file) {
        return fromGraph(SymbolJson.load(file));
    }

    /** This symbol as MXNet 1.9's {@code tojson()} writes it, byte for byte. */
    public String toJson() {
        return SymbolJson.write(graph());
    }

    /** Saves {@link #toJson} to {@code file} atomically ({@code Symbol.save}). */
    public void save(Path file) {
        SymbolJson.save(graph(), file);
    }

    /** The graph IR of this symbol: its nodes in MXNet's depth-first post-order, its outputs as entries. */
    public Graph graph() {
        Graph g = graph;
        if (g == null) {
            g = buildGraph();
            graph = g;
        }
        return g;
    }

    private Graph buildGraph() {
        List<SymbolNode> order = nodesInOrder();
        Map<SymbolNode, Integer> index = new IdentityHashMap<>();
        for (SymbolNode n : order) {
            index.put(n, index.size());
        }
        List<Node> nodes = new ArrayList<>(order.size());
        for (SymbolNode n : order) {
            if (n.isVariable()) {
                nodes.add(new Variable(n.name, n.attrs));
            } else {
                List<Entry> in = new ArrayList<>(n.inputs.size());
                for (SymbolNode.Out o : n.inputs) {
                    in.add(new Entry(index.get(o.node()), o.index()));
                }
                nodes.add(new OpNode(n.name, n.op, n.params, in, n.attrs));
            }
        }
        List<Entry> outs = new ArrayList<>();
        for (SymbolNode.Out o : outputs) {
            outs.add(new Entry(index.get(o.node()), o.index()));
        }
        return new Graph(nodes, outs);
    }

    /** Number of outputs. */
    public int numOutputs() {
        return outputs.size();
    }

    /** Output {@code index} as a symbol of its own. */
    public Symbol get(int index) {
        if (index < 0 || index >= outputs.size()) {
            throw new KilnException("symbol has " + outputs.size() + " outputs " + listOutputs() + "; index "
                    + index + " is out of range");
        }
        return outputs.size() == 1 ? this : new Symbol(List.of(outputs.get(index)));
    }

    /** The output named {@code outputName} ({@code fc1_output}, or a variable's name), e.g. from {@link #getInternals}. */
    public Symbol get(String outputName) {
        List<String> names = listOutputs();
        int found = -1;
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equals(outputName)) {
                if (found >= 0) {
                    throw new KilnException("symbol has more than one output named '" + outputName + "'");
                }
                found = i;
            }
        }
        if (found < 0) {
            throw new KilnException("symbol has no output named '" + outputName + "'; its outputs are " + names);
        }
        return get(found);
    }

    /** The single node's name, or {@code null} for a group of several outputs (as MXNet's {@code name}). */
    public String name() {
        return outputs.size() == 1 ? outputs.get(0).node().name : null;
    }

    /** Every visible output of every node, variables included, in graph order (MXNet's {@code get_internals}). */
    public Symbol getInternals() {
        List<SymbolNode.Out> all = new ArrayList<>();
        for (SymbolNode n : nodesInOrder()) {
            for (int k = 0; k < n.numVisibleOutputs(); k++) {
                all.add(new SymbolNode.Out(n, k));
            }
        }
        return new Symbol(all);
    }

    /** The inputs of this symbol's single output node as one symbol (MXNet's {@code get_children}), or null. */
    public Symbol getChildren() {
        SymbolNode n = single("getChildren").node();
        return n.inputs.isEmpty() ? null : new Symbol(n.inputs);
    }

    /** Names of the arguments: variables that are not auxiliary states, in graph order. */
    public List<String> listArguments() {
        return names(graph().argumentNodes());
    }

    /** Names of the auxiliary states (BatchNorm's {@code moving_mean}, {@code moving_var}). */
    public List<String> listAuxiliaryStates() {
        return names(graph().auxiliaryNodes());
    }

    /** Names of all variables, arguments and auxiliary states, in graph order. */
    public List<String> listInputs() {
        return names(graph().variableNodes());
    }

    /** Output names: {@code <node>_output} ({@code _output0, _output1} for several), a variable's own name. */
    public List<String> listOutputs() {
        List<String> out = new ArrayList<>(outputs.size());
        for (SymbolNode.Out o : outputs) {
            out.add(o.node().outputName(o.index()));
        }
        return out;
    }

    /** The attribute {@code key} of this symbol's single node (an op attribute or an annotation), or null. */
    public String attr(String key) {
        return listAttr().get(key);
    }

    /** The attributes of this symbol's single node: op attributes as MXNet strings, then annotations. */
    public Map<String, String> listAttr() {
        return nodeAttrs(single("listAttr").node());
    }

    /** Attributes of every node that has any, by node name (MXNet's {@code attr_dict}). */
    public Map<String, Map<String, String>> attrDict() {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (SymbolNode n : nodesInOrder()) {
            Map<String, String> a = nodeAttrs(n);
            if (!a.isEmpty()) {
                out.put(n.name, a);
            }
        }
        return out;
    }

    /** A symbol like this one whose single node also carries the annotations {@code attrs} (MXNet's {@code _set_attr}). */
    public Symbol withAttrs(Map<String, String> attrs) {
        SymbolNode n = single("withAttrs").node();
        Map<String, String> merged = new LinkedHashMap<>(n.attrs);
        merged.putAll(attrs);
        SymbolNode copy = n.isVariable() ? SymbolNode.variable(n.name, merged)
                : SymbolNode.op(n.name, n.op, n.params, n.inputs, merged);
        return new Symbol(List.of(new SymbolNode.Out(copy, outputs.get(0).index())));
    }

    /**
     * Infers every shape from the arguments' shapes (by name; a 0 or -1 dim is unknown, as in MXNet) and the
     * variables' {@code __shape__} annotations; fails naming each argument left unknown and the node where
     * inference stopped. Read the result by argument, output or auxiliary state.
     */
    public InferenceResult<Shape> inferShape(Map<String, Shape> argumentShapes) {
        NodeOrigins.refuseWhileTracing("Symbol.inferShape", FrozenValueException.Reads.SHAPE);
        return inferShapePartial(argumentShapes).requireComplete();
    }

    /** Infers what shapes it can; unknown ones stay {@code null} or partial (MXNet's {@code infer_shape_partial}). */
    public InferenceResult<Shape> inferShapePartial(Map<String, Shape> argumentShapes) {
        NodeOrigins.refuseWhileTracing("Symbol.inferShapePartial", FrozenValueException.Reads.SHAPE);
        return ShapeInference.infer(graph(), unknownZeros(argumentShapes));
    }

    /** User shapes as the graph passes read them: a 0 dim is unknown, as in MXNet and Gluon. */
    private static Map<String, Shape> unknownZeros(Map<String, Shape> argumentShapes) {
        Map<String, Shape> given = new LinkedHashMap<>();
        argumentShapes.forEach((k, v) -> given.put(k, VarAttrs.toShape(k, v)));
        return given;
    }

    /** Infers every dtype from the arguments' dtypes and {@code __dtype__} annotations; fails if any stays unknown. */
    public InferenceResult<DType> inferType(Map<String, DType> argumentTypes) {
        NodeOrigins.refuseWhileTracing("Symbol.inferType", FrozenValueException.Reads.DTYPE);
        return inferTypePartial(argumentTypes).requireComplete();
    }

    /** Infers what dtypes it can; unknown ones stay {@code null}. */
    public InferenceResult<DType> inferTypePartial(Map<String, DType> argumentTypes) {
        NodeOrigins.refuseWhileTracing("Symbol.inferTypePartial", FrozenValueException.Reads.DTYPE);
        return TypeInference.infer(graph(), argumentTypes);
    }

    /**
     * Evaluates the symbol on NDArrays by the plain interpreter (MXNet's {@code eval}), in the current training
     * mode: one array per output.
     */
    public List<NDArray> eval(Map<String, NDArray> arguments) {
        NodeOrigins.refuseWhileTracing("Symbol.eval", FrozenValueException.Reads.VALUE);
        return Interpreter.eval(graph(), arguments);
    }

    /**
     * A copy of this symbol with some of its arguments replaced by other symbols, by argument name (MXNet's
     * {@code sym(data=other)}): how a stored graph is applied to new inputs. Unnamed arguments stay variables.
     */
    public Symbol compose(Map<String, Symbol> replacements) {
        List<String> args = listInputs();
        for (Map.Entry<String, Symbol> e : replacements.entrySet()) {
            if (!args.contains(e.getKey())) {
                throw new KilnException("compose: the symbol has no input named '" + e.getKey() + "'; its inputs are "
                        + args);
            }
            if (e.getValue().numOutputs() != 1) {
                throw new KilnException("compose: the replacement for '" + e.getKey() + "' has "
                        + e.getValue().numOutputs() + " outputs; select one with get(index)");
            }
        }
        Map<SymbolNode, SymbolNode> copies = new IdentityHashMap<>();
        Map<SymbolNode, SymbolNode.Out> replaced = new IdentityHashMap<>();
        for (SymbolNode n : nodesInOrder()) {
            if (n.isVariable()) {
                Symbol r = replacements.get(n.name);
                if (r != null) {
                    replaced.put(n, r.outputs.get(0));
                } else {
                    copies.put(n, n);
                }
                continue;
            }
            List<SymbolNode.Out> in = new ArrayList<>(n.inputs.size());
            for (SymbolNode.Out o : n.inputs) {
                in.add(remap(o, copies, replaced));
            }
            copies.put(n, SymbolNode.op(n.name, n.op, n.params, in, n.attrs));
        }
        List<SymbolNode.Out> outs = new ArrayList<>(outputs.size());
        for (SymbolNode.Out o : outputs) {
            outs.add(remap(o, copies, replaced));
        }
        return new Symbol(outs);
    }

    private static SymbolNode.Out remap(SymbolNode.Out o, Map<SymbolNode, SymbolNode> copies,
                                        Map<SymbolNode, SymbolNode.Out> replaced) {
        SymbolNode.Out r = replaced.get(o.node());
        return r != null ? r : new SymbolNode.Out(copies.get(o.node()), o.index());
    }

    /** The graph as text, one node per line (see {@link GraphText}); {@link #toString} is short on purpose. */
    public String toText() {
        return GraphText.format(graph());
    }

    /** The text form with every node's output shapes, inferred (partially if need be) from {@code argumentShapes}. */
    public String toText(Map<String, Shape> argumentShapes) {
        return ShapeText.graphText(graph(), unknownZeros(argumentShapes));
    }

    /** The graph as Graphviz DOT with MXNet's {@code plot_network} defaults (see {@link Dot}). */
    public String toDot() {
        return toDot(DotOptions.defaults());
    }

    /** The DOT plot with edges labelled by the shapes inferred from {@code argumentShapes} (batch dim left out). */
    public String toDot(Map<String, Shape> argumentShapes) {
        return toDot(DotOptions.defaults().withShapes(argumentShapes));
    }

    /** The DOT plot with these options; a 0 dim in their shapes is unknown, as for {@link #inferShape}. */
    public String toDot(DotOptions options) {
        return Dot.format(graph(), options.shapes() == null ? options
                : options.withShapes(unknownZeros(options.shapes())));
    }

    /** The layer table of {@code mx.viz.print_summary} with shapes from the variables' annotations alone. */
    public String summary() {
        return summary(Map.of());
    }

    /** The layer table with output shapes and parameter counts inferred from {@code argumentShapes}. */
    public String summary(Map<String, Shape> argumentShapes) {
        return Summary.format(graph(), unknownZeros(argumentShapes));
    }

    /**
     * Writes {@link #summary(Map)} to {@code out} ({@code mx.viz.print_summary}; pass {@code System.out} for the
     * console): the library never prints on its own.
     */
    public void printSummary(Map<String, Shape> argumentShapes, Appendable out) {
        write(summary(argumentShapes), out);
    }

    /** Writes {@link #summary()} to {@code out}. */
    public void printSummary(Appendable out) {
        write(summary(), out);
    }

    private static void write(String text, Appendable out) {
        try {
            out.append(text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the summary: " + e.getMessage(), e);
        }
    }

    /**
     * Binds the symbol to arrays for forward and backward passes (MXNet's {@code bind}): {@code args} and
     * {@code auxStates} must hold every argument and auxiliary state by name; {@code argGrads} holds the gradient
     * arrays of the arguments to differentiate; {@code gradReq} (by argument) defaults to {@code write} where a
     * gradient array is given and {@code null} elsewhere. Null maps are empty. Shapes and dtypes are checked by
     * inference, so a missing or mis-shaped array fails here, named.
     */
    public Executor bind(Map<String, NDArray> args, Map<String, NDArray> argGrads, Map<String, GradReq> gradReq,
                         Map<String, NDArray> auxStates) {
        NodeOrigins.refuseWhileTracing("Symbol.bind", FrozenValueException.Reads.VALUE);
        return ExecutorBinding.bind(this, args, argGrads, gradReq, auxStates);
    }

    /**
     * Binds to zero-filled arrays allocated from inferred shapes (MXNet's {@code simple_bind}), every argument with
     * grad_req {@code write}; arguments without a dtype are float32.
     */
    public Executor simpleBind(Map<String, Shape> shapes) {
        return simpleBind(shapes, Map.of(), GradReq.WRITE);
    }

    /** Like {@link #simpleBind(Map)} with dtypes for some arguments and one grad_req for all. */
    public Executor simpleBind(Map<String, Shape> shapes, Map<String, DType> types, GradReq gradReq) {
        NodeOrigins.refuseWhileTracing("Symbol.simpleBind", FrozenValueException.Reads.VALUE);
        return ExecutorBinding.simpleBind(this, shapes, types, gradReq);
    }

    /** Outputs as node/index pairs, for the backend that composes symbols. */
    List<SymbolNode.Out> outputs() {
        return outputs;
    }

    /** A one-line description; {@link #toText} prints the graph. */
    @Override
    public String toString() {
        return "<Symbol " + (outputs.size() == 1 ? name() : "group " + listOutputs()) + ">";
    }

    private static Map<String, String> nodeAttrs(SymbolNode n) {
        Map<String, String> a = new LinkedHashMap<>();
        if (!n.isVariable()) {
            a.putAll(n.params.toMXNetStrings(n.op));
        }
        a.putAll(new java.util.TreeMap<>(n.attrs));
        return a;
    }

    private SymbolNode.Out single(String what) {
        if (outputs.size() != 1) {
            throw new KilnException(what + ": needs a symbol with one output, this one has " + outputs.size() + " "
                    + listOutputs());
        }
        return outputs.get(0);
    }

    /** Nodes reachable from the outputs in depth-first post-order, inputs in order, without recursion. */
    private List<SymbolNode> nodesInOrder() {
        Map<SymbolNode, Boolean> seen = new IdentityHashMap<>();
        List<SymbolNode> order = new ArrayList<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        for (SymbolNode.Out head : outputs) {
            if (seen.putIfAbsent(head.node(), Boolean.TRUE) != null) {
                continue;
            }
            stack.push(new Object[] {head.node(), 0});
            while (!stack.isEmpty()) {
                Object[] frame = stack.peek();
                SymbolNode n = (SymbolNode) frame[0];
                int next = (Integer) frame[1];
                if (next < n.inputs.size()) {
                    frame[1] = next + 1;
                    SymbolNode in = n.inputs.get(next).node();
                    if (seen.putIfAbsent(in, Boolean.TRUE) == null) {
                        stack.push(new Object[] {in, 0});
                    }
                    continue;
                }
                stack.pop();
                order.add(n);
            }
        }
        return order;
    }

    private List<String> names(List<Integer> nodeIndices) {
        Graph g = graph();
        List<String> out = new ArrayList<>(nodeIndices.size());
        for (int i : nodeIndices) {
            out.add(g.node(i).name());
        }
        return out;
    }
}
