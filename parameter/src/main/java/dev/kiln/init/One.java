package dev.kiln.init;

import dev.kiln.ndarray.NDArray;

/** Fills weights with 1 (registered as {@code one} and {@code ones}); works for every dtype. */
public final class One extends Initializer {
    @Override
    protected void initWeight(InitDesc desc, NDArray target) {
        target.fill(1);
    }
}
