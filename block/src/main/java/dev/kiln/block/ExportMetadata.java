package dev.kiln.block;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code prefix-metadata.json} records beside an exported symbol and parameter file: the input structure the
 * graph was exported for (every input position, present or absent, with the graph variable's name and the shape and
 * dtype where known) and the outputs (name in the graph, shape and dtype where inferable). MXNet's two files do not
 * say which variables are inputs; {@link SymbolBlock#imports(Path, Path)} reads them from here. The JSON layout is
 * described in {@code docs/EXPORT.md}.
 *
 * @param formatVersion {@link #FORMAT_VERSION} when written by this Kiln
 * @param block         the exported block's class and name, for people reading the file
 * @param epoch         the epoch in the parameter file's name
 * @param inputs        one per input position, in the order the block takes its inputs
 * @param outputs       one per graph output, in order
 */
public record ExportMetadata(int formatVersion, String block, int epoch, List<Input> inputs, List<Output> outputs) {
    /** The layout version written; files of a later version are refused. */
    public static final int FORMAT_VERSION = 1;
    /** How the metadata file's name ends: {@code prefix-metadata.json}. */
    public static final String SUFFIX = "-metadata.json";
    /** How the symbol file's name ends: {@code prefix-symbol.json}. */
    public static final String SYMBOL_SUFFIX = "-symbol.json";

    /**
     * One input position.
     *
     * @param position the index among all the block's inputs, absent ones included
     * @param name     the graph variable's name ({@code data}, {@code data0}, ...), or {@code null} if absent
     * @param shape    the shape exported for, or {@code null} when unknown or absent
     * @param dtype    the dtype exported for, or {@code null} when unknown or absent
     */
    public record Input(int position, String name, Shape shape, DType dtype) {
        public boolean present() {
            return name != null;
        }

        /** {@code data0 (2, 3) float32}, or {@code absent}. */
        @Override
        public String toString() {
            if (!present()) {
                return "absent";
            }
            return name + (shape == null ? "" : " " + shape) + (dtype == null ? "" : " " + dtype.mxnetName());
        }
    }

    /**
     * One output of the graph.
     *
     * @param name  the output's name in the graph ({@code dense0_fwd_output})
     * @param shape its shape for the recorded inputs, or {@code null} when it cannot be inferred
     * @param dtype its dtype, or {@code null} when it cannot be inferred
     */
    public record Output(String name, Shape shape, DType dtype) {
    }

    public ExportMetadata {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** The names of the present inputs, in order: the graph variables {@code SymbolBlock} takes as inputs. */
    public List<String> inputNames() {
        List<String> names = new ArrayList<>();
        for (Input in : inputs) {
            if (in.present()) {
                names.add(in.name());
            }
        }
        return names;
    }

    /** Which input positions are present: the structure a call of the imported block may also use. */
    public List<Boolean> presence() {
        List<Boolean> out = new ArrayList<>(inputs.size());
        for (Input in : inputs) {
            out.add(in.present());
        }
        return out;
    }

    /** The metadata file for export prefix {@code prefix}: {@code prefix-metadata.json}. */
    public static Path forPrefix(Path prefix) {
        return prefix.resolveSibling(prefix.getFileName() + SUFFIX);
    }

    /**
     * The metadata file written beside {@code symbolFile} ({@code x-symbol.json} gives {@code x-metadata.json}), if
     * the symbol file is so named and the metadata file exists.
     */
    public static Optional<Path> beside(Path symbolFile) {
        String name = symbolFile.getFileName().toString();
        if (!name.endsWith(SYMBOL_SUFFIX)) {
            return Optional.empty();
        }
        Path meta = symbolFile.resolveSibling(name.substring(0, name.length() - SYMBOL_SUFFIX.length()) + SUFFIX);
        return Files.exists(meta) ? Optional.of(meta) : Optional.empty();
    }

    /** Reads a metadata file; a malformed file, or one of a later format version, is a clear error. */
    public static ExportMetadata read(Path file) {
        return ExportMetadataJson.read(file);
    }

    /** The file's JSON text, as {@code export} writes it. */
    public String toJson() {
        return ExportMetadataJson.write(this);
    }

    /**
     * Checks that importing with {@code inputNames} agrees with this metadata, read from {@code file}; a different
     * list is an error stating both.
     */
    void requireInputs(List<String> inputNames, Path file) {
        if (!inputNames.equals(inputNames())) {
            throw new KilnException("Input structure mismatch: the import names inputs " + inputNames + " but the "
                    + "metadata file " + file + " records inputs " + inputs + ", that is graph inputs "
                    + inputNames() + "; import with those names (or with SymbolBlock.imports(symbolFile, "
                    + "paramsFile), which reads them from the metadata)");
        }
    }
}
