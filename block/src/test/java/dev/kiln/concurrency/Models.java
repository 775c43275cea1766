package dev.kiln.concurrency;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.HybridSequential;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.nn.Dense;
import dev.kiln.nn.Flatten;
import dev.kiln.nn.conv.Conv2D;
import dev.kiln.nn.conv.MaxPool2D;
import dev.kiln.nn.norm.BatchNorm;
import dev.kiln.parameter.Parameter;
import dev.kiln.random.Generator;
import dev.kiln.random.Random;

import java.util.Arrays;

/** The tiny models and inputs the concurrency tests run, and the bitwise comparison they use. */
final class Models {
    /** Features of the MLP's input rows. */
    static final int MLP_IN = 8;
    /** Side of the CNN's square single-channel images. */
    static final int CNN_SIDE = 8;

    private Models() {
    }

    /** Dense(16, relu) -> Dense(16, relu) -> Dense(4), input width deferred. */
    static HybridSequential mlp() {
        HybridSequential net = new HybridSequential();
        net.add(new Dense(16, "relu"), new Dense(16, "relu"), new Dense(4));
        return net;
    }

    /** Conv(4, 3x3) -> BatchNorm -> relu -> MaxPool(2) -> Flatten -> Dense(6), input channels deferred. */
    static HybridSequential cnn() {
        HybridSequential net = new HybridSequential();
        net.add(new Conv2D(4, 3), new BatchNorm(), new dev.kiln.nn.Activation("relu"), new MaxPool2D(2),
                new Flatten(), new Dense(6));
        return net;
    }

    /** The model's input of {@code batch} rows or images, uniform in [-1, 1) from {@code seed}. */
    static NDArray input(boolean cnn, int batch, long seed) {
        Shape shape = cnn ? Shape.of(batch, 1, CNN_SIDE, CNN_SIDE) : Shape.of(batch, MLP_IN);
        return uniform(shape, seed, -1, 1);
    }

    /** Uniform values from a generator of its own, so concurrent callers do not share one. */
    static NDArray uniform(Shape shape, long seed, double low, double high) {
        return Random.uniform(new Generator(seed), low, high, shape, dev.kiln.ndarray.DType.FLOAT32,
                dev.kiln.ndarray.Device.cpu());
    }

    /**
     * Initialises {@code net} on {@code example}'s shape and gives every parameter uniform values (variances
     * positive), so that folded BatchNorm and biases matter.
     */
    static <B extends HybridBlock> B initialized(B net, NDArray example, long seed) {
        net.initialize();
        net.call(example);
        long s = seed;
        for (Parameter p : net.collectParams().values()) {
            boolean variance = p.name().endsWith("running_var");
            p.setData(uniform(p.shape(), s++, variance ? 0.5 : -0.5, variance ? 1.5 : 0.5));
        }
        return net;
    }

    /** True if {@code actual} has {@code expected}'s shape and exactly its bits. */
    static boolean sameBits(NDArray actual, NDArray expected) {
        return actual.shape().equals(expected.shape())
                && Arrays.equals(actual.toFloatArray(), expected.toFloatArray());
    }

    /** A copy that no later call can write. */
    static NDArray frozen(NDArray a) {
        return NDArray.wrap(a.shape(), a.toFloatArray());
    }
}
