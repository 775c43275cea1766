package dev.kiln.ndarray;

/**
 * Where the contents of a {@link NDArray#deferred deferred array} come from: a producer that has not yet delivered
 * them (a device still holding a result, say), asked for them only when something first reads or writes the array.
 * A consumer that can use the source directly (a later device computation binding the device copy) can find it
 * through {@link NDArray#pendingContents()} without causing the copy.
 */
@FunctionalInterface
public interface PendingContents {
    /**
     * Writes every element of the array into {@code backingArray}, the array's zeroed backing storage (the type
     * {@link Storage} uses for its dtype, of the array's size). Called at most once per array, and never again after
     * it failed.
     */
    void writeInto(Object backingArray);

    /** What produces the contents, for error messages (a graph output, a device buffer). */
    default String describe() {
        return "deferred contents";
    }
}
