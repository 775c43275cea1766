package dev.kiln.nn;

import dev.kiln.block.Block;
import dev.kiln.init.Initializer;
import dev.kiln.ndarray.DType;

/**
 * A layer builder for layers with a weight and a parameter dtype (Dense, Embedding): Gluon's {@code dtype} (default
 * float32) and {@code weight_initializer} (default none, so the one given to {@code initialize} applies).
 *
 * @param <B> the concrete builder
 * @param <L> the layer it builds
 */
public abstract class WeightedBuilder<B extends WeightedBuilder<B, L>, L extends Block> extends LayerBuilder<B, L> {
    private DType dtype = DType.FLOAT32;
    private Initializer weightInitializer;

    /** The parameters' element type (default float32). */
    public B dtype(DType t) {
        this.dtype = t;
        return self();
    }

    /** The weight's own initialiser (default none: the one given to {@code initialize}). */
    public B weightInitializer(Initializer i) {
        this.weightInitializer = i;
        return self();
    }

    public B weightInitializer(String nameOrJson) {
        return weightInitializer(initializer(nameOrJson));
    }

    public DType dtype() {
        return dtype;
    }

    public Initializer weightInitializer() {
        return weightInitializer;
    }
}
