package dev.kiln.data;

import dev.kiln.ndarray.NDArray;

import java.util.List;

/**
 * Merges the samples of one batch into the batch's fields, as Gluon's {@code batchify_fn}: the result holds one
 * NDArray per field ({@code [data, label]}). {@link #stack()} is Gluon's {@code default_batchify_fn}.
 *
 * @param <T> the sample type
 */
@FunctionalInterface
public interface Batchify<T> {
    /** The fields of the batch made of {@code samples} (never empty). */
    List<NDArray> apply(List<T> samples);

    /** Stacks NDArrays and numbers along a new axis 0; list samples are stacked field by field. */
    static <T> Batchify<T> stack() {
        return DefaultBatchify::batchify;
    }
}
