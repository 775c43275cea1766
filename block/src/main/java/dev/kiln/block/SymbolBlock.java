package dev.kiln.block;

import dev.kiln.KilnException;
import dev.kiln.graph.Interpreter;
import dev.kiln.io.NDArrayFile;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.surface.F;
import dev.kiln.op.surface.ND;
import dev.kiln.parameter.LoadOptions;
import dev.kiln.parameter.ParameterDict;
import dev.kiln.parameter.ParameterLoading;
import dev.kiln.parameter.ParameterSpec;
import dev.kiln.symbol.Sym;
import dev.kiln.symbol.Symbol;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A block made from a symbolic graph (Gluon's {@code SymbolBlock}), the way a Keras user writes
 * {@code Model(inputs, outputs)}: compose Symbols from input variables to outputs, then wrap them. Every other
 * variable of the graph is a parameter, registered under its name in the graph (auxiliary states with grad_req
 * null), its shape deferred until the first forward infers it. Eagerly the graph is interpreted on the inputs and
 * parameter values (recorded by autograd like any op); traced, the inputs are substituted into a copy of the graph.
 * {@link #imports} loads an MXNet {@code -symbol.json} and {@code .params} pair.
 */
public class SymbolBlock extends HybridBlock {
    private final Symbol outputs;
    private final List<String> inputs;

    /** A block computing {@code outputs} from the variable {@code input}. */
    public SymbolBlock(Symbol outputs, Symbol input) {
        this(List.of(outputs), List.of(input), null);
    }

    /** A block computing every output in {@code outputs} from the variables {@code inputs}, in order. */
    public SymbolBlock(List<Symbol> outputs, List<Symbol> inputs) {
        this(outputs, inputs, null);
    }

    /**
     * As {@link #SymbolBlock(List, List)}, taking the parameters {@code params} holds by the graph's names (another
     * block's {@code collectParams()}) instead of creating them, as Gluon's {@code params=} does.
     */
    public SymbolBlock(List<Symbol> outputs, List<Symbol> inputs, ParameterDict params) {
        this(SymbolGraph.of(outputs, inputs, params));
    }

    private SymbolBlock(SymbolGraph g) {
        super(null, g.seed(), "symbolblock");
        this.outputs = g.outputs();
        this.inputs = g.inputs();
        for (Map.Entry<String, ParameterSpec> e : g.parameters().entrySet()) {
            param(e.getKey(), e.getValue());
        }
    }

    /**
     * Loads a graph saved as MXNet symbol JSON ({@code HybridBlock.export}'s {@code -symbol.json}) with the variables
     * {@code inputNames} as inputs, and its parameters from {@code paramsFile} ({@code null} for none): keys are
     * the graph's names, with or without {@code arg:}/{@code aux:}, and every array keeps its saved dtype.
     */
    public static SymbolBlock imports(Path symbolFile, List<String> inputNames, Path paramsFile) {
        return imports(symbolFile, inputNames, paramsFile, LoadOptions.defaults());
    }

    /** As {@link #imports(Path, List, Path)}; {@code options} may allow missing or ignore extra parameters. */
    public static SymbolBlock imports(Path symbolFile, List<String> inputNames, Path paramsFile,
                                      LoadOptions options) {
        Symbol graph = Symbol.load(symbolFile);
        List<Symbol> vars = new ArrayList<>();
        for (String n : inputNames) {
            vars.add(Symbol.var(n));
        }
        SymbolBlock block;
        try {
            block = new SymbolBlock(List.of(graph), vars, null);
        } catch (KilnException e) {
            throw new KilnException("Cannot import '" + symbolFile + "' with inputs " + inputNames + ": "
                    + e.getMessage(), e);
        }
        if (paramsFile != null) {
            block.loadByName(paramsFile, options.castDtype(LoadOptions.DtypeSource.SAVED));
        }
        return block;
    }

    /** The input variables' names, in the order the block takes its inputs. */
    public List<String> inputNames() {
        return inputs;
    }

    /** The graph's outputs as one symbol. */
    public Symbol outputs() {
        return outputs;
    }

    @Override
    @SuppressWarnings("unchecked")
    protected <T> List<T> hybridForward(F<T> F, List<T> in, ParameterValues<T> p) {
        boolean absent = in.stream().anyMatch(java.util.Objects::isNull);
        if (in.size() != inputs.size() || absent) {
            throw new KilnException("SymbolBlock takes " + inputs.size() + " inputs " + inputs + ", got " + in.size()
                    + (absent ? " with some absent" : ""));
        }
        if (F instanceof ND) {
            Map<String, NDArray> values = new LinkedHashMap<>((Map<String, NDArray>) p.asMap());
            for (int i = 0; i < inputs.size(); i++) {
                values.put(inputs.get(i), (NDArray) in.get(i));
            }
            return (List<T>) Interpreter.eval(outputs.graph(), values);
        }
        if (F instanceof Sym) {
            Map<String, Symbol> values = new LinkedHashMap<>((Map<String, Symbol>) p.asMap());
            for (int i = 0; i < inputs.size(); i++) {
                values.put(inputs.get(i), (Symbol) in.get(i));
            }
            Symbol composed = outputs.compose(values);
            List<Symbol> out = new ArrayList<>(composed.numOutputs());
            for (int k = 0; k < composed.numOutputs(); k++) {
                out.add(composed.get(k));
            }
            return (List<T>) out;
        }
        throw new KilnException("unknown backend " + F.getClass().getName());
    }

    /**
     * Loads a file keyed by the parameters' names, as {@link #saveParameters} writes it for this block and MXNet's
     * export writes it ({@code arg:}/{@code aux:} keys); a SymbolBlock's parameters have no structure to key by.
     */
    @Override
    public void loadParameters(Path file, LoadOptions options) {
        loadByName(file, options);
    }

    private void loadByName(Path file, LoadOptions options) {
        ParameterLoading.load(collectParams().asMap(), NDArrayFile.loadDict(file), options, "file '" + file + "'");
    }

    /** Gluon's repr: the output symbol with the number of inputs and outputs. */
    @Override
    public String toString() {
        return "SymbolBlock(\n" + outputs + " : " + inputs.size() + " -> " + outputs.numOutputs() + "\n)";
    }
}
