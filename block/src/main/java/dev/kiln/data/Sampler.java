package dev.kiln.data;

/**
 * A source of sample indices (or of batches of them) with a known length per pass, as Gluon's {@code Sampler}.
 * Each {@link #iterator()} is one pass (one epoch).
 *
 * @param <T> what one step yields: an index, or a list of indices for a batch sampler
 */
public interface Sampler<T> extends Iterable<T> {
    /** How many elements the next pass yields. */
    int size();
}
