package dev.kiln.cli;

import dev.kiln.KilnException;
import dev.kiln.io.NDArrayFile;
import dev.kiln.io.Npy;
import dev.kiln.io.Npz;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The array file kinds the command reads and writes, chosen by extension: MXNet's {@code .params} (a list or a
 * dict), NumPy's {@code .npz} (a dict) and {@code .npy} (one array). Every kind is read into and written from
 * {@link NDArrayFile.Contents}; writes are atomic (the library writers rename a finished temporary file).
 */
enum ArrayFormat {
    PARAMS(".params"),
    NPZ(".npz"),
    NPY(".npy");

    private final String extension;

    ArrayFormat(String extension) {
        this.extension = extension;
    }

    /** The kind {@code file}'s extension names, or an error listing the known ones. */
    static ArrayFormat of(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        for (ArrayFormat f : values()) {
            if (name.endsWith(f.extension)) {
                return f;
            }
        }
        throw new KilnException("'" + file + "' is not an array file: the name must end in .params, .npz or .npy");
    }

    /** Reads {@code file}: keys in file order ({@code .npy} and list {@code .params} files have none). */
    NDArrayFile.Contents read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new KilnException("cannot read " + file + ": " + (Files.exists(file) ? "not a regular file"
                    : "no such file"));
        }
        return switch (this) {
            case PARAMS -> NDArrayFile.load(file);
            case NPZ -> contentsOf(Npz.read(file));
            case NPY -> new NDArrayFile.Contents(List.of(), List.of(Npy.read(file)));
        };
    }

    /**
     * Writes {@code contents} to {@code file}. A list goes to {@code .npz} under NumPy's positional keys
     * {@code arr_0}, {@code arr_1}, ...; {@code .npy} takes exactly one array and drops its key; NumPy files cannot
     * hold bfloat16, which is refused rather than silently widened.
     */
    void write(Path file, NDArrayFile.Contents contents) {
        switch (this) {
            case PARAMS -> {
                if (contents.isDict()) {
                    NDArrayFile.save(file, contents.asMap());
                } else {
                    NDArrayFile.save(file, contents.arrays());
                }
            }
            case NPZ -> {
                requireNumPyTypes(file, contents);
                Npz.write(file, keyed(contents));
            }
            case NPY -> {
                if (contents.arrays().size() != 1) {
                    throw new KilnException("cannot write " + file + ": a .npy file holds exactly one array, got "
                            + contents.arrays().size() + (contents.isDict() ? " " + contents.keys() : "")
                            + "; write a .npz or .params file instead");
                }
                requireNumPyTypes(file, contents);
                Npy.write(file, contents.arrays().getFirst());
            }
        }
    }

    /** The arrays by key, NumPy's {@code arr_<i>} for a list. */
    static Map<String, NDArray> keyed(NDArrayFile.Contents contents) {
        if (contents.isDict()) {
            return contents.asMap();
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        List<String> keys = positionalKeys(contents.arrays().size());
        for (int i = 0; i < keys.size(); i++) {
            out.put(keys.get(i), contents.arrays().get(i));
        }
        return out;
    }

    /** NumPy's keys for arrays saved by position ({@code numpy.savez(a, b)}): {@code arr_0}, {@code arr_1}, ... */
    static List<String> positionalKeys(int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            keys.add("arr_" + i);
        }
        return keys;
    }

    static NDArrayFile.Contents contentsOf(Map<String, NDArray> arrays) {
        return new NDArrayFile.Contents(new ArrayList<>(arrays.keySet()), new ArrayList<>(arrays.values()));
    }

    private static void requireNumPyTypes(Path file, NDArrayFile.Contents contents) {
        Map<String, NDArray> arrays = keyed(contents);
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            if (e.getValue().dtype() == DType.BFLOAT16) {
                throw new KilnException("cannot write " + file + ": array '" + e.getKey() + "' is bfloat16, which "
                        + "NumPy files cannot hold; write a .params file, or cast it to float32 first");
            }
        }
    }
}
