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
import java.util.Optional;

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
    /** The input positions the exported block had (from its metadata file), or {@code null}. */
    private List<ExportMetadata.Input> exported;

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
     * the graph's names, with or without {@code arg:}/{@code aux:}, and every array keeps its saved dtype. Where
     * Kiln's export left a metadata file beside the symbol file, {@code inputNames} must agree with it.
     */
    public static SymbolBlock imports(Path symbolFile, List<String> inputNames, Path paramsFile) {
        return imports(symbolFile, inputNames, paramsFile, LoadOptions.defaults());
    }

    /** As {@link #imports(Path, List, Path)}; {@code options} may allow missing or ignore extra parameters. */
    public static SymbolBlock imports(Path symbolFile, List<String> inputNames, Path paramsFile,
                                      LoadOptions options) {
        Optional<Path> metaFile = ExportMetadata.beside(symbolFile);
        ExportMetadata meta = metaFile.map(ExportMetadata::read).orElse(null);
        if (meta != null) {
            meta.requireInputs(inputNames, metaFile.get());
        }
        return load(symbolFile, inputNames, paramsFile, options, meta);
    }

    /**
     * Loads an exported pair taking the input names from the metadata file Kiln's export wrote beside the symbol
     * file ({@code x-symbol.json} gives {@code x-metadata.json}), or the single input {@code data} (what Gluon's
     * export names one input) where there is none. A block imported with metadata also accepts the exported
     * structure with its absent optional inputs as {@code null}s.
     */
    public static SymbolBlock imports(Path symbolFile, Path paramsFile) {
        return imports(symbolFile, paramsFile, LoadOptions.defaults());
    }

    /** As {@link #imports(Path, Path)}; {@code options} may allow missing or ignore extra parameters. */
    public static SymbolBlock imports(Path symbolFile, Path paramsFile, LoadOptions options) {
        Optional<Path> metaFile = ExportMetadata.beside(symbolFile);
        ExportMetadata meta = metaFile.map(ExportMetadata::read).orElse(null);
        return load(symbolFile, meta == null ? List.of("data") : meta.inputNames(), paramsFile, options, meta);
    }

    private static SymbolBlock load(Path symbolFile, List<String> inputNames, Path paramsFile, LoadOptions options,
                                    ExportMetadata meta) {
        Symbol graph = Symbol.load(symbolFile);
        if (meta != null && meta.outputs().size() != graph.numOutputs()) {
            throw new KilnException("Cannot import '" + symbolFile + "': its metadata records "
                    + meta.outputs().size() + " outputs " + meta.outputs().stream().map(ExportMetadata.Output::name)
                    .toList() + " but the graph has " + graph.numOutputs() + " " + graph.listOutputs());
        }
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
        if (meta != null) {
            block.exported = meta.inputs();
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
    protected <T> List<T> hybridForward(F<T> F, List<T> given, ParameterValues<T> p) {
        List<T> in = graphInputs(given);
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

    /**
     * The inputs for the graph's variables: {@code given} when it has one array per input, or, for a block imported
     * with metadata, the present ones of a call in the exported structure ({@code null} at each absent position).
     */
    private <T> List<T> graphInputs(List<T> given) {
        if (given.size() == inputs.size() && given.stream().noneMatch(java.util.Objects::isNull)) {
            return given;
        }
        if (exported != null && given.size() == exported.size()) {
            List<T> present = new ArrayList<>();
            boolean matches = true;
            for (int i = 0; i < given.size(); i++) {
                matches &= (given.get(i) != null) == exported.get(i).present();
                if (given.get(i) != null) {
                    present.add(given.get(i));
                }
            }
            if (matches) {
                return present;
            }
        }
        List<String> got = new ArrayList<>();
        for (T x : given) {
            got.add(describe(x));
        }
        throw new KilnException("SymbolBlock takes " + inputs.size() + " inputs " + inputs
                + (exported == null ? "" : " (exported with inputs " + exported + ")") + ", got " + given.size()
                + ": " + got);
    }

    private static String describe(Object x) {
        return switch (x) {
            case null -> "absent";
            case NDArray a -> a.shape() + " " + a.dtype().mxnetName();
            case Symbol s -> "symbol " + s.name();
            default -> x.getClass().getSimpleName();
        };
    }

    /** Gluon's repr: the output symbol with the number of inputs and outputs. */
    @Override
    public String toString() {
        return "SymbolBlock(\n" + outputs + " : " + inputs.size() + " -> " + outputs.numOutputs() + "\n)";
    }
}
