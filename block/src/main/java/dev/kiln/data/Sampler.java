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

    /**
     * Makes the next pass the one an unbroken run would make as pass number {@code epoch} (counted from 0), so a run
     * resumed from a checkpoint sees the same data order as one that never stopped. A sampler whose passes depend on
     * more than their number cannot do this and says so.
     */
    default void setEpoch(long epoch) {
        throw new dev.kiln.KilnException(getClass().getSimpleName() + " cannot be positioned at epoch " + epoch
                + ": its passes are not a function of the epoch number");
    }
}
