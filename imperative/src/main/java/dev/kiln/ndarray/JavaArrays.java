package dev.kiln.ndarray;

import dev.kiln.KilnException;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;

/** Conversion between nested Java arrays of any rank and {@link NDArray}s. */
final class JavaArrays {
    private JavaArrays() {
    }

    static NDArray toNDArray(Object javaArray) {
        if (javaArray == null || !javaArray.getClass().isArray()) {
            throw new KilnException("NDArray.from expects a Java array, got "
                    + (javaArray == null ? "null" : javaArray.getClass().getName()));
        }
        List<Integer> dims = new ArrayList<>();
        Class<?> c = javaArray.getClass();
        Object probe = javaArray;
        while (c.isArray()) {
            int len = Array.getLength(probe);
            dims.add(len);
            c = c.getComponentType();
            if (c.isArray()) {
                if (len == 0) {
                    // An empty outer array hides inner lengths; take them as zero.
                    while (c.isArray()) {
                        dims.add(0);
                        c = c.getComponentType();
                    }
                    break;
                }
                probe = Array.get(probe, 0);
            }
        }
        DType dtype = dtypeOf(c);
        Shape shape = Shape.of(dims.stream().mapToInt(Integer::intValue).toArray());
        Object data = Storage.allocate(dtype, shape.size());
        int[] cursor = {0};
        flatten(javaArray, 0, shape, dtype, data, cursor);
        return NDArray.wrap(shape, dtype, Device.cpu(), data);
    }

    private static DType dtypeOf(Class<?> leaf) {
        if (leaf == float.class) {
            return DType.FLOAT32;
        } else if (leaf == double.class) {
            return DType.FLOAT64;
        } else if (leaf == int.class) {
            return DType.INT32;
        } else if (leaf == long.class) {
            return DType.INT64;
        } else if (leaf == byte.class) {
            return DType.INT8;
        } else if (leaf == boolean.class) {
            return DType.BOOL;
        }
        throw new KilnException("NDArray.from supports float, double, int, long, byte and boolean arrays, got "
                + leaf.getName());
    }

    private static void flatten(Object arr, int depth, Shape shape, DType dtype, Object out, int[] cursor) {
        int len = Array.getLength(arr);
        if (len != shape.get(depth)) {
            throw new KilnException("ragged Java array: dim " + depth + " has length " + len + " where "
                    + shape.get(depth) + " was expected (shape " + shape + ")");
        }
        if (depth == shape.rank() - 1) {
            switch (arr) {
                case boolean[] b -> {
                    byte[] o = (byte[]) out;
                    for (boolean v : b) {
                        o[cursor[0]++] = (byte) (v ? 1 : 0);
                    }
                }
                default -> {
                    System.arraycopy(arr, 0, out, cursor[0], len);
                    cursor[0] += len;
                }
            }
            return;
        }
        for (int i = 0; i < len; i++) {
            flatten(Array.get(arr, i), depth + 1, shape, dtype, out, cursor);
        }
    }

    static Object fromNDArray(NDArray a) {
        Class<?> leaf = switch (a.dtype()) {
            case FLOAT32, FLOAT16, BFLOAT16 -> float.class;
            case FLOAT64 -> double.class;
            case INT32, UINT8 -> int.class;
            case INT64 -> long.class;
            case INT8 -> byte.class;
            case BOOL -> boolean.class;
        };
        int[] dims = a.shape().dims();
        if (dims.length == 0) {
            Object one = Array.newInstance(leaf, 1);
            setLeaf(one, 0, a, 0);
            return one;
        }
        Object out = Array.newInstance(leaf, dims);
        int[] cursor = {0};
        fill(out, 0, dims, a, cursor);
        return out;
    }

    private static void fill(Object arr, int depth, int[] dims, NDArray a, int[] cursor) {
        if (depth == dims.length - 1) {
            for (int i = 0; i < dims[depth]; i++) {
                setLeaf(arr, i, a, cursor[0]++);
            }
            return;
        }
        for (int i = 0; i < dims[depth]; i++) {
            fill(Array.get(arr, i), depth + 1, dims, a, cursor);
        }
    }

    private static void setLeaf(Object arr, int i, NDArray a, int flat) {
        switch (arr) {
            case float[] f -> f[i] = (float) a.getDouble(flat);
            case double[] d -> d[i] = a.getDouble(flat);
            case int[] n -> n[i] = (int) Storage.getLong(a.dtype(), a.data(), flat);
            case long[] n -> n[i] = Storage.getLong(a.dtype(), a.data(), flat);
            case byte[] n -> n[i] = (byte) Storage.getLong(a.dtype(), a.data(), flat);
            case boolean[] b -> b[i] = a.getDouble(flat) != 0;
            default -> throw new IllegalStateException(arr.getClass().getName());
        }
    }
}
