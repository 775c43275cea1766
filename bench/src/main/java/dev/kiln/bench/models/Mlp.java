package dev.kiln.bench.models;

import dev.kiln.block.HybridSequential;
import dev.kiln.nn.Dense;

/** The MNIST multilayer perceptron of the model suite: 784 -> 256 -> 128 -> 10, ReLU between the layers. */
public final class Mlp extends HybridSequential {
    public Mlp() {
        add(new Dense(256, "relu"), new Dense(128, "relu"), new Dense(10));
    }
}
