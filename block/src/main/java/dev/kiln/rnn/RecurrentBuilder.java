package dev.kiln.rnn;

import dev.kiln.block.Block;
import dev.kiln.init.Initializer;
import dev.kiln.nn.LayerBuilder;

/**
 * The Gluon arguments that recurrent layers and cells share: the hidden size, the input size (0 to infer it from the
 * first input) and the initialisers of the i2h and h2h weights and biases (weights default to the one given to
 * {@code initialize}, biases to {@code zeros}).
 *
 * @param <B> the concrete builder
 * @param <L> the layer or cell it builds
 */
public abstract class RecurrentBuilder<B extends RecurrentBuilder<B, L>, L extends Block> extends LayerBuilder<B, L> {
    final int hiddenSize;
    int inputSize;
    Initializer i2hWeightInitializer;
    Initializer h2hWeightInitializer;
    Initializer i2hBiasInitializer = initializer("zeros");
    Initializer h2hBiasInitializer = initializer("zeros");

    protected RecurrentBuilder(int hiddenSize) {
        this.hiddenSize = hiddenSize;
    }

    /** Input features; 0 (the default) infers them from the first input. */
    public B inputSize(int n) {
        this.inputSize = n;
        return self();
    }

    /** The i2h weights' initialiser (default none: the one given to {@code initialize}). */
    public B i2hWeightInitializer(Initializer i) {
        this.i2hWeightInitializer = i;
        return self();
    }

    public B i2hWeightInitializer(String nameOrJson) {
        return i2hWeightInitializer(initializer(nameOrJson));
    }

    /** The h2h weights' initialiser (default none: the one given to {@code initialize}). */
    public B h2hWeightInitializer(Initializer i) {
        this.h2hWeightInitializer = i;
        return self();
    }

    public B h2hWeightInitializer(String nameOrJson) {
        return h2hWeightInitializer(initializer(nameOrJson));
    }

    /** The i2h biases' initialiser (default {@code zeros}). */
    public B i2hBiasInitializer(Initializer i) {
        this.i2hBiasInitializer = i;
        return self();
    }

    public B i2hBiasInitializer(String nameOrJson) {
        return i2hBiasInitializer(initializer(nameOrJson));
    }

    /** The h2h biases' initialiser (default {@code zeros}). */
    public B h2hBiasInitializer(Initializer i) {
        this.h2hBiasInitializer = i;
        return self();
    }

    public B h2hBiasInitializer(String nameOrJson) {
        return h2hBiasInitializer(initializer(nameOrJson));
    }

    /** The four initialisers in the order i2h weight, h2h weight, i2h bias, h2h bias. */
    Initializer[] initializers() {
        return new Initializer[] {i2hWeightInitializer, h2hWeightInitializer, i2hBiasInitializer, h2hBiasInitializer};
    }

    /** Takes the four initialisers of {@link #initializers()} (a fused layer's, for its cells). */
    B initializers(Initializer[] init) {
        i2hWeightInitializer = init[0];
        h2hWeightInitializer = init[1];
        i2hBiasInitializer = init[2];
        h2hBiasInitializer = init[3];
        return self();
    }
}
