package dev.kiln.symbol;

import dev.kiln.KilnException;
import dev.kiln.op.Attrs;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.PythonFormat;
import dev.kiln.op.surface.F;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The symbolic backend: every op of the registry applied to Symbols, through the same generated typed surface as the
 * eager {@code ND.nd}. Use it like MXNet's {@code sym} namespace: {@code import static dev.kiln.symbol.Sym.sym;
 * sym.relu(x)}. A {@code name} attribute names the node; otherwise the current {@link NameManager} does. Inputs left
 * out at the end become variables named {@code <node>_<input>} ({@code fullyconnected0_weight}) that carry a copy of
 * the node's attributes, as in MXNet.
 */
public final class Sym implements F<Symbol> {
    /** The symbolic backend. */
    public static final Sym sym = new Sym();

    private Sym() {
    }

    /**
     * Applies an op to symbols. While a trace records ({@link NodeOrigins}), the node's origin is noted and an
     * error names the block and the line that applied the op.
     */
    @Override
    public List<Symbol> apply(String opName, Map<String, ?> attrs, List<Symbol> inputs) {
        if (!NodeOrigins.active()) {
            return compose(opName, attrs, inputs);
        }
        try {
            return compose(opName, attrs, inputs);
        } catch (KilnException e) {
            throw NodeOrigins.whileTracing(e);
        }
    }

    private List<Symbol> compose(String opName, Map<String, ?> attrs, List<Symbol> inputs) {
        OpDef op = OpRegistry.global().get(opName);
        Map<String, Object> raw = new LinkedHashMap<>(attrs);
        Object given = raw.remove(Attrs.NODE_NAME);
        Map<String, String> annotations = new LinkedHashMap<>();
        raw.entrySet().removeIf(e -> {
            String k = e.getKey();
            if (k.startsWith("__") && k.endsWith("__") || AttrScope.HIDDEN_KEYS.contains(k)) {
                annotations.put(AttrScope.annotationKey(k), PythonFormat.str(e.getValue()));
                return true;
            }
            return false;
        });
        Attrs params = op.attrs(raw);
        String name = NameManager.current().get(given == null ? null : given.toString(),
                opName.toLowerCase(Locale.ROOT));
        List<String> inputNames = op.inputNames(params);
        if (inputs.size() > inputNames.size()) {
            throw op.error("node '" + name + "' takes " + inputNames.size() + " inputs " + inputNames + ", got "
                    + inputs.size());
        }
        List<SymbolNode.Out> in = new ArrayList<>(inputNames.size());
        for (int i = 0; i < inputNames.size(); i++) {
            if (i < inputs.size()) {
                in.add(single(op, name, inputNames.get(i), inputs.get(i)));
            } else {
                in.add(new SymbolNode.Out(SymbolNode.variable(name + "_" + inputNames.get(i),
                        AttrScope.withScope(createdVariableAttrs(op, params, annotations, i))), 0));
            }
        }
        SymbolNode node = SymbolNode.op(name, op, params, in, AttrScope.withScope(annotations));
        NodeOrigins.noteCreated(name);
        int visible = node.numVisibleOutputs();
        List<Symbol> out = new ArrayList<>(visible);
        for (int k = 0; k < visible; k++) {
            out.add(new Symbol(List.of(new SymbolNode.Out(node, k))));
        }
        return out;
    }

    /**
     * Applies an op and returns all its visible outputs as one symbol, as MXNet's symbolic op functions do
     * ({@code split} gives one symbol with {@code num_outputs} outputs).
     */
    public Symbol call(String opName, Map<String, ?> attrs, Symbol... inputs) {
        return Symbol.group(apply(opName, attrs, List.of(inputs)));
    }

    /**
     * The annotations of a variable created for a missing input, as MXNet's compose gives them: a copy of the op
     * node's attributes (op attributes as strings and annotations) and the op's default {@code __init__} for that
     * input (BatchNorm's moving mean starts at zero).
     */
    private static Map<String, String> createdVariableAttrs(OpDef op, Attrs params, Map<String, String> annotations,
                                                            int input) {
        Map<String, String> attrs = new LinkedHashMap<>(params.toMXNetStrings(op));
        attrs.putAll(annotations);
        String init = op.inputVariableInit(params, input);
        if (init != null) {
            attrs.putIfAbsent("__init__", init);
        }
        return attrs;
    }

    private static SymbolNode.Out single(OpDef op, String node, String input, Symbol s) {
        if (s == null) {
            throw op.error("node '" + node + "': input '" + input + "' is null");
        }
        if (s.numOutputs() != 1) {
            throw op.error("node '" + node + "': input '" + input + "' is a group of " + s.numOutputs()
                    + " outputs " + s.listOutputs() + "; select one with get(index)");
        }
        return s.outputs().get(0);
    }
}
