package dev.kiln.cli;

import dev.kiln.KilnException;
import dev.kiln.block.ExportMetadata;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.VarAttrs;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.graph.viz.DotOptions;
import dev.kiln.io.NDArrayFile;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.symbol.Symbol;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.kiln.ndarray.DType;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What {@code kiln inspect} says about a {@code -symbol.json} graph. Inputs are the names in Kiln's metadata file
 * beside it; else, with a parameter file, the arguments it does not hold; else the arguments Gluon's export names
 * inputs ({@code data}, {@code data0}, ...). Every other variable is a parameter. Shapes are inferred from the
 * parameter file's shapes and the metadata's input shapes, as far as they go.
 */
record SymbolReport(Path file, Symbol symbol, Path paramsFile, List<String> inputs, List<String> parameters,
                    Map<String, NDArray> paramValues, Map<String, Shape> knownShapes, InferenceResult<Shape> shapes) {

    private static final Pattern EPOCH_PARAMS = Pattern.compile("-\\d{4}\\.params");
    private static final Pattern GLUON_INPUT = Pattern.compile("data\\d*");

    /** Loads {@code file} with the parameters of {@code params}, or of the latest epoch's file beside it. */
    static SymbolReport load(Path file, Path params) {
        if (!Files.isRegularFile(file)) {
            throw new KilnException("cannot read " + file + ": no such file");
        }
        Symbol symbol = Symbol.load(file);
        Optional<ExportMetadata> meta = ExportMetadata.beside(file).map(ExportMetadata::read);
        Path paramsFile = params != null ? params : besideParams(file).orElse(null);
        Map<String, NDArray> values = new LinkedHashMap<>();
        if (paramsFile != null) {
            for (Map.Entry<String, NDArray> e : NDArrayFile.loadDict(paramsFile).entrySet()) {
                values.put(e.getKey().replaceFirst("^(arg|aux):", ""), e.getValue());
            }
        }
        List<String> args = symbol.listArguments();
        List<String> inputs = meta.map(ExportMetadata::inputNames)
                .orElseGet(() -> args.stream().filter(a -> paramsFile != null ? !values.containsKey(a)
                        : GLUON_INPUT.matcher(a).matches()).toList());
        Set<String> inputSet = new HashSet<>(inputs);
        List<String> parameters = Stream.concat(args.stream(), symbol.listAuxiliaryStates().stream())
                .filter(v -> !inputSet.contains(v)).toList();

        Map<String, Shape> known = new LinkedHashMap<>();
        meta.ifPresent(m -> m.inputs().stream().filter(i -> i.present() && i.shape() != null)
                .forEach(i -> known.put(i.name(), i.shape())));
        values.forEach((k, v) -> known.put(k, v.shape()));
        InferenceResult<Shape> shapes;
        try {
            shapes = symbol.inferShapePartial(known);
        } catch (KilnException e) {
            throw new KilnException("cannot infer the shapes of " + file + " from "
                    + (paramsFile == null ? "its annotations" : paramsFile) + ": " + e.getMessage(), e);
        }
        return new SymbolReport(file, symbol, paramsFile, inputs, parameters, values, known, shapes);
    }

    /** {@code PREFIX-NNNN.params} beside {@code PREFIX-symbol.json}, the highest epoch, if any. */
    static Optional<Path> besideParams(Path symbolFile) {
        String name = symbolFile.getFileName().toString();
        if (!name.endsWith(ExportMetadata.SYMBOL_SUFFIX)) {
            return Optional.empty();
        }
        String prefix = name.substring(0, name.length() - ExportMetadata.SYMBOL_SUFFIX.length());
        Path dir = symbolFile.toAbsolutePath().getParent();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(prefix) && EPOCH_PARAMS.matcher(n.substring(prefix.length())).matches();
            }).max(Comparator.comparing(p -> p.getFileName().toString()));
        } catch (IOException e) {
            throw new KilnException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    void print(PrintWriter out) {
        Graph g = symbol.graph();
        out.println(file + ": symbol graph, " + g.size() + " nodes (" + countOps(g).values().stream()
                .mapToInt(Integer::intValue).sum() + " ops, " + g.variableNodes().size() + " variables)");
        out.println("parameters from: " + (paramsFile == null ? "none (no PREFIX-NNNN.params beside it; shapes "
                + "from annotations only)" : paramsFile));
        Map<String, Shape> vars = shapes.variables();

        out.println();
        out.println("Inputs (" + inputs.size() + "):");
        TextTable in = new TextTable(List.of("name", "shape"));
        inputs.forEach(n -> in.row(List.of(n, shapeText(vars.get(n)))));
        in.print(out, "  ");

        out.println();
        Set<String> aux = new HashSet<>(symbol.listAuxiliaryStates());
        long total = 0;
        TextTable ps = new TextTable(List.of("name", "kind", "shape", "dtype", "size"));
        for (String p : parameters) {
            Shape s = vars.get(p);
            NDArray v = paramValues.get(p);
            long size = s != null && s.isKnown() ? s.sizeLong() : -1;
            total += Math.max(size, 0);
            ps.row(List.of(p, aux.contains(p) ? "aux" : "arg", shapeText(s), v != null ? v.dtype().mxnetName()
                    : dtypeAnnotation(p), size < 0 ? "?" : Long.toString(size)));
        }
        out.println("Parameters (" + parameters.size() + ", " + total + " elements known):");
        ps.print(out, "  ");

        out.println();
        List<String> outNames = symbol.listOutputs();
        List<Shape> outShapes = shapes.outputs();
        out.println("Outputs (" + outNames.size() + "):");
        TextTable os = new TextTable(List.of("name", "shape"));
        for (int i = 0; i < outNames.size(); i++) {
            os.row(List.of(outNames.get(i), shapeText(outShapes.get(i))));
        }
        os.print(out, "  ");

        out.println();
        out.println("Ops:");
        TextTable ops = new TextTable(List.of("op", "count"));
        countOps(g).entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> ops.row(List.of(e.getKey(), Integer.toString(e.getValue()))));
        ops.print(out, "  ");

        out.println();
        out.println("Summary:");
        out.print(symbol.summary(completeShapes()));
        out.flush();
    }

    /** The graph as DOT, its edges labelled with inferred shapes where every argument's shape is known. */
    String dot() {
        Map<String, Shape> complete = completeShapes();
        return complete.isEmpty() ? symbol.toDot() : symbol.toDot(DotOptions.defaults().withShapes(complete));
    }

    /** The known argument shapes when they determine every argument, else none (the plots then show no shapes). */
    private Map<String, Shape> completeShapes() {
        for (String a : symbol.listArguments()) {
            Shape s = knownShapes.get(a);
            if (s == null || !s.isKnown()) {
                return Map.of();
            }
        }
        return knownShapes;
    }

    private static Map<String, Integer> countOps(Graph g) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Node n : g.nodes()) {
            if (n instanceof OpNode op) {
                counts.merge(op.op().name(), 1, Integer::sum);
            }
        }
        return counts;
    }

    private String dtypeAnnotation(String variable) {
        Map<String, String> attrs = symbol.attrDict().get(variable);
        String v = attrs == null ? null : attrs.get(VarAttrs.DTYPE);
        try {
            return v == null ? "?" : DType.fromFlag(Integer.parseInt(v.strip())).mxnetName();
        } catch (RuntimeException e) {
            return v;                      // an annotation this Kiln cannot read is shown as written
        }
    }

    private static String shapeText(Shape s) {
        return s == null || !s.isRankKnown() ? "?" : s.toString().replace("-1", "?");
    }
}
