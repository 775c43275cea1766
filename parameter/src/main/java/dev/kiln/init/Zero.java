package dev.kiln.init;

import dev.kiln.ndarray.NDArray;

/** Fills weights with 0 (registered as {@code zero} and {@code zeros}); works for every dtype. */
public final class Zero extends Initializer {
    @Override
    protected void initWeight(InitDesc desc, NDArray target) {
        target.fill(0);
    }
}
