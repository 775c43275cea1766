package dev.kiln.graph.json;

import com.fasterxml.jackson.core.JsonParser;
import dev.kiln.FileFormatException;
import dev.kiln.KilnException;
import dev.kiln.graph.Graph;
import dev.kiln.io.AtomicFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * MXNet 1.x symbol JSON ({@code -symbol.json}), both ways. {@link #write} produces exactly the bytes MXNet 1.9's
 * {@code MXSymbolSaveToJSON} ({@code sym.tojson()}) writes for the same graph; {@link #read} accepts what MXNet 1.x
 * loads, older files included (upgraded as MXNet upgrades them), and turns every malformed, inconsistent or hostile
 * input into a {@link FileFormatException} naming the node and field at fault. See {@code docs/SYMBOL-JSON.md}.
 */
public final class SymbolJson {
    /** The {@code mxnet_version} written: 1.9.0, as MXNet 1.9 writes it. */
    public static final int MXNET_VERSION = LegacyUpgrade.CURRENT;

    /**
     * Bounds on what {@link #read} accepts, so that a hostile file costs bounded time and memory.
     *
     * @param maxBytes  longest document, in bytes (files) or chars (strings)
     * @param maxTokens most JSON tokens (brackets, keys, values); a node costs about ten, an input entry five
     * @param maxDepth  deepest nesting of arrays and objects (a plain symbol file needs 5)
     */
    public record Limits(long maxBytes, long maxTokens, int maxDepth) {
        /**
         * 64 MiB, 2 million tokens, depth 64: far above real models (ResNet-152's file has tens of thousands of
         * tokens), while a hostile file stays within a few hundred MiB of heap.
         */
        public static final Limits DEFAULT = new Limits(64L << 20, 2_000_000, 64);

        public Limits {
            if (maxBytes <= 0 || maxTokens <= 0 || maxDepth <= 0) {
                throw new IllegalArgumentException("symbol JSON limits must be positive, got " + maxBytes + ", "
                        + maxTokens + ", " + maxDepth);
            }
        }
    }

    private SymbolJson() {
    }

    /** The graph as MXNet 1.9 would save it: nodes in depth-first order from the outputs (others left out). */
    public static String write(Graph graph) {
        return SymbolJsonWriter.write(graph, MXNET_VERSION);
    }

    /** Writes {@link #write}'s text to {@code file} in UTF-8, atomically: readers never see a partial file. */
    public static void save(Graph graph, Path file) {
        byte[] bytes = write(graph).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /** Reads symbol JSON with the {@linkplain Limits#DEFAULT default limits}. */
    public static Graph read(String json) {
        return read(json, Limits.DEFAULT);
    }

    /** Reads symbol JSON within {@code limits}. */
    public static Graph read(String json, Limits limits) {
        if (json.length() > limits.maxBytes()) {
            throw new FileFormatException("symbol JSON is " + json.length() + " chars long, more than the limit of "
                    + limits.maxBytes());
        }
        JsonParser p;
        try {
            p = SymbolJsonParser.factory(limits).createParser(json);
        } catch (IOException e) {
            throw new FileFormatException("cannot read symbol JSON: " + e.getMessage(), e);
        }
        try {
            return GraphLoader.load(SymbolJsonParser.parse(p));
        } catch (KilnException e) {
            throw asFormatError(e);
        }
    }

    /** An error building the graph from the parsed nodes (an op's attribute, say) is the file's fault too. */
    private static FileFormatException asFormatError(KilnException e) {
        return e instanceof FileFormatException f ? f : new FileFormatException(e.getMessage(), e);
    }

    /** Reads a symbol file with the {@linkplain Limits#DEFAULT default limits}. */
    public static Graph load(Path file) {
        return load(file, Limits.DEFAULT);
    }

    /** Reads a symbol file (UTF-8, or UTF-16/32 with Jackson's detection) within {@code limits}. */
    public static Graph load(Path file, Limits limits) {
        try {
            long size = Files.size(file);
            if (size > limits.maxBytes()) {
                throw new FileFormatException("it is " + size + " bytes long, more than the limit of "
                        + limits.maxBytes());
            }
            InputStream in = Files.newInputStream(file);
            RawGraph raw;
            try {
                raw = SymbolJsonParser.parse(SymbolJsonParser.factory(limits).createParser(in));
            } finally {
                in.close();
            }
            return GraphLoader.load(raw);
        } catch (NoSuchFileException e) {
            throw new KilnException("symbol file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new KilnException("cannot read symbol file " + file + ": " + e.getMessage(), e);
        } catch (KilnException e) {
            throw new FileFormatException("symbol file " + file + ": " + e.getMessage(), e);
        }
    }
}
