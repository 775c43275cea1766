package dev.kiln.faults;

import dev.kiln.io.NDArrayFile;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The process {@link KillDuringSaveTest} kills: saves a parameter file over and over, alternating between two
 * versions, and prints a line before the first save and after each save, until it is killed.
 */
public final class SaveLoopChild {
    /** Parameters per file. */
    static final int ARRAYS = 4;
    /** Elements per parameter: four 2 MiB float32 arrays make an 8 MiB file. */
    static final int ELEMENTS = 512 * 1024;

    private SaveLoopChild() {
    }

    /** The parameters of {@code version} (1 or 2): every element says its version, array and position. */
    static Map<String, NDArray> contents(int version) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (int a = 0; a < ARRAYS; a++) {
            float[] values = new float[ELEMENTS];
            for (int i = 0; i < ELEMENTS; i++) {
                values[i] = expected(version, a, i);
            }
            out.put("arg:layer" + a + "_weight", NDArray.of(Shape.of(ELEMENTS / 512, 512), values));
        }
        return out;
    }

    /** Element {@code i} of array {@code a} in {@code version}. */
    static float expected(int version, int a, int i) {
        return version * 100_000f + a * 1_000f + i % 997;
    }

    /** Arguments: the target file and the version to save first. */
    public static void main(String[] args) {
        Path target = Path.of(args[0]);
        int version = Integer.parseInt(args[1]);
        Map<String, NDArray> one = contents(1);
        Map<String, NDArray> two = contents(2);
        System.out.println("ready");
        System.out.flush();
        for (long n = 1; ; n++) {
            NDArrayFile.save(target, version == 1 ? one : two);
            System.out.println("saved " + version);
            System.out.flush();
            version = 3 - version;
        }
    }
}
