package dev.kiln.cli;

import dev.kiln.block.ExportMetadata;
import dev.kiln.block.HybridBlock;
import dev.kiln.block.SymbolBlock;
import dev.kiln.io.NDArrayFile;
import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code kiln predict}: imports an exported model (Kiln's or MXNet 1.x's {@code -symbol.json} and {@code .params}),
 * runs it once on the arrays of an input file, hybridized unless {@code --eager}, and writes or summarises the
 * outputs.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Run a model exported by Kiln or MXNet 1.x on the arrays of an input file.",
                "Input names come from the input file's keys (a .params dict or .npz), or are data (one array) "
                        + "and data0, data1, ... (several; Kiln's metadata file beside the symbol file, if any, "
                        + "names them instead). Outputs are keyed output (one) or output0, output1, ..."},
        footer = {"", "Examples:",
                "  kiln predict --symbol model-symbol.json --params model-0000.params --input x.npy",
                "  kiln predict --symbol model-symbol.json --params model-0000.params --input batch.npz "
                        + "--output y.npz --eager"})
final class PredictCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--symbol", required = true, paramLabel = "FILE", description = "The graph (-symbol.json).")
    private Path symbol;

    @Option(names = "--params", paramLabel = "FILE",
            description = "The parameters (.params, keys with or without arg:/aux:); leave out for a graph with none.")
    private Path params;

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "The inputs (.params, .npz or .npy).")
    private Path input;

    @Option(names = "--output", paramLabel = "FILE",
            description = "Write the outputs here (.params, .npz or .npy, by extension); default: print a summary.")
    private Path output;

    @Option(names = "--eager", description = "Run the graph eagerly instead of hybridized (compiled).")
    private boolean eager;

    @Override
    public Integer call() {
        ArrayFormat outFormat = output == null ? null : ArrayFormat.of(output);   // fail before the work
        NDArrayFile.Contents in = ArrayFormat.of(input).read(input);
        if (in.arrays().isEmpty()) {
            throw new KilnException("input file " + input + " holds no arrays");
        }
        Optional<ExportMetadata> meta = ExportMetadata.beside(symbol).map(ExportMetadata::read);
        Inputs inputs = Inputs.of(in, meta.map(ExportMetadata::inputNames).orElse(null));

        SymbolBlock block = SymbolBlock.imports(symbol, inputs.names(), params);
        if (!eager) {
            block.hybridize();
        }
        long start = System.nanoTime();
        List<NDArray> outs = block.callAll(inputs.arrays());
        double ms = (System.nanoTime() - start) / 1e6;

        List<String> keys = new ArrayList<>();
        for (int i = 0; i < outs.size(); i++) {
            keys.add(outs.size() == 1 ? "output" : "output" + i);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (outFormat != null) {
            outFormat.write(output, new NDArrayFile.Contents(keys, outs));
            out.println("wrote " + output + ": " + keys);
            return 0;
        }
        out.printf(Locale.ROOT, "%s on %s (%s): %d input%s -> %d output%s in %.1f ms%n", symbol, input,
                eager ? "eager" : "hybridized", inputs.names().size(), inputs.names().size() == 1 ? "" : "s",
                outs.size(), outs.size() == 1 ? "" : "s", ms);
        List<String> graphNames = block.outputs().listOutputs();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            labels.add(keys.get(i) + " (" + graphNames.get(i) + ")");
        }
        ArrayStats.table(labels, outs).print(out, "");
        return 0;
    }

    /** The input arrays in the order the block takes them, with the graph variables they feed. */
    record Inputs(List<String> names, List<NDArray> arrays) {
        /**
         * Names from the file's keys (reordered to the metadata's order when they are the same set), NumPy's
         * positional {@code arr_<i>} keys and key-less files taken by position: the metadata's names when it has
         * as many, else Gluon's {@code data} / {@code data0}, {@code data1}, ...
         */
        static Inputs of(NDArrayFile.Contents in, List<String> metaNames) {
            int n = in.arrays().size();
            if (in.isDict() && !in.keys().equals(ArrayFormat.positionalKeys(n))) {
                if (metaNames != null && new HashSet<>(metaNames).equals(new HashSet<>(in.keys()))) {
                    List<NDArray> ordered = new ArrayList<>();
                    for (String name : metaNames) {
                        ordered.add(in.arrays().get(in.keys().indexOf(name)));
                    }
                    return new Inputs(metaNames, ordered);
                }
                return new Inputs(in.keys(), in.arrays());
            }
            if (metaNames != null && metaNames.size() == n) {
                return new Inputs(metaNames, in.arrays());
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                names.add(HybridBlock.inputName(i, n));
            }
            return new Inputs(names, in.arrays());
        }
    }
}
