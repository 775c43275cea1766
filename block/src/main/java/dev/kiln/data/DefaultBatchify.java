package dev.kiln.data;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.List;

/**
 * Gluon's {@code default_batchify_fn}: NDArray samples are stacked along a new axis 0, number samples become a 1-d
 * array (Integer int32, Long int64, Float float32, Double float64; mixed kinds widen to int64 or float64), and list
 * samples (Gluon's tuples) are batched field by field.
 */
public final class DefaultBatchify {
    private DefaultBatchify() {
    }

    /** The fields of the batch made of {@code samples}. */
    public static List<NDArray> batchify(List<?> samples) {
        if (samples.isEmpty()) {
            throw new KilnException("batchify: a batch needs at least one sample");
        }
        if (!(samples.getFirst() instanceof List<?> first)) {
            return List.of(field(samples, -1));
        }
        int width = first.size();
        List<NDArray> fields = new ArrayList<>(width);
        for (int f = 0; f < width; f++) {
            List<Object> column = new ArrayList<>(samples.size());
            for (int s = 0; s < samples.size(); s++) {
                if (!(samples.get(s) instanceof List<?> fieldsOfSample) || fieldsOfSample.size() != width) {
                    throw new KilnException("batchify: sample 0 of the batch has " + width + " fields but sample " + s
                            + " is " + describe(samples.get(s)));
                }
                column.add(fieldsOfSample.get(f));
            }
            fields.add(field(column, f));
        }
        return List.copyOf(fields);
    }

    /** Stacks equally shaped arrays of one dtype along a new axis 0. */
    public static NDArray stack(List<NDArray> arrays) {
        return stack(arrays, -1);
    }

    private static NDArray field(List<?> values, int fieldIndex) {
        Object first = values.getFirst();
        if (first instanceof NDArray) {
            List<NDArray> arrays = new ArrayList<>(values.size());
            for (int s = 0; s < values.size(); s++) {
                if (!(values.get(s) instanceof NDArray a)) {
                    throw mixed(values, s, fieldIndex);
                }
                arrays.add(a);
            }
            return stack(arrays, fieldIndex);
        }
        if (first instanceof Number) {
            for (int s = 0; s < values.size(); s++) {
                if (!(values.get(s) instanceof Number)) {
                    throw mixed(values, s, fieldIndex);
                }
            }
            return numbers(values);
        }
        throw new KilnException("batchify: cannot batch " + where(fieldIndex) + "of type " + describe(first)
                + "; the default batchify stacks NDArrays, numbers and lists of them (pass a batchify function for "
                + "anything else)");
    }

    private static NDArray stack(List<NDArray> arrays, int fieldIndex) {
        NDArray first = arrays.getFirst();
        for (int s = 1; s < arrays.size(); s++) {
            NDArray a = arrays.get(s);
            if (!a.shape().equals(first.shape()) || a.dtype() != first.dtype()) {
                throw new KilnException("batchify: cannot stack " + where(fieldIndex) + "into a batch: sample 0 has "
                        + "shape " + first.shape() + " " + first.dtype() + " but sample " + s + " has shape "
                        + a.shape() + " " + a.dtype());
            }
        }
        int n = first.size();
        NDArray out = NDArray.zeros(first.shape().insert(0, arrays.size()), first.dtype(), first.device());
        for (int s = 0; s < arrays.size(); s++) {
            System.arraycopy(arrays.get(s).data(), 0, out.data(), s * n, n);
        }
        return out;
    }

    private static NDArray numbers(List<?> values) {
        DType dtype = null;
        for (Object v : values) {
            DType t = dtypeOf((Number) v);
            dtype = dtype == null || dtype == t ? t : widen(dtype, t);
        }
        NDArray out = NDArray.zeros(Shape.of(values.size()), dtype, Device.cpu());
        for (int s = 0; s < values.size(); s++) {
            Number v = (Number) values.get(s);
            if (dtype == DType.INT64) {
                ((long[]) out.data())[s] = v.longValue();
            } else {
                out.setDouble(s, v.doubleValue());
            }
        }
        return out;
    }

    /** A 0-d array holding {@code n}, with the dtype its boxed type maps to. */
    public static NDArray scalar(Number n) {
        return numbers(List.of(n)).reshape(Shape.scalar());
    }

    private static DType dtypeOf(Number n) {
        return switch (n) {
            case Integer i -> DType.INT32;
            case Short s -> DType.INT32;
            case Byte b -> DType.INT32;
            case Long l -> DType.INT64;
            case Float f -> DType.FLOAT32;
            default -> DType.FLOAT64;
        };
    }

    private static DType widen(DType a, DType b) {
        return a.isFloating() || b.isFloating() ? DType.FLOAT64 : DType.INT64;
    }

    private static KilnException mixed(List<?> values, int s, int fieldIndex) {
        return new KilnException("batchify: " + where(fieldIndex) + "mixes kinds: sample 0 is "
                + describe(values.getFirst()) + " but sample " + s + " is " + describe(values.get(s)));
    }

    private static String where(int fieldIndex) {
        return fieldIndex < 0 ? "samples " : "field " + fieldIndex + " ";
    }

    private static String describe(Object o) {
        return switch (o) {
            case null -> "null";
            case NDArray a -> "an NDArray of shape " + a.shape() + " " + a.dtype();
            case List<?> l -> "a list of " + l.size() + " fields";
            default -> "a " + o.getClass().getSimpleName();
        };
    }
}
