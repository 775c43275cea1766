package dev.kiln.examples.customlayer;

import dev.kiln.autograd.Autograd;
import dev.kiln.block.HybridSequential;
import dev.kiln.examples.Examples;
import dev.kiln.init.Xavier;
import dev.kiln.loss.L2Loss;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.nn.Dense;
import dev.kiln.random.Random;
import dev.kiln.trainer.Trainer;

import java.nio.file.Path;
import java.util.Map;

import static dev.kiln.op.surface.ND.nd;

/**
 * Worked example 1 of issue #6, MXNet Gluon's custom-layer tutorial as a program: the plain {@link NormalizationLayer},
 * its hybrid twin, then the tutorial's network ({@code Dense(5)}, {@link ScaledNormalizationLayer} with deferred
 * {@code weights} and a non-trainable {@code scales}, {@code Dense(1)}) hybridized and trained with the tutorial's
 * SGD trainer. Writes the trained parameters as {@code tutorial.params}.
 */
public final class CustomLayerTutorial {
    private CustomLayerTutorial() {
    }

    /** The tutorial's network: {@code Dense(5)}, the scaled normalisation (scales 2), {@code Dense(1)}. */
    public static HybridSequential tutorialNet() {
        HybridSequential net = new HybridSequential();
        try (var ignored = net.nameScope()) {
            net.add(new Dense(5));
            net.add(new ScaledNormalizationLayer(5, NDArray.of(Shape.of(1), 2f)));
            net.add(new Dense(1));
        }
        return net;
    }

    /** Runs the tutorial, writing under {@code args[0]} (default {@code ./kiln-examples/customlayer}). */
    public static void main(String[] args) {
        Path dir = Examples.outputDirectory(args, "customlayer");
        NDArray x = NDArray.of(Shape.of(5), 1f, 2f, 3f, 4f, 5f);
        System.out.println("NormalizationLayer(1..5) = " + java.util.Arrays.toString(
                new NormalizationLayer().call(x).toDoubleArray()));
        System.out.println("NormalizationHybridLayer(1..5) = " + java.util.Arrays.toString(
                new NormalizationHybridLayer().call(x).toDoubleArray()));

        Random.seed(7);
        HybridSequential net = tutorialNet();
        net.initialize(new Xavier("uniform", "avg", 2.24));
        net.hybridize();
        NDArray input = Random.uniform(-10, 10, 20, 2);
        NDArray target = nd.sum(nd.tanh(nd.mulScalar(input, 0.2)), Map.of("axis", 1, "keepdims", true));
        ScaledNormalizationLayer layer = (ScaledNormalizationLayer) net.get(1);
        Trainer trainer = new Trainer(net.collectParams(), "sgd", Map.of("learning_rate", 0.1, "momentum", 0.9));
        L2Loss loss = new L2Loss();
        double first = 0;
        double last = 0;
        for (int step = 0; step < 20; step++) {
            NDArray l;
            try (var rec = Autograd.record()) {
                l = loss.forward(net.call(input), target);
            }
            l.backward();
            trainer.step(input.shape().get(0));
            last = nd.mean(l).getDouble(0);
            first = step == 0 ? last : first;
        }
        System.out.println("weights " + layer.weights.name() + " deferred to " + layer.weights.shape()
                + "; compiled graphs built: " + net.cacheStats().misses());
        System.out.printf("20 SGD steps: loss %.5f -> %.5f; scales still %s (not trained)%n", first, last,
                java.util.Arrays.toString(layer.scales.data().toDoubleArray()));
        Path params = dir.resolve("tutorial.params");
        net.saveParameters(params);
        System.out.println("wrote " + params);
    }
}
