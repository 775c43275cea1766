package dev.kiln.data;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Zips several equally long arrays or lists into one dataset, as Gluon's {@code ArrayDataset}: sample {@code i} holds
 * row {@code i} of each source, one field per source ({@code [data, label]}). An NDArray source contributes its
 * sub-array along axis 0 (a 0-d array of the same dtype for a 1-d source), a list source its element (an NDArray as
 * is, a {@link Number} as a 0-d array: Integer int32, Long int64, Float float32, Double float64). Gluon returns the
 * plain row when there is one source; here a sample is always a list of fields, and {@link #ofArray} gives the
 * plain-row dataset.
 */
public final class ArrayDataset implements Dataset<List<NDArray>> {
    private final List<Object> sources;
    private final int length;

    /** Zips NDArrays (rows along axis 0). */
    public ArrayDataset(NDArray... arrays) {
        this((Object[]) arrays);
    }

    /** Zips NDArrays and {@code List}s of NDArrays or numbers. */
    public ArrayDataset(Object... sources) {
        if (sources.length == 0) {
            throw new KilnException("ArrayDataset needs at least one array or list");
        }
        this.sources = new ArrayList<>(sources.length);
        int[] lengths = new int[sources.length];
        for (int k = 0; k < sources.length; k++) {
            Object source = sources[k];
            switch (source) {
                case NDArray a -> {
                    if (a.rank() == 0) {
                        throw new KilnException("ArrayDataset: source " + k + " is a 0-d array of shape "
                                + a.shape() + "; it has no rows");
                    }
                    lengths[k] = a.shape().get(0);
                }
                case List<?> l -> lengths[k] = l.size();
                case null -> throw new KilnException("ArrayDataset: source " + k + " is null");
                default -> throw new KilnException("ArrayDataset: source " + k + " is a "
                        + source.getClass().getName() + "; expected an NDArray or a List");
            }
            this.sources.add(source);
        }
        for (int k = 1; k < lengths.length; k++) {
            if (lengths[k] != lengths[0]) {
                throw new KilnException("ArrayDataset: all sources must have the same length, but source 0 has "
                        + lengths[0] + " rows and source " + k + " has " + lengths[k] + " (lengths "
                        + java.util.Arrays.toString(lengths) + ")");
            }
        }
        this.length = lengths[0];
    }

    /** The dataset of the rows of one array, each sample a plain NDArray, as Gluon's one-source ArrayDataset. */
    public static Dataset<NDArray> ofArray(NDArray array) {
        ArrayDataset zipped = new ArrayDataset(array);
        return zipped.transform(fields -> fields.get(0));
    }

    @Override
    public int size() {
        return length;
    }

    @Override
    public List<NDArray> get(int index) {
        Objects.checkIndex(index, length);
        List<NDArray> fields = new ArrayList<>(sources.size());
        for (int k = 0; k < sources.size(); k++) {
            fields.add(field(k, index));
        }
        return List.copyOf(fields);
    }

    private NDArray field(int k, int index) {
        Object source = sources.get(k);
        if (source instanceof NDArray a) {
            return row(a, index);
        }
        Object element = ((List<?>) source).get(index);
        return switch (element) {
            case NDArray a -> a;
            case Number n -> DefaultBatchify.scalar(n);
            case null -> throw new KilnException("ArrayDataset: element " + index + " of source " + k + " is null");
            default -> throw new KilnException("ArrayDataset: element " + index + " of source " + k + " is a "
                    + element.getClass().getName() + "; list sources hold NDArrays or numbers");
        };
    }

    /** A copy of row {@code index} of {@code a} along axis 0. */
    static NDArray row(NDArray a, int index) {
        Shape rowShape = a.shape().slice(1, a.rank());
        int n = rowShape.size();
        NDArray out = NDArray.zeros(rowShape, a.dtype(), a.device());
        System.arraycopy(a.data(), index * n, out.data(), 0, n);
        return out;
    }
}
