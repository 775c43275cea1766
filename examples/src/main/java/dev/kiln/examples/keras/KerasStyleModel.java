package dev.kiln.examples.keras;

import dev.kiln.block.HybridLambda;
import dev.kiln.block.HybridSequential;
import dev.kiln.examples.Examples;
import dev.kiln.init.Xavier;
import dev.kiln.ndarray.Shape;
import dev.kiln.nn.Dense;
import dev.kiln.nn.Dropout;
import dev.kiln.nn.Flatten;
import dev.kiln.nn.conv.Conv2D;
import dev.kiln.nn.conv.MaxPool2D;
import dev.kiln.random.Random;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Worked example 2 of issue #6: the Keras MNIST convnet ({@code Conv2D(32, 3, relu)}, {@code Conv2D(64, 3, relu)},
 * {@code MaxPooling2D}, {@code Dropout(0.25)}, {@code Flatten}, {@code Dense(128, relu)}, {@code Dropout(0.5)},
 * {@code Dense(10, softmax)}) in Kiln's layers, and a small model ending in {@link LazyDense}, a custom layer written
 * the Keras way whose kernel shape Kiln infers. Writes the convnet's summary as {@code summary.txt}.
 */
public final class KerasStyleModel {
    private KerasStyleModel() {
    }

    /** The Keras MNIST convnet. */
    public static HybridSequential kerasConvnet() {
        HybridSequential model = new HybridSequential();
        try (var ignored = model.nameScope()) {
            model.add(new Conv2D(32, 3, "relu"), new Conv2D(64, 3, "relu"), new MaxPool2D(2), new Dropout(0.25),
                    new Flatten(), new Dense(128, "relu"), new Dropout(0.5), new Dense(10),
                    new HybridLambda("softmax"));
        }
        return model;
    }

    /** Convolution, pooling and flatten, then {@link LazyDense} with 10 units. */
    public static HybridSequential withLazyDense() {
        HybridSequential model = new HybridSequential();
        try (var ignored = model.nameScope()) {
            model.add(new Conv2D(4, 3, "relu"), new MaxPool2D(2), new Flatten(), new LazyDense(10));
        }
        return model;
    }

    /** Runs the example, writing under {@code args[0]} (default {@code ./kiln-examples/keras}). */
    public static void main(String[] args) {
        Path dir = Examples.outputDirectory(args, "keras");
        HybridSequential convnet = kerasConvnet();
        System.out.println("convnet output shape for (2, 1, 28, 28): " + convnet.inferShape(Shape.of(2, 1, 28, 28)));
        long total = convnet.collectParams().asMap().values().stream().mapToLong(p -> p.shape().size()).sum();
        System.out.println("convnet parameters: " + total);
        Random.seed(1);
        convnet.initialize(new Xavier());
        String summary = convnet.summary(Random.uniform(0, 1, 1, 1, 28, 28));
        Path file = dir.resolve("summary.txt");
        try {
            Files.writeString(file, summary);
        } catch (IOException e) {
            throw new UncheckedIOException("example keras: cannot write " + file, e);
        }

        HybridSequential lazy = withLazyDense();
        System.out.println("LazyDense model output shape for (3, 1, 8, 8): " + lazy.inferShape(Shape.of(3, 1, 8, 8)));
        System.out.println("LazyDense kernel inferred as " + ((LazyDense) lazy.get(3)).kernel.shape());
        System.out.println("wrote " + file);
    }
}
