package dev.kiln.block;

import dev.kiln.KilnException;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.io.AtomicFiles;
import dev.kiln.io.NDArrayFile;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.parameter.Parameter;
import dev.kiln.symbol.Symbol;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@link HybridBlock#export}: the block traced on its recorded input structure into MXNet 1.x's pair of files, the
 * symbol JSON MXNet 1.9 loads and an NDArray dict file keyed {@code arg:<name>} for the graph's arguments and
 * {@code aux:<name>} for its auxiliary states (each parameter's value as it is, dtype included), plus the metadata
 * file. Inputs are named as Gluon 1.x names them: {@code data} when one input is present, else {@code data0},
 * {@code data1}, ... counting present inputs only. Everything is computed before anything is written, and each file
 * is written atomically, so a failed export leaves no partial file.
 */
final class Export {
    private Export() {
    }

    static ExportedFiles write(HybridBlock block, Path prefix, int epoch, ExportSignature inputs) {
        String what = "block '" + block.name() + "' (" + block.getClass().getSimpleName() + ")";
        if (inputs == null) {
            throw new KilnException("Cannot export " + what + ": its input structure is unknown because it has not "
                    + "been called; call it once on example inputs, or declare the input shapes with "
                    + "export(prefix, epoch, Shape...)");
        }
        if (epoch < 0) {
            throw new KilnException("Cannot export " + what + ": epoch must be >= 0, got " + epoch);
        }
        List<String> names = inputNames(inputs, what);
        Symbol graph = block.traceNamed(names);
        Map<String, Parameter> params = graphParameters(block, graph, names, what);
        Map<String, NDArray> arrays = parameterArrays(graph, params);
        ExportMetadata metadata = metadata(block, epoch, inputs, names, graph, params);

        Path symbolFile = prefix.resolveSibling(prefix.getFileName() + ExportMetadata.SYMBOL_SUFFIX);
        Path paramsFile = prefix.resolveSibling(String.format("%s-%04d.params", prefix.getFileName(), epoch));
        Path metadataFile = ExportMetadata.forPrefix(prefix);
        byte[] json = graph.toJson().getBytes(StandardCharsets.UTF_8);
        byte[] meta = metadata.toJson().getBytes(StandardCharsets.UTF_8);
        NDArrayFile.save(paramsFile, arrays);
        AtomicFiles.write(symbolFile, out -> out.write(json));
        AtomicFiles.write(metadataFile, out -> out.write(meta));
        return new ExportedFiles(symbolFile, paramsFile, metadataFile, metadata);
    }

    /** Gluon's names for the present inputs, {@code null} at absent positions. */
    private static List<String> inputNames(ExportSignature inputs, String what) {
        boolean[] present = new boolean[inputs.size()];
        for (int i = 0; i < present.length; i++) {
            present[i] = inputs.present(i);
        }
        try {
            return HybridBlock.inputNames(present);
        } catch (KilnException e) {
            throw new KilnException("Cannot export " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * The parameter behind every variable of the graph that is not an input, in the graph's input order; a
     * variable that is neither is an error, as is a parameter not yet initialised.
     */
    private static Map<String, Parameter> graphParameters(HybridBlock block, Symbol graph, List<String> names,
                                                          String what) {
        Map<String, Parameter> all = block.collectParams().asMap();
        Set<String> inputs = new LinkedHashSet<>(names);
        Map<String, Parameter> used = new LinkedHashMap<>();
        List<String> uninitialized = new ArrayList<>();
        for (String v : graph.listInputs()) {
            if (inputs.contains(v)) {
                continue;
            }
            Parameter p = all.get(v);
            if (p == null) {
                throw new KilnException("Cannot export " + what + ": its graph reads variable '" + v + "', which is "
                        + "neither an input " + inputs + " nor one of its parameters " + all.keySet());
            }
            if (!p.isInitialized()) {
                uninitialized.add(p.name() + (p.isDeferred() ? " (deferred, shape " + p.shape() + ")" : ""));
            }
            used.put(v, p);
        }
        if (!uninitialized.isEmpty()) {
            throw new KilnException("Cannot export " + what + ": parameters " + uninitialized + " are not "
                    + "initialized; call initialize() and then call the block once, or export with declared input "
                    + "shapes");
        }
        return used;
    }

    /** {@code arg:<name>} or {@code aux:<name>} to each parameter's value, in graph input order. */
    private static Map<String, NDArray> parameterArrays(Symbol graph, Map<String, Parameter> params) {
        Set<String> aux = new LinkedHashSet<>(graph.listAuxiliaryStates());
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        params.forEach((name, p) -> arrays.put((aux.contains(name) ? "aux:" : "arg:") + name, p.reduce()));
        return arrays;
    }

    private static ExportMetadata metadata(HybridBlock block, int epoch, ExportSignature sig, List<String> names,
                                           Symbol graph, Map<String, Parameter> params) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        Map<String, DType> dtypes = new LinkedHashMap<>();
        params.forEach((name, p) -> {
            shapes.put(name, p.shape());
            dtypes.put(name, p.dtype());
        });
        for (int i = 0; i < sig.size(); i++) {
            if (sig.present(i)) {
                shapes.put(names.get(i), sig.shapes().get(i));
                if (sig.dtypes().get(i) != null) {
                    dtypes.put(names.get(i), sig.dtypes().get(i));
                }
            }
        }
        InferenceResult<Shape> outShapes = inferredOrNull(() -> graph.inferShapePartial(shapes));
        InferenceResult<DType> types = inferredOrNull(() -> graph.inferTypePartial(dtypes));
        List<ExportMetadata.Input> inputs = new ArrayList<>();
        for (int i = 0; i < sig.size(); i++) {
            String name = names.get(i);
            DType dtype = name == null || types == null ? null : types.variables().get(name);
            inputs.add(new ExportMetadata.Input(i, name, name == null ? null : sig.shapes().get(i), dtype));
        }
        List<ExportMetadata.Output> outputs = new ArrayList<>();
        List<String> outNames = graph.listOutputs();
        for (int k = 0; k < outNames.size(); k++) {
            Shape s = outShapes == null ? null : outShapes.outputs().get(k);
            outputs.add(new ExportMetadata.Output(outNames.get(k), s == null || !s.isRankKnown() ? null : s,
                    types == null ? null : types.outputs().get(k)));
        }
        return new ExportMetadata(ExportMetadata.FORMAT_VERSION,
                block.getClass().getName() + " " + block.name(), epoch, inputs, outputs);
    }

    /**
     * Partial inference for the metadata, or {@code null} where it fails: the metadata's shapes and dtypes are
     * informative, and a graph that cannot be inferred without running still exports.
     */
    private static <V> InferenceResult<V> inferredOrNull(Supplier<InferenceResult<V>> inference) {
        try {
            return inference.get();
        } catch (KilnException e) {
            return null;
        }
    }
}
