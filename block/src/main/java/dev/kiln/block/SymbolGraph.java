package dev.kiln.block;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradReq;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Variable;
import dev.kiln.graph.VarAttrs;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.init.Initializer;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.parameter.ParameterDict;
import dev.kiln.parameter.ParameterSpec;
import dev.kiln.symbol.Symbol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a {@link SymbolBlock} is built from: its outputs grouped into one symbol, the names of its input variables,
 * and a spec for every other variable of the graph (its parameters), checked and read once at construction.
 *
 * @param outputs    every output, in order, as one symbol
 * @param inputs     the input variables' names, in the order the block takes them
 * @param parameters each parameter's name (as in the graph) and spec: dtype by type inference (float32 where it
 *                   cannot be inferred), shape and initialiser from the variable's annotations where present,
 *                   auxiliary states with grad_req null; all may be deferred
 * @param seed       the parameters of the shared dict the graph names, for the block's own dict to find
 */
record SymbolGraph(Symbol outputs, List<String> inputs, Map<String, ParameterSpec> parameters, ParameterDict seed) {

    static SymbolGraph of(List<Symbol> outputs, List<Symbol> inputs, ParameterDict shared) {
        if (outputs == null || outputs.isEmpty()) {
            throw new KilnException("SymbolBlock needs at least one output symbol");
        }
        Symbol out = Symbol.group(outputs);
        List<String> graphInputs = out.listInputs();
        List<String> names = inputNames(inputs, graphInputs);
        Set<String> aux = new LinkedHashSet<>(out.listAuxiliaryStates());
        Map<String, DType> types = parameterTypes(out, inputs, names);
        Graph g = out.graph();
        Map<String, ParameterSpec> specs = new LinkedHashMap<>();
        ParameterDict seed = new ParameterDict("");
        for (int i : g.variableNodes()) {
            Variable v = (Variable) g.node(i);
            if (names.contains(v.name()) || specs.containsKey(v.name())) {
                continue;
            }
            ParameterSpec spec = ParameterSpec.of().allowDeferredInit(true);
            if (shared != null && shared.contains(v.name())) {
                seed.put(shared.parameter(v.name()));
            } else {
                spec = annotated(spec.dtype(types.getOrDefault(v.name(), DType.FLOAT32)), v);
                if (aux.contains(v.name())) {
                    spec = spec.gradReq(GradReq.NULL);
                }
            }
            specs.put(v.name(), spec);
        }
        return new SymbolGraph(out, List.copyOf(names), specs, seed);
    }

    /** The inputs' names; each must be a single variable the graph reads, named once. */
    private static List<String> inputNames(List<Symbol> inputs, List<String> graphInputs) {
        List<String> names = new ArrayList<>();
        for (Symbol s : inputs) {
            for (int k = 0; k < s.numOutputs(); k++) {
                Symbol one = s.get(k);
                Graph g = one.graph();
                if (g.size() != 1 || !(g.node(0) instanceof Variable v)) {
                    throw new KilnException("SymbolBlock inputs must be variables, but input " + names.size() + " is "
                            + "output '" + one.listOutputs().get(0) + "' of an op; the graph's variables are "
                            + graphInputs);
                }
                if (names.contains(v.name())) {
                    throw new KilnException("SymbolBlock input '" + v.name() + "' is given twice; inputs " + names);
                }
                if (!graphInputs.contains(v.name())) {
                    throw new KilnException("SymbolBlock input '" + v.name() + "' is not a variable of the graph; "
                            + "its variables are " + graphInputs);
                }
                names.add(v.name());
            }
        }
        return names;
    }

    /** Parameter dtypes inferred from the inputs' dtypes (float32 where an input has none), as Gluon does. */
    private static Map<String, DType> parameterTypes(Symbol out, List<Symbol> inputs, List<String> names) {
        Map<String, DType> given = new LinkedHashMap<>();
        for (String n : names) {
            given.put(n, DType.FLOAT32);
        }
        for (Symbol s : inputs) {
            for (int k = 0; k < s.numOutputs(); k++) {
                String dtype = s.get(k).attr(VarAttrs.DTYPE);
                if (dtype != null) {
                    given.put(s.get(k).name(), DType.fromFlag(Integer.parseInt(dtype)));
                }
            }
        }
        try {
            InferenceResult<DType> r = out.inferTypePartial(given);
            Map<String, DType> types = new LinkedHashMap<>();
            r.variables().forEach((k, v) -> {
                if (v != null) {
                    types.put(k, v);
                }
            });
            return types;
        } catch (KilnException e) {
            return Map.of();
        }
    }

    /**
     * The variable's own {@code __shape__} and {@code __init__} annotations, where it has them (an unknown
     * initialiser is left out); a sparse {@code __storage_type__} is refused, as Gluon refuses it.
     */
    private static ParameterSpec annotated(ParameterSpec spec, Variable v) {
        String shape = v.attrs().get(VarAttrs.SHAPE);
        if (shape != null) {
            Shape s = VarAttrs.parseShape(shape);
            if (s.isRankKnown()) {
                spec = spec.shape(s);
            }
        }
        String storage = v.attrs().get(VarAttrs.STORAGE_TYPE);
        if (storage != null && !storage.equals("0") && !storage.equals("-1")) {
            throw new KilnException("SymbolBlock does not support parameter '" + v.name() + "': its "
                    + VarAttrs.STORAGE_TYPE + " is " + storage + " (sparse); only dense (0) parameters are supported");
        }
        String init = v.attrs().get(VarAttrs.INIT);
        if (init == null) {
            return spec;
        }
        try {
            return spec.init(Initializer.create(init));
        } catch (KilnException e) {
            // an initialiser this Kiln does not know (a custom one in an MXNet file) matters only for parameters the
            // file does not hold; Gluon ignores the annotation altogether, so the global initialiser applies
            return spec;
        }
    }
}
