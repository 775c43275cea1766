package dev.kiln.cli;

import dev.kiln.io.NDArrayFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code kiln inspect FILE}: for array files every key with dtype, shape, size and statistics; for symbol JSON the
 * inputs, parameters, outputs, op counts and layer summary (see {@link SymbolReport}), and optionally the graph as
 * Graphviz DOT and SVG.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Describe an array file (.params, .npz, .npy) or a graph (-symbol.json).",
                "Arrays: key, dtype, shape, size, min, max, mean, std (over finite elements), NaN and inf counts.",
                "Graphs: inputs, parameters (shapes inferred when a parameter file is beside the symbol file or "
                        + "given with --params), outputs, op counts and a layer summary."},
        footer = {"", "Examples:", "  kiln inspect model-0000.params",
                "  kiln inspect model-symbol.json --dot model.dot     (also model.svg where Graphviz is installed)"})
final class InspectCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A .params, .npz, .npy or -symbol.json file.")
    private Path file;

    @Option(names = "--params", paramLabel = "FILE",
            description = "For a graph: the parameter file to infer shapes from (default: PREFIX-NNNN.params beside "
                    + "PREFIX-symbol.json, the latest epoch).")
    private Path params;

    @Option(names = "--dot", paramLabel = "FILE",
            description = "For a graph: write it as Graphviz DOT to FILE ('-' for standard output), and as SVG beside "
                    + "it (FILE with .svg) where Graphviz's dot is installed.")
    private Path dot;

    @Option(names = "--graphviz", hidden = true, defaultValue = "dot",
            description = "The Graphviz executable used for SVG.")
    private String graphviz;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) {
            SymbolReport report = SymbolReport.load(file, params);
            report.print(out);
            if (dot != null) {
                new GraphvizOutput(graphviz).write(report.dot(), dot, out);
            }
            return 0;
        }
        if (params != null || dot != null) {
            throw new ParameterException(spec.commandLine(),
                    "--params and --dot apply to a -symbol.json file, not to " + file);
        }
        ArrayFormat format = ArrayFormat.of(file);
        NDArrayFile.Contents contents = format.read(file);
        long elements = 0;
        for (var a : contents.arrays()) {
            elements += a.size();
        }
        out.printf(Locale.ROOT, "%s: %s, %d array%s, %d elements%n", file, describe(format, contents),
                contents.arrays().size(), contents.arrays().size() == 1 ? "" : "s", elements);
        if (!contents.arrays().isEmpty()) {
            ArrayStats.table(contents.isDict() ? contents.keys() : indices(contents.arrays().size()),
                    contents.arrays()).print(out, "");
        }
        return 0;
    }

    private static String describe(ArrayFormat format, NDArrayFile.Contents contents) {
        return switch (format) {
            case PARAMS -> "MXNet NDArray file, " + (contents.isDict() ? "dict" : "list");
            case NPZ -> "NumPy .npz archive";
            case NPY -> "NumPy .npy array";
        };
    }

    /** Labels for arrays without keys: their positions, {@code [0]}, {@code [1]}, ... */
    private static List<String> indices(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("[" + i + "]");
        }
        return out;
    }
}
