package dev.kiln.block;

/** Removes the hook it was returned for; closing it twice does nothing. */
public interface HookHandle extends AutoCloseable {
    /** Removes the hook. */
    void detach();

    @Override
    default void close() {
        detach();
    }
}
