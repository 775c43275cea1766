package dev.kiln.bench.suite;

import dev.kiln.block.HybridBlock;
import dev.kiln.ndarray.Shape;

import java.util.function.Supplier;

/**
 * One row of the model suite: a model (built fresh by {@code factory}), the input shape (batch first) and the
 * pass: inference only, or forward and backward with loss = the sum of the outputs and gradients of every
 * parameter.
 */
public record ModelCase(String model, Supplier<HybridBlock> factory, Shape input, boolean training) {
    /** The batch size: the input's first dimension. */
    public int batch() {
        return input.get(0);
    }

    /** {@code forward} or {@code forward+backward}, as in the JSON rows. */
    public String pass() {
        return training ? "forward+backward" : "forward";
    }
}
