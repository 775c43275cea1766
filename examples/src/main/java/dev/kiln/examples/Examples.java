package dev.kiln.examples;

import dev.kiln.KilnException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The catalog of runnable examples (what {@code kiln example NAME [DIR]} runs; docs/EXAMPLES.md describes each) and
 * the output directory convention they share: the first argument, else {@code ./kiln-examples/<name>}.
 */
public final class Examples {
    /** One runnable example: its short name, a line saying what it shows, and its {@code main}. */
    public record Example(String name, String description, Consumer<String[]> main) {
        /** Runs the example, writing its files under {@code outputDir}. */
        public void run(Path outputDir) {
            main.accept(new String[] {outputDir.toString()});
        }
    }

    private static final List<Example> ALL = List.of(
            new Example("quickstart", "README quick start: custom HybridBlock with a deferred parameter and a "
                    + "constant, hybridize, train, export, import, compare",
                    dev.kiln.examples.quickstart.QuickStart::main),
            new Example("customlayer", "Gluon's custom-layer tutorial: plain Block, HybridBlock, deferred weights, "
                    + "a constant scale, one compiled graph, SGD",
                    dev.kiln.examples.customlayer.CustomLayerTutorial::main),
            new Example("autograd", "custom Function with its gradient checked, and a second derivative through "
                    + "createGraph", dev.kiln.examples.autograd.AutogradExample::main),
            new Example("customop", "CustomOp with a hand-written backward: gradient check, then a classifier "
                    + "trained with it", dev.kiln.examples.customop.CustomOpExample::main),
            new Example("training", "Estimator.fit with Adam on synthetic blobs: metrics, validation, history "
                    + "CSV/JSON/PNG/SVG", dev.kiln.examples.training.TrainingExample::main),
            new Example("keras", "the Keras MNIST convnet in Kiln layers and a Keras-style custom layer with its "
                    + "shape inferred", dev.kiln.examples.keras.KerasStyleModel::main),
            new Example("metalhead", "Metalhead's conv_norm sequences, eager against hybridized",
                    dev.kiln.examples.metalhead.ConvNormExamples::main),
            new Example("unet", "the Flux model-zoo UNet at small width, eager against hybridized",
                    dev.kiln.examples.unet.UNetExample::main));

    private Examples() {
    }

    /** Every example, in the order docs/EXAMPLES.md lists them. */
    public static List<Example> all() {
        return ALL;
    }

    /** The example named {@code name}; the error lists the names there are. */
    public static Example named(String name) {
        return ALL.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow(() -> new KilnException(
                "no example named '" + name + "'; the examples are " + ALL.stream().map(Example::name).toList()));
    }

    /**
     * The directory an example writes to, created if absent: {@code args[0]} when given, else
     * {@code ./kiln-examples/<name>}.
     */
    public static Path outputDirectory(String[] args, String name) {
        Path dir = args.length > 0 ? Path.of(args[0]) : Path.of("kiln-examples", name);
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("example " + name + ": cannot create the output directory " + dir, e);
        }
    }
}
