package dev.kiln.bench.models;

import dev.kiln.block.HybridSequential;
import dev.kiln.nn.Activation;
import dev.kiln.nn.Dense;
import dev.kiln.nn.conv.Conv2D;
import dev.kiln.nn.conv.MaxPool2D;
import dev.kiln.nn.norm.BatchNorm;

/**
 * A small MNIST CNN: two blocks of [3x3 convolution (padding 1), BatchNorm, ReLU, 2x2 max pooling] with 16 and 32
 * channels, then a 10-way Dense head on the flattened 32x7x7 features of a 1x28x28 input.
 */
public final class SmallCnn extends HybridSequential {
    public SmallCnn() {
        add(convBlock(16), convBlock(32), new Dense(10));
    }

    private static HybridSequential convBlock(int channels) {
        return new HybridSequential().add(Conv2D.builder(channels, 3, 3).padding(1, 1).build(), new BatchNorm(),
                new Activation("relu"), new MaxPool2D(2));
    }
}
